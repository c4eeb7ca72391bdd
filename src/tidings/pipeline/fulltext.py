"""Full text for truncated feed items: fetch the item's page, extract it, and merge it with
what the feed said.

An item is truncated when it links to an http(s) page and its text is shorter than
`MIN_FULL_WORDS` words or ends like a teaser ("…", "[…]", "Read more", "Continue reading",
"The post … appeared first on …"). A summary of `MIN_FULL_WORDS` words or more that ends
cleanly is taken as the article: many feeds put the whole story in their summary field.

The feed's metadata is usually cleaner than a page's (no site name glued to the title, exact
GUID and date), so the merged article keeps the feed's title, link, GUID, date, publisher and
standfirst, takes the body from the page, and fills byline, images and topics from whichever
has them. A page that cannot be fetched or extracted leaves the item as the feed gave it."""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from tidings.core import Article, TidingsError
from tidings.extract import extract_html
from tidings.ingest import Fetcher

__all__ = ["MIN_FULL_WORDS", "fetch_full_text", "is_truncated", "merge_full_text"]

log = logging.getLogger(__name__)

MIN_FULL_WORDS = 150
_TEASER_END = re.compile(
    r"(?:…|\.\.\.|\[\s*(?:…|\.\.\.)\s*\]|\(\s*more\s*(?:…|\.\.\.)?\s*\)"
    r"|\b(?:read|see) (?:more|the (?:full|whole|rest of the) (?:story|article|post))\W*"
    r"|\bcontinue reading\b.*|\bappeared first on\b.*)\s*$",
    re.IGNORECASE,
)


def is_truncated(article: Article) -> bool:
    """Whether a feed item carries only a teaser of a linked page (see the module doc)."""
    if not article.url or not article.url.lower().startswith(("http://", "https://")):
        return False
    text = article.body_text.strip()
    if len(text.split()) < MIN_FULL_WORDS:
        return True
    tail = article.body_paragraphs[-1] if article.body_paragraphs else ""
    return bool(_TEASER_END.search(tail[-200:]))


def merge_full_text(item: Article, page: Article) -> Article:
    """The feed item with the page's body; the feed's metadata wins where it has any."""
    return replace(
        item,
        title=item.title or page.title,
        body_paragraphs=page.body_paragraphs,
        standfirst=item.standfirst or _summary_standfirst(item, page) or page.standfirst,
        byline=item.byline or page.byline,
        published=item.published or page.published,
        language=item.language or page.language,
        publisher=item.publisher or page.publisher,
        topics=item.topics or page.topics,
        images=item.images or page.images,
        videos=item.videos or page.videos,
        related=item.related or page.related,
        print_headline=item.print_headline or page.print_headline,
        comment_count=item.comment_count if item.comment_count is not None else page.comment_count,
        licence=item.licence or page.licence,
    )


def _summary_standfirst(item: Article, page: Article) -> tuple[str, ...]:
    """The feed's summary as a standfirst, when it is a short dek rather than the page's
    opening words cut off."""
    summary = _TEASER_END.sub("", " ".join(item.body_paragraphs)).strip()
    if not summary or len(summary) > 400:
        return ()
    opening = " ".join(" ".join(page.body_paragraphs[:3]).split()).casefold()
    if " ".join(summary.split()).casefold()[:60] in opening:
        return ()
    return (summary,)


def fetch_full_text(fetcher: Fetcher, item: Article) -> Article | None:
    """The item completed with its page's text, or None (logged) when the page cannot be
    fetched or extracted, or holds less text than the item itself."""
    assert item.url is not None
    try:
        fetched = fetcher.fetch(item.url)
        page = extract_html(fetched.content, fetched.url)
    except TidingsError as exc:
        log.warning("full text of %s not available: %s", item.url, exc.message)
        return None
    except Exception:  # a broken page never loses the item
        log.exception("full text of %s failed unexpectedly", item.url)
        return None
    if len(page.body_text.split()) <= len(item.body_text.split()):
        log.info("page of %s has no more text than its feed item; keeping the item", item.url)
        return None
    return merge_full_text(item, page)
