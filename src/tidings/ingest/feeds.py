"""Feed parsing: RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 through feedparser, JSON Feed 1.0/1.1
directly. Also tells feeds, HTML pages and plain text apart.

Before feedparser sees a document it is decoded with `decode_document` (declared encodings
are checked against the bytes), re-encoded as UTF-8 and stripped of any DTD internal subset, so
no entity is ever expanded or resolved. Every entry comes out with an absolute http(s) link (or
none), a stable guid and a timezone-aware date (or none)."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
import lxml.html
from lxml import etree

from tidings.core import IngestError, SourceKind
from tidings.ingest._feedtext import (
    clean,
    first_words,
    html_to_text,
    parse_date,
    synthetic_guid,
    to_xml_utf8,
)
from tidings.ingest._jsonfeed import parse_json_feed
from tidings.ingest._model import FeedEntry, ParsedFeed, web_url

__all__ = ["FeedEntry", "ParsedFeed", "parse_feed", "sniff_kind"]

# Atomic group + possessive repetition: each comment, DOCTYPE or stylesheet is matched one way
# only, so a run of comments cannot make the match backtrack exponentially.
_XML_HEAD = re.compile(
    rb"^\s*+(?:\xef\xbb\xbf)?\s*+(<\?xml[^>]*+>\s*+)?+"
    rb"(?>(?>(?><!--.*?-->)|(?><!DOCTYPE[^>\[]*+(?>\[.*?\])?\s*>)|(?><\?xml-stylesheet[^>]*+>))\s*+)*+"
    rb"<(rss|feed|rdf:RDF|RDF)\b",
    re.S,
)
_HTML_HEAD = re.compile(rb"<(!doctype\s+html|html|head|body)\b", re.I)
_WIDE_STARTS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"<\x00", b"\x00<")
_ROOT = re.compile(r"<([A-Za-z_][\w:.-]*)")


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
    """Parse a feed document fetched from `url`. Raises IngestError naming the problem when
    it is not a feed or cannot be read."""
    stripped = content.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise IngestError("not a readable feed: the document is empty")
    if stripped.startswith((b"{", b"[")):
        return parse_json_feed(content, url, content_type)
    if b"\x00" in content[:4096] and not content.startswith(_WIDE_STARTS):
        raise IngestError("not a readable feed: binary data, not XML or JSON")
    data = to_xml_utf8(content, content_type)
    try:
        parsed = feedparser.parse(
            data,
            response_headers={
                "content-location": url,
                "content-type": "application/xml; charset=utf-8",
            },
            sanitize_html=False,
            # links inside item HTML are made absolute by `absolute_links`, only in the items
            # that have relative ones (feedparser would re-parse every item's HTML for it)
            resolve_relative_uris=False,
        )
    except (RecursionError, ValueError, TypeError, AttributeError, IndexError) as exc:
        raise IngestError(f"not a readable feed: the parser failed ({type(exc).__name__})") from exc
    version = parsed.get("version") or ""
    if not parsed.entries and (parsed.get("bozo") or not version):
        raise IngestError(_not_a_feed(data, parsed.get("bozo_exception")))
    feed = parsed.feed
    feed_author = _author(feed)
    entries = tuple(_entry(e, url, feed_author) for e in parsed.entries if _has_content(e))
    return ParsedFeed(
        title=_text(feed, "title"),
        site_url=web_url(url, feed.get("link")),
        format=version or "rss",
        entries=entries,
    )


def _not_a_feed(data: bytes, cause: object) -> str:
    text = data.decode("utf-8", errors="replace")
    if _HTML_HEAD.search(data[:4096]):
        return (
            "not a feed: the document is an HTML page "
            "(find the site's feeds with `tidings discover URL`)"
        )
    root = next(
        (m.group(1) for m in _ROOT.finditer(text[:8192]) if not m.group(1).startswith("!")), None
    )
    if root and root.lower() not in ("rss", "feed", "rdf:rdf", "rdf", "channel"):
        return f"not a feed: the root element is <{root}>, not <rss>, <feed> or <rdf:RDF>"
    detail = f" ({cause})" if cause else ""
    return f"not a readable feed: no RSS, Atom or RDF channel found{detail}"


def _has_content(entry: Any) -> bool:
    return bool(entry.get("title") or entry.get("summary") or entry.get("content"))


def _text(obj: Any, key: str) -> str | None:
    """A title-like field as plain text (feedparser keeps HTML titles as HTML)."""
    value = obj.get(key)
    detail = obj.get(f"{key}_detail") or {}
    if str(detail.get("type", "")).endswith(("html", "xhtml+xml")):
        return html_to_text(value)
    return clean(value)


def _author(obj: Any) -> str | None:
    detail = obj.get("author_detail") or {}
    return clean(detail.get("name")) or clean(obj.get("author"))


def _date(entry: Any) -> datetime | None:
    """Our reading of the raw date first (feedparser drops dates without a zone, misreads
    2020/1/10 and knows only English month names), feedparser's as the fallback."""
    for key in ("published", "updated", "created"):
        if (ours := parse_date(entry.get(key))) is not None:
            return ours
        if stamp := entry.get(f"{key}_parsed"):
            return datetime.fromtimestamp(calendar.timegm(stamp), UTC)
    return None


def _image(entry: Any, base: str) -> str | None:
    for media in [*entry.get("media_content", []), *entry.get("media_thumbnail", [])]:
        kind = str(media.get("type") or media.get("medium") or "image")
        if kind.startswith("image") and (found := web_url(base, media.get("url"))):
            return found
    for enclosure in entry.get("enclosures", []):
        kind = str(enclosure.get("type", ""))
        if kind.startswith("image/") and (found := web_url(base, enclosure.get("href"))):
            return found
    image = entry.get("image")
    if isinstance(image, dict):
        return web_url(base, image.get("href"))
    return None


def _entry_base(entry: Any, url: str) -> str:
    """The xml:base in effect for an entry (feedparser records it on text constructs)."""
    for key in ("title_detail", "summary_detail"):
        base = (entry.get(key) or {}).get("base")
        if isinstance(base, str) and base.startswith(("http://", "https://")):
            return urljoin(url, base)
    return url


def _entry(entry: Any, base: str, feed_author: str | None) -> FeedEntry:
    content_html = None
    item_base = _entry_base(entry, base)
    if entry.get("content"):
        best = max(entry.content, key=lambda c: len(c.get("value") or ""))
        content_base = best.get("base")
        if isinstance(content_base, str) and content_base:
            content_base = urljoin(item_base, content_base)
        else:
            content_base = item_base
        content_html = absolute_links(best.get("value") or "", content_base) or None
    summary = absolute_links(entry.get("summary") or "", item_base) or None
    if summary and content_html and summary.strip() == content_html.strip():
        summary = None
    published = _date(entry)
    title = _text(entry, "title")
    link = web_url(base, entry.get("link")) or next(
        (
            found
            for candidate in entry.get("links", [])
            if candidate.get("rel", "alternate") == "alternate"
            and (found := web_url(base, candidate.get("href")))
        ),
        None,
    )
    guid = clean(entry.get("id")) or link or synthetic_guid(title, published, summary)
    return FeedEntry(
        title=title or first_words(summary or content_html or ""),
        link=link,
        guid=guid,
        published=published,
        author=_author(entry) or feed_author,
        summary_html=summary,
        content_html=content_html,
        tags=tuple(t for t in (clean(x.get("term")) for x in entry.get("tags", [])) if t),
        image_url=_image(entry, item_base),
    )


_RELATIVE_REF = re.compile(
    r"""\b(?:href|src|poster)\s*+=\s*+["']?+\s*+(?![a-z][a-z0-9+.-]*:|#)""", re.IGNORECASE
)


def absolute_links(fragment: str, base: str) -> str:
    """`fragment` with its relative links and image sources resolved against `base`
    (unchanged when it has none, which is the common case and costs one regex search)."""
    if not fragment or not _RELATIVE_REF.search(fragment):
        return fragment
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
        root.make_links_absolute(base, resolve_base_href=False, handle_failures="discard")
    except (etree.ParserError, ValueError):
        return fragment
    inner = (root.text or "") + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in root
    )
    return inner
