"""Metadata of an HTML page: title, byline, date, language, publisher, lead image, tags.

Structured data first (schema.org JSON-LD, then OpenGraph / Twitter / Dublin Core / Parse.ly /
Sailthru meta tags and microdata), the page's own content after that (`<title>`, byline
elements, `<time>`, figures). No rule knows any particular site. `html.extract_html` calls
`page_metadata` only; the parts live in `_meta_*.py`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from tidings.core.models import Image
from tidings.extract._lang import guess_language
from tidings.extract._meta_byline import page_byline
from tidings.extract._meta_date import page_published
from tidings.extract._meta_image import lead_image
from tidings.extract._meta_sources import (
    MetaTags,
    article_object,
    json_ld_objects,
    ld_strings,
    ld_text,
    meta_tags,
    types_of,
)
from tidings.extract._meta_title import page_title
from tidings.extract._shapes import normalise

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


_LANG_RE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")
_SITE_KEYS = ("og:site_name", "application-name", "al:android:app_name", "al:ios:app_name")
_TOPIC_KEYS = (
    "article:section",
    "article:tag",
    "news_keywords",
    "parsely-section",
    "parsely-tags",
    "sailthru:tags",
)
# Placeholders, "Key:value" tracking tags, URLs and ids are not topics.
_JUNK_TOPIC_RE = re.compile(
    r"^(?:nil|null|none|undefined|n/a)$|^\w[\w-]*:\S|^(?:https?:|www\.)|\d{6,}", re.IGNORECASE
)
_DESCRIPTION_KEYS = ("og:description", "description", "twitter:description", "dc:description")
MAX_TOPICS = 20
MAX_TOPIC_WORDS = 6


def _language(tree: Any, meta: MetaTags, article: dict[str, Any] | None, body: str) -> str | None:
    values: list[str | None] = []
    if tree is not None:
        values = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    values += [
        meta.get("og:locale"),
        ld_text(article.get("inLanguage")) if article is not None else None,
        meta.get("content-language", "language", "dc:language", "dcterms:language"),
    ]
    for value in values:
        match = _LANG_RE.match((value or "").strip())
        if match is not None:
            return match.group(1).lower()
    return guess_language(body)


def _publisher(
    meta: MetaTags, article: dict[str, Any] | None, objects: list[dict[str, Any]]
) -> str | None:
    if article is not None and (name := ld_text(article.get("publisher"))):
        return name
    if site := meta.get(*_SITE_KEYS):
        return site
    sites = [obj for obj in objects if types_of(obj) & {"website", "newsmediaorganization"}]
    return next((name for obj in sites if (name := ld_text(obj.get("name")))), None)


def _topic_items(values: list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values:
        for item in re.split(r"[,;|]", value):
            item = normalise(item)
            if item and len(item.split()) <= MAX_TOPIC_WORDS and not _JUNK_TOPIC_RE.search(item):
                seen.setdefault(item.casefold(), item)
    return tuple(seen.values())[:MAX_TOPICS]


def _topics(meta: MetaTags, article: dict[str, Any] | None) -> tuple[str, ...]:
    """Sections and tags the page declares for the article; the generic `keywords` meta tag
    (often a site-wide list) only when there is nothing else."""
    values: list[str] = []
    if article is not None:
        values += ld_strings(article.get("articleSection")) + ld_strings(article.get("keywords"))
    values += meta.all(*_TOPIC_KEYS)
    return _topic_items(values) or _topic_items(meta.all("keywords"))


def _licence(tree: Any, article: dict[str, Any] | None) -> str | None:
    if article is not None and (value := ld_text(article.get("license"))):
        return value
    if tree is None:
        return None
    for element in tree.iter("link", "a"):
        if "license" in str(element.get("rel") or "").lower().split():
            text = normalise(element.text_content()) if element.tag == "a" else ""
            return text or str(element.get("href") or "") or None
    return None


def _canonical(tree: Any, meta: MetaTags, url: str | None) -> str | None:
    found = meta.get("og:url")
    if found is None and tree is not None:
        for link in tree.iter("link"):
            if "canonical" in str(link.get("rel") or "").lower().split() and link.get("href"):
                found = str(link.get("href"))
                break
    if found and url:
        found = urljoin(url, found)
    if found and found.startswith(("http://", "https://")):
        return found
    return url


def page_metadata(html: str, url: str | None, tree: Any, body: str) -> PageMetadata:
    """Metadata of the page. `tree` is the lxml.html tree (or None); `body` the main text,
    used to guess the language when the page does not declare it."""
    del html  # everything is read from the tree
    meta = meta_tags(tree)
    objects = json_ld_objects(tree)
    article = article_object(objects)
    description = meta.get(*_DESCRIPTION_KEYS)
    if description is None and article is not None:
        description = ld_text(article.get("description"))
    return PageMetadata(
        title=page_title(tree, meta, article),
        byline=page_byline(tree, meta, article),
        published=page_published(tree, meta, article, url),
        language=_language(tree, meta, article, body),
        publisher=_publisher(meta, article, objects),
        image=lead_image(tree, meta, article, url),
        topics=_topics(meta, article),
        licence=_licence(tree, article),
        description=description,
        url=_canonical(tree, meta, url),
    )
