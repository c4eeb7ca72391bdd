"""The article's title: the headline the page declares, else its `<title>` cleaned of site names.

Order: the JSON-LD article's `headline`/`name`, then the title meta tags (Dublin Core,
OpenGraph, plain `title`, Twitter, Parse.ly), then the document `<title>` with a trailing
" | Site" / leading "Site: " part dropped when what remains still reads as a headline."""

from __future__ import annotations

import html
import re
from typing import Any

from tidings.extract._meta_sources import MetaTags, ld_text
from tidings.extract._shapes import normalise

__all__ = ["document_title", "page_title"]

_TITLE_KEYS = (
    "dc:title",
    "dcterm:title",
    "dcterms:title",
    "og:title",
    "weibo:article:title",
    "weibo:webpage:title",
    "title",
    "twitter:title",
    "parsely-title",
    "sailthru:title",
)
_SEPARATOR_RE = re.compile(r" [|\-\\/>»–—] ")
_HIERARCHY_RE = re.compile(r" [\\/>»] ")
_SEPARATOR_CHARS = "|-\\/>»–—"
_WORD_RE = re.compile(r"\w+")


def _words(text: str) -> int:
    return len(text.split())


def _tokens(text: str) -> list[str]:
    return _WORD_RE.findall(text.lower())


def similarity(text: str, reference: str) -> float:
    """How much of `text` (by characters of its words) also appears in `reference`: 1 when
    every word of `text` is in `reference`, 0 when none is."""
    words, known = _tokens(text), set(_tokens(reference))
    if not words or not known:
        return 0.0
    missing = " ".join(word for word in words if word not in known)
    return 1.0 - len(missing) / len(" ".join(words))


def _heading_texts(tree: Any, tags: tuple[str, ...]) -> list[str]:
    return [normalise(h.text_content()) for h in tree.iter(*tags)]


def _raw_title(tree: Any) -> str:
    for element in tree.iter("title"):
        # An <svg><title> is not the document's title: take the first one in <head> or,
        # failing that, the first one at all.
        if element.getparent() is not None and element.getparent().tag == "head":
            return normalise(element.text_content())
    first = next(iter(tree.iter("title")), None)
    return normalise(first.text_content()) if first is not None else ""


def document_title(tree: Any) -> str:
    """The `<title>`, without the site part when what is left is still a real headline.

    "Headline words here | Site" → "Headline words here"; "Site: Headline words here" →
    "Headline words here" unless a heading holds the whole title; a result of four words or
    fewer keeps the whole title ("Mozilla - Wikipedia" stays as it is)."""
    original = _raw_title(tree)
    current = original
    hierarchical = False
    if _SEPARATOR_RE.search(original):
        hierarchical = bool(_HIERARCHY_RE.search(original))
        last = list(_SEPARATOR_RE.finditer(original))[-1]
        current = original[: last.start()]
        if _words(current) < 3:
            first = _SEPARATOR_RE.search(original)
            assert first is not None
            current = original[first.end() :]
    elif ": " in original:
        if original not in _heading_texts(tree, ("h1", "h2")):
            head, _, _ = original.partition(":")
            current = original[original.rfind(":") + 1 :]
            if _words(current) < 3:
                current = original[original.find(":") + 1 :]
            elif _words(head) > 5:
                current = original
    elif len(original) > 150 or len(original) < 15:
        h1s = _heading_texts(tree, ("h1",))
        if len(h1s) == 1 and h1s[0]:
            current = h1s[0]
    current = normalise(current)
    count = _words(current)
    stripped_count = _words("".join(ch for ch in original if ch not in _SEPARATOR_CHARS))
    if original and count <= 4 and (not hierarchical or count != stripped_count - 1):
        current = original
    return current


def _ld_title(article: dict[str, Any] | None, tree: Any) -> str | None:
    if article is None:
        return None
    name, headline = ld_text(article.get("name")), ld_text(article.get("headline"))
    if name and headline and name != headline:
        # Some sites put their own name in "name": take the headline unless only the name
        # matches the <title>.
        reference = document_title(tree)
        name_ok = similarity(name, reference) > 0.75
        headline_ok = similarity(headline, reference) > 0.75
        return name if name_ok and not headline_ok else headline
    return name or headline


def page_title(tree: Any, meta: MetaTags, article: dict[str, Any] | None) -> str | None:
    if tree is None:
        return None
    title = _ld_title(article, tree) or meta.get(*_TITLE_KEYS) or document_title(tree)
    return normalise(html.unescape(title)) or None
