"""A page's structured data: `<meta>` tags and schema.org JSON-LD, read into plain values.

`MetaTags` maps normalised meta keys ("og:title", "dc:creator", "parsely-author") to their
first non-empty content. `article_object` finds the schema.org object describing the page's
article in its JSON-LD (top-level arrays, `@graph` and `mainEntity` are searched)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

from tidings.extract._shapes import normalise

__all__ = [
    "MetaTags",
    "article_object",
    "element_text",
    "json_ld_objects",
    "ld_names",
    "ld_strings",
    "ld_text",
    "meta_tags",
]

# schema.org types that describe an article (Article and its subtypes, and postings).
ARTICLE_TYPES = frozenset(
    {
        "article",
        "advertisercontentarticle",
        "newsarticle",
        "analysisnewsarticle",
        "askpublicnewsarticle",
        "backgroundnewsarticle",
        "opinionnewsarticle",
        "reportagenewsarticle",
        "reviewnewsarticle",
        "report",
        "satiricalarticle",
        "scholarlyarticle",
        "medicalscholarlyarticle",
        "socialmediaposting",
        "blogposting",
        "liveblogposting",
        "discussionforumposting",
        "techarticle",
        "apireference",
    }
)
_NO_TEXT_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head"})
_CDATA_RE = re.compile(
    r"^\s*(?:<!--)?\s*(?://\s*)?(?:<!\[CDATA\[)?|(?://\s*)?(?:\]\]>)?\s*(?:-->)?\s*$"
)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_TRAILING_COMMA_RE = re.compile(r",\s*([}\]])")


class MetaTags:
    """Content of a page's `<meta>` tags by normalised key.

    Keys are lower-cased with whitespace removed and "." turned into ":" ("DC.creator" →
    "dc:creator"); a `property` attribute may list several space-separated keys. For each key,
    values given in a `property` attribute (the RDFa/OpenGraph way) win over `name`,
    `itemprop` or `http-equiv` ones."""

    def __init__(self, properties: dict[str, list[str]], others: dict[str, list[str]]) -> None:
        self._properties = properties
        self._others = others

    def _values(self, key: str) -> list[str]:
        return self._properties.get(key) or self._others.get(key) or []

    def get(self, *keys: str) -> str | None:
        """The first value of the first key that has one."""
        for key in keys:
            if values := self._values(key):
                return values[0]
        return None

    def all(self, *keys: str) -> list[str]:
        """Every value of every key, in key order."""
        return [value for key in keys for value in self._values(key)]

    def properties(self, *keys: str) -> list[str]:
        """Values given in a `property` attribute only, in key order."""
        return [value for key in keys for value in self._properties.get(key, [])]


def _key(raw: str) -> str:
    return re.sub(r"\s", "", raw).lower().replace(".", ":")


def meta_tags(tree: Any) -> MetaTags:
    properties: dict[str, list[str]] = {}
    others: dict[str, list[str]] = {}
    if tree is None:
        return MetaTags(properties, others)
    for element in tree.iter("meta"):
        content = normalise(html.unescape(str(element.get("content") or "")))
        if not content:
            continue
        keys = [_key(token) for token in str(element.get("property") or "").split()]
        for key in dict.fromkeys(keys):
            properties.setdefault(key, []).append(content)
        other_keys = [
            _key(str(element.get(attr) or "")) for attr in ("name", "itemprop", "http-equiv")
        ]
        for key in dict.fromkeys(k for k in other_keys if k and k not in keys):
            others.setdefault(key, []).append(content)
    return MetaTags(properties, others)


def _parse_json(text: str) -> Any:
    text = _CONTROL_RE.sub(" ", _CDATA_RE.sub("", text))
    for attempt in (text, _TRAILING_COMMA_RE.sub(r"\1", text)):
        try:
            return json.loads(attempt, strict=False)
        except ValueError:
            continue
    return None


def _walk(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 6:
        return
    if isinstance(value, list):
        for item in value:
            yield from _walk(item, depth + 1)
    elif isinstance(value, dict):
        yield value
        for key in ("@graph", "mainEntity"):
            if key in value and isinstance(value[key], (list, dict)):
                yield from _walk(value[key], depth + 1)


def json_ld_objects(tree: Any) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page, in document order (graphs and arrays flattened)."""
    if tree is None:
        return []
    objects: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if str(script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        parsed = _parse_json(script.text or "")
        if parsed is not None:
            objects.extend(_walk(parsed))
    return objects


def types_of(obj: dict[str, Any]) -> set[str]:
    raw = obj.get("@type")
    items = raw if isinstance(raw, list) else [raw]
    return {item.rsplit("/", 1)[-1].lower() for item in items if isinstance(item, str)}


def article_object(objects: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first JSON-LD object typed as an article (or posting), if any."""
    for obj in objects:
        if types_of(obj) & ARTICLE_TYPES:
            return obj
    return None


def ld_text(value: Any) -> str | None:
    """A JSON-LD value as one clean string: a string, or the first string of a list, or an
    object's `name`/`@value`."""
    if isinstance(value, str):
        return normalise(html.unescape(value)) or None
    if isinstance(value, list):
        for item in value:
            if (text := ld_text(item)) is not None:
                return text
        return None
    if isinstance(value, dict):
        return ld_text(value.get("name") or value.get("@value"))
    return None


def ld_strings(value: Any) -> list[str]:
    """Every string in a JSON-LD value (a string, a list, objects' names)."""
    if isinstance(value, list):
        return [text for item in value for text in ld_strings(item)]
    text = ld_text(value)
    return [text] if text else []


def ld_names(value: Any) -> list[str]:
    """Names of the people or organisations in an `author`/`creator` value."""
    names: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            name = ld_text(item.get("name"))
            if name is None and (given := ld_text(item.get("givenName"))):
                name = normalise(f"{given} {ld_text(item.get('familyName')) or ''}")
        else:
            name = ld_text(item)
        if name and name not in names:
            names.append(name)
    return names


def element_text(element: Any, *, skip: tuple[str, ...] = (), drop: tuple[Any, ...] = ()) -> str:
    """An element's text with a space between child elements (so "<b>A</b><i>B</i>" reads
    "A B"), leaving out scripts, styles, tags named in `skip` and the elements in `drop`."""
    parts: list[str] = []

    def visit(node: Any) -> None:
        if (
            isinstance(node.tag, str)
            and node.tag not in _NO_TEXT_TAGS
            and node.tag not in skip
            and not any(node is other for other in drop)
        ):
            parts.append(node.text or "")
            for child in node:
                parts.append(" ")
                visit(child)
                parts.append(" ")
        if node is not element:
            parts.append(node.tail or "")

    visit(element)
    return normalise("".join(parts))
