"""What a parsed feed looks like, shared by the RSS/Atom and JSON Feed readers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit


@dataclass(frozen=True, slots=True)
class FeedEntry:
    title: str
    link: str | None
    guid: str  # the entry's id, else its link, else a hash of title, date and summary
    published: datetime | None  # always timezone-aware (UTC when the feed gave no zone)
    author: str | None
    summary_html: str | None
    content_html: str | None
    tags: tuple[str, ...]
    image_url: str | None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    site_url: str | None
    format: str  # rss090, rss091u, rss092, rss10, rss20, atom03, atom10, json1, json11, ...
    entries: tuple[FeedEntry, ...]


def web_url(base: str, value: object) -> str | None:
    """`value` resolved against `base` when the result is an http(s) URL, else None (a feed
    must not point readers at javascript:, data: or file: links)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value:
        return None
    try:
        resolved = urljoin(base, value)
        parts = urlsplit(resolved)
        parts.port  # noqa: B018  (raises ValueError for a port out of range or not a number)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return resolved
