"""Metadata of an HTML page: title, byline, date, language, publisher, lead image, tags.

Reads the page's structured data (meta tags, JSON-LD) and trafilatura's metadata. Owned by the
metadata work; `html.extract_html` calls `page_metadata` only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from trafilatura.metadata import extract_metadata

from tidings.core.models import Image
from tidings.extract._lang import guess_language
from tidings.extract._shapes import normalise, split_credit

__all__ = ["PageMetadata", "page_metadata"]


@dataclass(frozen=True, slots=True)
class PageMetadata:
    title: str | None = None
    byline: str | None = None
    published: datetime | None = None
    language: str | None = None
    publisher: str | None = None
    image: Image | None = None
    topics: tuple[str, ...] = ()
    licence: str | None = None
    description: str | None = None
    url: str | None = None


_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "dc.date.issued",
    "dcterms.created",
    "sailthru.date",
)
_JSONLD_DATE_RE = re.compile(r'"datePublished"\s*:\s*"([^"]{8,40})"')
_LANG_RE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")
_VARIANT_RE = re.compile(
    r"(?:[-_](?:\d+x\d+|\d+w|facebookJumbo|master\d*|large|medium|small|thumb\w*|superJumbo))+$",
    re.IGNORECASE,
)
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ")


def _meta(tree: Any, *names: str) -> str | None:
    wanted = set(names)
    for element in tree.iter("meta"):
        key = (
            element.get("property") or element.get("name") or element.get("itemprop") or ""
        ).lower()
        content = (element.get("content") or "").strip()
        if key in wanted and content:
            return str(content)
    return None


def _iso_datetime(value: str) -> datetime | None:
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _published(tree: Any, text: str, fallback: str | None) -> datetime | None:
    candidates: list[str] = []
    if tree is not None:
        if (meta := _meta(tree, *_PUBLISHED_META)) is not None:
            candidates.append(meta)
        candidates += [str(t.get("datetime")) for t in tree.iter("time") if t.get("datetime")][:1]
    candidates += _JSONLD_DATE_RE.findall(text)[:1]
    if fallback:
        candidates.append(fallback)
    for candidate in candidates:
        if (parsed := _iso_datetime(candidate)) is not None:
            return parsed
    return None


def _language(tree: Any, declared: str | None, body: str) -> str | None:
    values: list[str | None] = [declared]
    if tree is not None:
        values = [
            tree.get("lang"),
            tree.get("{http://www.w3.org/XML/1998/namespace}lang"),
            _meta(tree, "og:locale", "content-language", "language", "dc.language"),
            declared,
        ]
    for value in values:
        match = _LANG_RE.match((value or "").strip())
        if match is not None:
            return match.group(1).lower()
    return guess_language(body)


def _image_key(url: str) -> str:
    """The part of an image URL shared by its resized variants ("a/b-640x480.jpg" → "b")."""
    path = url.split("?")[0].split("#")[0].rstrip("/")
    segments = [segment for segment in path.split("/")[3:] if segment]
    if not segments:
        return ""
    stem = segments[-1].rsplit(".", 1)[0]
    stem = _VARIANT_RE.sub("", stem)
    return stem if len(stem) >= 6 else max(segments, key=len)


def _image(tree: Any, url: str | None) -> Image | None:
    if not url:
        return None
    caption: str | None = None
    credit: str | None = None
    basename = _image_key(url)
    if tree is not None and basename:
        for figure in tree.iter("figure"):
            sources = " ".join(
                str(img.get(attr) or "")
                for img in figure.iter("img", "source")
                for attr in ("src", "srcset", "data-src")
            )
            captions = list(figure.iter("figcaption"))
            if basename in sources and captions:
                caption = normalise(captions[0].text_content()) or None
                break
    if caption is not None and (parts := split_credit(caption)) is not None:
        caption, credit = parts
    return Image(url=url, caption=caption, credit=credit)


def _clean_title(title: str, sitename: str | None, author: str | None) -> str:
    """Drop a trailing " | Site name" (or author) from a page title."""
    for separator in _TITLE_SEPARATORS:
        head, _, tail = title.rpartition(separator)
        if not head:
            continue
        tail_key = tail.strip().casefold()
        for other in (sitename, author):
            other_key = (other or "").strip().casefold()
            if other_key and (other_key.startswith(tail_key) or tail_key.startswith(other_key)):
                return head.strip()
    return title


def _split_items(values: list[str] | None) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values or []:
        for item in value.split(","):
            item = normalise(item)
            if item:
                seen.setdefault(item.casefold(), item)
    return tuple(seen.values())


def _author(value: str | None) -> str | None:
    if not value:
        return None
    names: dict[str, str] = {}
    for name in value.split(";"):
        name = normalise(name)
        if name:
            names.setdefault(name.casefold(), name)
    return "; ".join(names.values()) or None


def page_metadata(html: str, url: str | None, tree: Any, body: str) -> PageMetadata:
    """Metadata of the page. `tree` is the lxml.html tree (or None); `body` the main text,
    used to guess the language when the page does not declare it."""
    doc = None
    if tree is not None:
        try:
            doc = extract_metadata(tree, default_url=url)
        except Exception:  # trafilatura raises assorted errors on odd markup
            doc = None

    def get(name: str) -> Any:
        return getattr(doc, name, None) if doc is not None else None

    author = _author(get("author"))
    sitename = get("sitename")
    title = _clean_title(normalise(get("title") or ""), sitename, author) or None
    return PageMetadata(
        title=title,
        byline=author,
        published=_published(tree, html, get("date")),
        language=_language(tree, None, body),
        publisher=normalise(sitename or "") or None,
        image=_image(tree, get("image")),
        topics=_split_items(list(get("categories") or []) + list(get("tags") or [])),
        licence=get("license") or None,
        description=normalise(get("description") or "") or None,
        url=get("url"),
    )
