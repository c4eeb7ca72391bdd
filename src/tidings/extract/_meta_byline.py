"""Who wrote the article: structured data first, then the page's byline element.

Order: the JSON-LD article's `author` (people or organisations, joined with ", "), then the
author meta tags (Dublin Core, plain `author`, Parse.ly, Sailthru, `article:author` when it is
a name rather than a profile URL), then the first visible element in reading order marked as a
byline (`rel=author`, `itemprop=author`, or a class/id such as "byline", "author") whose text
is short enough to be a name line. Each name loses a leading "By"/"Par"/"Written by" label,
profile links, and a trailing date or "Follow" button."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from tidings.extract._meta_sources import MetaTags, element_text, ld_names
from tidings.extract._shapes import normalise

__all__ = ["clean_byline", "page_byline"]

_AUTHOR_KEYS = (
    "dc:creator",
    "dcterm:creator",
    "dcterms:creator",
    "author",
    "parsely-author",
    "sailthru:author",
    "byl",
)
_BYLINE_RE = re.compile(r"byline|author|dateline|writtenby|p-author", re.IGNORECASE)
_UNLIKELY_RE = re.compile(
    r"-ad-|ai2html|banner|breadcrumbs|combx|comment|community|cover-wrap|disqus|extra|footer"
    r"|gdpr|header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social"
    r"|sponsor|supplemental|ad-break|agegate|pagination|pager|popup|yom-remote",
    re.IGNORECASE,
)
_MAYBE_RE = re.compile(r"and|article|body|column|content|main|shadow", re.IGNORECASE)
_UNLIKELY_ROLES = frozenset(
    {"menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog"}
)
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head"})
_BY_PREFIX_RE = re.compile(
    r"^(?:(?:(?:written|posted|words|story|reporting|reported|text|texto|texte|текст|autor|auteur"
    r"|author)\s*(?:by\b)?\s*:|(?:written|posted|words|story|reporting|reported)\s+by\b)\s*"
    r"|(?:by|par|por|von|door)\b\s*:?\s*)",
    re.IGNORECASE,
)
# Buttons that sit next to an author's name ("Jane Doe Follow").
_TRAILING_UI_RE = re.compile(
    r"(?:\s+(?:follow|following|share|e-?mail|tweet|twitter|facebook|contact))+$", re.IGNORECASE
)
_URLISH_RE = re.compile(r"^(?:https?:)?//|^www\.|\.(?:com|org|net)(?:/|$)", re.IGNORECASE)
_INNER_URL_RE = re.compile(r"\s*[(<\[]?\s*(?:https?://|www\.)\S+?\s*[)>\]]?(?=\s|$)", re.IGNORECASE)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# Where a byline line turns into a dateline: "Jane Doe Apr 16, 2015 8:02 pm", "Jane Doe • 8h",
# "Jane Doe Updated: …", "Jane Doe 1 day ago".
_DATE_TAIL_RE = re.compile(
    r"\s*(?:[•·|,–—-]\s*)?(?:"
    r"\b(?:last\s+)?(?:updated|published|posted|modified)\b"
    r"|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b"
    rf"|\b{_MONTH}\s+\d{{1,2}}\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\s+\d{{4}}\b"
    r"|\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b"
    r"|\b(?:\d+|an?|one)\s*(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|weeks?"
    r"|months?|years?)\b(?:\s+ago)?\s*$"
    r"|\b(?:yesterday|today|just now)\b"
    r").*$",
    re.IGNORECASE,
)
# Account names that stand for no one in particular.
_NOT_NAMES = frozenset({"admin", "administrator", "root", "user", "guest", "anonymous", "unknown"})
MAX_BYLINE_CHARS = 100


def clean_byline(text: str | None) -> str | None:
    """A byline without its "By " label, profile links and a trailing date; None if nothing
    is left."""
    value = normalise(_INNER_URL_RE.sub(" ", text or ""))
    value = _BY_PREFIX_RE.sub("", value)
    cut = _DATE_TAIL_RE.search(value)
    if cut is not None and cut.start() > 0:
        value = value[: cut.start()]
    value = _TRAILING_UI_RE.sub("", value).strip(" ,;:|-–—•·")
    return value or None


def _is_name_value(value: str) -> bool:
    return (
        bool(value)
        and not _URLISH_RE.search(value)
        and len(value) < MAX_BYLINE_CHARS * 2
        and value.casefold() not in _NOT_NAMES
    )


def _joined(values: list[str]) -> str | None:
    """The clean names among `values`, joined with ", " (None when there are none)."""
    cleaned = (clean_byline(value) or "" for value in values)
    return ", ".join(dict.fromkeys(name for name in cleaned if _is_name_value(name))) or None


def _structured(meta: MetaTags, article: dict[str, Any] | None) -> str | None:
    if article is not None and (names := _joined(ld_names(article.get("author")))):
        return names
    for key in _AUTHOR_KEYS:
        if names := _joined(meta.all(key)):
            return names
    # OpenGraph's article:author is a property; as a plain `name` it is often stale.
    return _joined(meta.properties("article:author", "og:article:author"))


def _hidden(element: Any) -> bool:
    if _HIDDEN_STYLE_RE.search(str(element.get("style") or "")):
        return True
    if element.get("hidden") is not None:
        return True
    return element.get("aria-hidden") == "true" and "fallback-image" not in str(
        element.get("class") or ""
    )


def _reading_order(root: Any, *, prune: bool = True) -> Iterator[Any]:
    """Visible elements in document order, not descending into hidden parts nor, if `prune`,
    into page furniture (navigation, headers, footers, sidebars, comments)."""
    stack = [root]
    while stack:
        element = stack.pop()
        if not isinstance(element.tag, str) or element.tag in _SKIP_TAGS or _hidden(element):
            continue
        yield element
        match = f"{element.get('class') or ''} {element.get('id') or ''}"
        furniture = (
            _UNLIKELY_RE.search(match) is not None
            and _MAYBE_RE.search(match) is None
            and element.tag not in ("body", "a")
        ) or str(element.get("role") or "") in _UNLIKELY_ROLES
        unlikely = prune and furniture
        if not unlikely:
            stack.extend(reversed(list(element)))


def _is_marked_author(element: Any) -> bool:
    rel = str(element.get("rel") or "").lower().split()
    return "author" in rel or "author" in str(element.get("itemprop") or "").lower()


def _is_byline_element(element: Any) -> bool:
    if _is_marked_author(element):
        return True
    match = f"{element.get('class') or ''} {element.get('id') or ''}"
    return _BYLINE_RE.search(match) is not None


def _from_content(tree: Any) -> str | None:
    """The first byline element's text; failing that, the first element marked up as the
    author (`rel=author`, `itemprop=author`) even inside a header or toolbar."""
    return _first_byline(tree, prune=True, test=_is_byline_element) or _first_byline(
        tree, prune=False, test=_is_marked_author
    )


def _first_byline(tree: Any, *, prune: bool, test: Callable[[Any], bool]) -> str | None:
    for element in _reading_order(tree, prune=prune):
        if element.tag in ("html", "body") or not test(element):
            continue
        # Measured on the raw text, as laid out in the source: a long stretch of markup
        # around a name is a whole author box or toolbar, not a byline line.
        raw = str(element.text_content()).strip()
        if not 0 < len(raw) < MAX_BYLINE_CHARS:
            continue
        text = clean_byline(element_text(element, skip=("time",)))
        if text is not None and _is_name_value(text):
            return text
    return None


def page_byline(tree: Any, meta: MetaTags, article: dict[str, Any] | None) -> str | None:
    value = _structured(meta, article)
    if value is None and tree is not None:
        value = _from_content(tree)
    if value is None and article is not None:
        value = _joined(ld_names(article.get("creator")))
    return value
