"""Main text of an HTML page: the article body as a list of paragraphs.

Owned by the body-extraction work; `html.extract_html` calls `main_text` only.

How: page furniture is stripped from a copy of the tree (`_body_clean`: captions, bylines, share
bars, related links, comments, hidden nodes...), readability-lxml picks the article container on
what is left (`_body_readability`, adjusted where its choices lose article text: sectioned
articles, tables, wrapped picks, in-page links, lists of points), and trafilatura on the raw
page is the fallback when that pick is tiny. Measured on the Zyte article-extraction benchmark
(bench/zyte.py) and Mozilla's readability test pages; see BENCHMARKS.md. Every rule is
generic (tag names, class/id words, text shape): none names a site."""

from __future__ import annotations

from typing import Any

import trafilatura

from tidings.core.errors import ExtractError
from tidings.extract._body_clean import clean_tree
from tidings.extract._body_readability import readability_paragraphs
from tidings.extract._shapes import normalise

__all__ = ["main_text"]

# A readability pick shorter than this is checked against trafilatura, which wins when it finds
# more than FALLBACK_RATIO times as many words (readability settled on a fragment).
MIN_WORDS = 50
FALLBACK_RATIO = 2


def _trafilatura_paragraphs(html: str, url: str | None) -> list[str]:
    try:
        text = trafilatura.extract(
            html,
            url=url,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            with_metadata=False,
        )
    except Exception as exc:  # trafilatura/lxml raise assorted errors on broken markup
        raise ExtractError(f"the page could not be parsed: {exc}") from exc
    paragraphs = [normalise(line) for line in (text or "").splitlines()]
    return [p for p in paragraphs if p]


def _words(paragraphs: list[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


def main_text(html: str, url: str | None, tree: Any) -> list[str]:
    """The body paragraphs of the page's main article (may be empty).

    `tree` is the page parsed by lxml.html (or None when it would not parse); it must not be
    modified."""
    picked: list[str] = []
    if tree is not None:
        picked = readability_paragraphs(clean_tree(tree))
    if _words(picked) >= MIN_WORDS:
        return picked
    fallback = _trafilatura_paragraphs(html, url)
    return fallback if _words(fallback) > FALLBACK_RATIO * _words(picked) else picked
