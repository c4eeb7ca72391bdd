"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), read directly: feedparser does not
read JSON Feed."""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any
from urllib.parse import urljoin

from tidings.core import IngestError
from tidings.ingest._feedtext import (
    clean,
    decode_document,
    first_words,
    html_to_text,
    parse_date,
    synthetic_guid,
)
from tidings.ingest._model import FeedEntry, ParsedFeed, web_url

_MAX_DEPTH_ERRORS = (RecursionError, MemoryError)


def parse_json_feed(content: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    text, _ = decode_document(content, content_type)
    text = text.lstrip("\ufeff \t\r\n")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        if exc.pos >= len(text.rstrip()) - 1:
            raise IngestError(
                f"not a readable JSON Feed: the document is truncated (it ends at {where})"
            ) from exc
        raise IngestError(f"not a readable JSON Feed: {exc.msg} at {where}") from exc
    except _MAX_DEPTH_ERRORS as exc:
        raise IngestError("not a readable JSON Feed: nested too deeply") from exc
    if not isinstance(doc, dict):
        raise IngestError("not a JSON Feed: the document is not a JSON object")
    version = doc.get("version")
    if not isinstance(version, str) or "jsonfeed.org/version/" not in version:
        keys = ", ".join(sorted(str(k) for k in doc)[:6]) or "none"
        raise IngestError(
            f"not a JSON Feed: no version https://jsonfeed.org/version/1.1 (top-level keys: {keys})"
        )
    items = doc.get("items")
    if not isinstance(items, list):
        raise IngestError("not a JSON Feed: it has no items list")
    number = version.rstrip("/").rsplit("/", 1)[-1]
    feed_url = doc.get("feed_url")
    base = urljoin(url, feed_url) if isinstance(feed_url, str) and feed_url.strip() else url
    feed_author = _author(doc)
    entries = []
    for item in items:
        if isinstance(item, dict):
            entry = _entry(item, base, feed_author)
            if entry is not None:
                entries.append(entry)
    home = doc.get("home_page_url")
    return ParsedFeed(
        title=html_to_text(doc.get("title")),
        site_url=web_url(base, home),
        format=f"json{number.replace('.', '')}",
        entries=tuple(entries),
    )


def _author(obj: dict[str, Any]) -> str | None:
    """The first author name: 1.1 `authors` list, else the 1.0 `author` object."""
    authors = obj.get("authors")
    if not isinstance(authors, list):
        authors = [obj.get("author")]
    for author in authors:
        if isinstance(author, dict) and (name := clean(author.get("name"))):
            return name
    return None


def _entry(item: dict[str, Any], base: str, feed_author: str | None) -> FeedEntry | None:
    html = item.get("content_html") if isinstance(item.get("content_html"), str) else None
    text = item.get("content_text") if isinstance(item.get("content_text"), str) else None
    summary = item.get("summary") if isinstance(item.get("summary"), str) else None
    # Titles are plain text by the spec, but publishers often leave entities in them.
    title = html_to_text(item.get("title"))
    if not (title or (html or "").strip() or (text or "").strip() or (summary or "").strip()):
        return None
    link = web_url(base, item.get("url")) or web_url(base, item.get("external_url"))
    published = parse_date(item.get("date_published")) or parse_date(item.get("date_modified"))
    content_html = html if html and html.strip() else _text_to_html(text)
    raw_id = item.get("id")
    guid = (
        clean(str(raw_id)) if raw_id is not None and not isinstance(raw_id, dict | list) else None
    )
    tags: list[object] = item["tags"] if isinstance(item.get("tags"), list) else []
    return FeedEntry(
        title=title or first_words(html or text or summary or ""),
        link=link,
        guid=guid or link or synthetic_guid(title, published, content_html or summary),
        published=published,
        author=_author(item) or feed_author,
        summary_html=_text_to_html(summary),
        content_html=content_html,
        tags=tuple(t for t in (clean(str(x)) for x in tags if isinstance(x, str | int)) if t),
        image_url=web_url(base, item.get("image")) or web_url(base, item.get("banner_image")),
    )


def _text_to_html(text: str | None) -> str | None:
    if not text or not text.strip():
        return None
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{escape(' '.join(p.split()))}</p>" for p in paragraphs)
