"""Extract an Article from an HTML page: main text (`_body`) plus metadata (`_metadata`)."""

from __future__ import annotations

from typing import Any

import lxml.html
from lxml import etree

from tidings.core.errors import ExtractError
from tidings.core.models import Article
from tidings.extract._body import main_text
from tidings.extract._decode import decode_html
from tidings.extract._meta_title import similarity
from tidings.extract._metadata import page_metadata

__all__ = ["extract_html"]

TITLE_ECHO_SIMILARITY = 0.75  # share of a paragraph's words found in the title
MIN_WORDS = 5  # fewer words than this is a page without an article (a menu, a login form)


def _parse_tree(text: str) -> Any:
    """An lxml tree of the page, or None if it cannot be parsed."""
    try:
        parser = lxml.html.HTMLParser(encoding="utf-8")
        return lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError):
        return None


def _echoes_title(paragraph: str, title: str) -> bool:
    """Whether a leading paragraph is the headline again (maybe without the title's site part,
    or a piece of a headline split over two lines)."""
    if paragraph == title:
        return True
    words = len(paragraph.split())
    return words <= len(title.split()) and similarity(paragraph, title) >= TITLE_ECHO_SIMILARITY


def extract_html(data: bytes | str, url: str | None = None) -> Article:
    """Extract the main article of an HTML page; raise ExtractError when there is none."""
    text = decode_html(data) if isinstance(data, bytes) else data
    if not text.strip():
        raise ExtractError("the page is empty")
    tree = _parse_tree(text)
    paragraphs = main_text(text, url, tree)
    if not paragraphs:
        raise ExtractError("no article text could be extracted from the page")
    meta = page_metadata(text, url, tree, "\n".join(paragraphs))
    title = meta.title or ""
    while paragraphs and title and _echoes_title(paragraphs[0], title):
        paragraphs.pop(0)
    if sum(len(p.split()) for p in paragraphs) < MIN_WORDS:
        raise ExtractError("no article text could be extracted from the page")
    if not title:
        first = paragraphs[0]
        title = first if len(first) <= 120 else first[:117].rsplit(" ", 1)[0] + "…"
    return Article(
        title=title,
        body_paragraphs=tuple(paragraphs),
        url=url or meta.url,
        byline=meta.byline,
        published=meta.published,
        language=meta.language,
        publisher=meta.publisher,
        topics=meta.topics,
        images=(meta.image,) if meta.image is not None else (),
        licence=meta.licence,
    )
