"""When the article was first published, as a timezone-aware datetime (UTC when none given).

Order: the JSON-LD article's `datePublished` (then `dateCreated`), the publication-time meta
tags (OpenGraph/article, Parse.ly, Dublin Core, Sailthru, schema.org microdata), a
`<time itemprop=datePublished>` or the first `<time datetime>` in the page, and last htmldate's
search of the page's text and URL."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from tidings.extract._dates import parse_date
from tidings.extract._meta_sources import MetaTags, ld_text

__all__ = ["page_published", "parse_datetime"]

_PUBLISHED_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "article:published",
    "parsely-pub-date",
    "datepublished",
    "dc:date:issued",
    "dcterms:issued",
    "dcterms:available",
    "dcterms:created",
    "dc:date:created",
    "dc:date",
    "dcterms:date",
    "sailthru:date",
    "citation_publication_date",
    "publishdate",
    "publish-date",
    "pubdate",
    "date",
    "datecreated",
)
_DATE_PREFIX_RE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}")
_MIN_YEAR = 1990

logging.getLogger("htmldate").setLevel(logging.CRITICAL)


def parse_datetime(value: str | None) -> datetime | None:
    """Parse an ISO 8601, RFC 2822 or written date; naive values are taken as UTC."""
    text = (value or "").strip()
    if not text:
        return None
    parsed: datetime | None = None
    iso = text.replace("Z", "+00:00") if text.endswith("Z") else text
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        parsed = None
    if parsed is None and _DATE_PREFIX_RE.match(text):
        try:
            parsed = datetime.fromisoformat(text[:10])
        except ValueError:
            parsed = None
    if parsed is None:
        parsed = parse_date(text)
    if parsed is None:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            parsed = None
    if parsed is None or parsed.year < _MIN_YEAR:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _time_elements(tree: Any) -> list[str]:
    marked: list[str] = []
    plain: list[str] = []
    for element in tree.iter("time", "span", "meta", "div", "p"):
        prop = str(element.get("itemprop") or "").lower()
        value = element.get("datetime") or element.get("content")
        if element.tag == "time" and not prop:
            if element.get("datetime"):
                plain.append(str(element.get("datetime")))
        elif prop == "datepublished" and value:
            marked.append(str(value))
    return marked + plain[:1]


def _htmldate(tree: Any, url: str | None) -> datetime | None:
    try:
        from htmldate import find_date

        found = find_date(tree, extensive_search=False, original_date=True, url=url)
    except Exception:  # htmldate raises assorted errors on odd markup
        return None
    return parse_datetime(found)


def page_published(
    tree: Any, meta: MetaTags, article: dict[str, Any] | None, url: str | None
) -> datetime | None:
    candidates: list[str | None] = []
    if article is not None:
        candidates.append(ld_text(article.get("datePublished")))
    candidates += meta.all(*_PUBLISHED_KEYS)
    if article is not None:
        candidates.append(ld_text(article.get("dateCreated")))
    if tree is not None:
        candidates += _time_elements(tree)
    for candidate in candidates:
        if (parsed := parse_datetime(candidate)) is not None:
            return parsed
    return _htmldate(tree, url) if tree is not None else None
