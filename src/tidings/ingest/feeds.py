"""Feed parsing: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed 1.0/1.1 directly.
Also tells feeds, HTML pages and plain text apart."""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from tidings.core import IngestError, SourceKind


@dataclass(frozen=True, slots=True)
class FeedEntry:
    title: str
    link: str | None
    guid: str | None
    published: datetime | None
    author: str | None
    summary_html: str | None
    content_html: str | None
    tags: tuple[str, ...]
    image_url: str | None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    site_url: str | None
    format: str  # rss20, atom10, jsonfeed11, ...
    entries: tuple[FeedEntry, ...]


_XML_HEAD = re.compile(
    rb"^\s*(?:\xef\xbb\xbf)?\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(rss|feed|rdf:RDF|RDF)\b", re.S
)
_HTML_HEAD = re.compile(rb"<(!doctype\s+html|html|head|body)\b", re.I)


def sniff_kind(content: bytes, url: str = "", content_type: str | None = None) -> SourceKind:
    """Feed, HTML page or plain-text dump, from the bytes first and the name second."""
    head = content[:4096]
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{") and b"jsonfeed.org" in content[:65536]:
        return SourceKind.FEED
    if _XML_HEAD.match(head):
        return SourceKind.FEED
    if _HTML_HEAD.search(head):
        return SourceKind.PAGE
    ctype = (content_type or "").lower()
    if any(t in ctype for t in ("rss", "atom", "feed+json", "rdf")):
        return SourceKind.FEED
    if "html" in ctype:
        return SourceKind.PAGE
    lower = url.lower().split("?")[0]
    if lower.endswith((".rss", ".atom", ".rdf", ".xml")):
        return SourceKind.FEED
    if lower.endswith((".html", ".htm")):
        return SourceKind.PAGE
    return SourceKind.TEXT


def parse_feed(content: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse a feed document. Raises IngestError when it is not a feed or is unreadable."""
    stripped = content.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{"):
        return _parse_json_feed(stripped, url)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(content, response_headers=headers, sanitize_html=False)
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
        cause = parsed.get("bozo_exception")
        detail = f": {cause}" if cause else ""
        raise IngestError(f"not a readable feed{detail}")
    feed = parsed.feed
    entries = tuple(_rss_entry(e, url) for e in parsed.entries if _has_content(e))
    return ParsedFeed(
        title=_clean(feed.get("title")),
        site_url=feed.get("link"),
        format=parsed.get("version") or "unknown",
        entries=entries,
    )


def _has_content(entry: Any) -> bool:
    return bool(entry.get("title") or entry.get("summary") or entry.get("content"))


def _rss_entry(entry: Any, base: str) -> FeedEntry:
    link = entry.get("link")
    content_html = None
    if entry.get("content"):
        content_html = max((c.get("value") or "" for c in entry.content), key=len) or None
    summary = entry.get("summary")
    published = None
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        if entry.get(key):
            published = datetime.fromtimestamp(calendar.timegm(entry[key]), UTC)
            break
    image = None
    for media in entry.get("media_content", []) + entry.get("media_thumbnail", []):
        if media.get("url"):
            image = media["url"]
            break
    if image is None:
        for enc in entry.get("enclosures", []):
            if str(enc.get("type", "")).startswith("image/") and enc.get("href"):
                image = enc["href"]
                break
    title = _clean(entry.get("title")) or _first_words(summary or content_html or "")
    return FeedEntry(
        title=title,
        link=urljoin(base, link) if link else None,
        guid=entry.get("id") or link,
        published=published,
        author=_clean(entry.get("author")),
        summary_html=summary,
        content_html=content_html,
        tags=tuple(t for t in (_clean(x.get("term")) for x in entry.get("tags", [])) if t),
        image_url=urljoin(base, image) if image else None,
    )


def _parse_json_feed(content: bytes, url: str) -> ParsedFeed:
    try:
        doc = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IngestError(f"not a readable JSON Feed: {exc}") from exc
    if not isinstance(doc, dict) or "jsonfeed.org/version" not in str(doc.get("version", "")):
        raise IngestError("not a JSON Feed: no https://jsonfeed.org/version/... marker")
    items = doc.get("items")
    if not isinstance(items, list):
        raise IngestError("JSON Feed has no items list")
    version = str(doc["version"]).rstrip("/").rsplit("/", 1)[-1]
    base = doc.get("feed_url") or url
    entries = []
    for item in items:
        if not isinstance(item, dict):
            continue
        html = item.get("content_html")
        text = item.get("content_text")
        if not (item.get("title") or html or text or item.get("summary")):
            continue
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        author = next(
            (a.get("name") for a in authors if isinstance(a, dict) and a.get("name")), None
        )
        link = item.get("url") or item.get("external_url")
        entries.append(
            FeedEntry(
                title=_clean(item.get("title")) or _first_words(text or html or ""),
                link=urljoin(base, link) if isinstance(link, str) else None,
                guid=str(item["id"]) if item.get("id") is not None else link,
                published=_iso(item.get("date_published") or item.get("date_modified")),
                author=_clean(author),
                summary_html=_text_to_html(item.get("summary")),
                content_html=html if isinstance(html, str) else _text_to_html(text),
                tags=tuple(str(t) for t in item.get("tags") or () if str(t).strip()),
                image_url=item.get("image") or item.get("banner_image"),
            )
        )
    return ParsedFeed(
        title=_clean(doc.get("title")),
        site_url=doc.get("home_page_url"),
        format=f"json{version.replace('.', '')}",
        entries=tuple(entries),
    )


def _iso(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _text_to_html(text: Any) -> str | None:
    if not isinstance(text, str) or not text.strip():
        return None
    from html import escape

    return "".join(f"<p>{escape(p.strip())}</p>" for p in re.split(r"\n\s*\n", text) if p.strip())


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


def _first_words(html: str, n: int = 12) -> str:
    text = re.sub(r"<[^>]+>", " ", html)
    words = text.split()
    return " ".join(words[:n]) + ("…" if len(words) > n else "") if words else "(untitled)"
