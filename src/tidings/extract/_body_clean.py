"""Strip page furniture from a copy of an lxml page tree before the main text is chosen.

Generic rules only: elements that are never article text (scripts, forms' controls, figures and
their captions, navigation, asides, hidden nodes), and elements whose class or id names a kind of
furniture (share bars, captions, bylines, related links, newsletter boxes, advertising), also
when run together with another word ("relatedposts", "sharedaddy"). A furniture-named element
that holds most of the page's text is kept: a theme that calls its article wrapper
"post-comments-area" must not lose the article."""

from __future__ import annotations

import copy
import re
from typing import Any

__all__ = ["clean_tree"]

_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "button",
    "select",
    "textarea",
    "input",
    "label",
    "nav",
    "aside",
    "figure",
    "figcaption",
    "dialog",
    "object",
    "embed",
    "video",
    "audio",
    "canvas",
    "map",
)

# Words in class/id tokens that name furniture (compared with whole tokens split on -, _, :).
_FURNITURE_TOKENS = frozenset(
    [
        "ad",
        "ads",
        "adsense",
        "adslot",
        "adunit",
        "advert",
        "adverts",
        "advertisement",
        "advertising",
        "advertorial",
        "banner",
        "breadcrumb",
        "breadcrumbs",
        "byline",
        "bylines",
        "caption",
        "captions",
        "credit",
        "credits",
        "comment",
        "comments",
        "commentary",
        "disqus",
        "cookie",
        "cookies",
        "consent",
        "gdpr",
        "dateline",
        "timestamp",
        "newsletter",
        "newsletters",
        "subscribe",
        "subscription",
        "signup",
        "outbrain",
        "taboola",
        "zergnet",
        "revcontent",
        "promo",
        "promos",
        "promoted",
        "sponsor",
        "sponsored",
        "related",
        "recommended",
        "recommendations",
        "trending",
        "popular",
        "mostread",
        "share",
        "sharing",
        "shares",
        "sharebar",
        "social",
        "sociallinks",
        "sidebar",
        "toolbar",
        "tags",
        "tag",
        "tagged",
        "taglist",
        "keywords",
        "rating",
        "ratings",
        "pagination",
        "pager",
        "print",
    ]
)
# Run-together names ("relatedposts", "sharedaddy", "commentlist") start with one of these.
_FURNITURE_PREFIXES = (
    "related",
    "share",
    "sharing",
    "social",
    "comment",
    "newsletter",
    "subscribe",
    "sponsor",
    "advert",
    "breadcrumb",
)
_TOKEN_SPLIT = re.compile(r"[\s_\-:/.]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_DISPLAY_NONE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)", re.I)
_MAX_NAME_TOKENS = 4
_KEEP_SHARE = 0.5  # a furniture-named element holding more of the page's text than this stays


def _tokens(value: str) -> set[str]:
    return {t.lower() for t in _TOKEN_SPLIT.split(_CAMEL.sub("-", value)) if t}


def _furniture_named(element: Any) -> bool:
    names = (element.get("class") or "").split()
    ident = element.get("id")
    if ident:
        names.append(ident)
    for name in names:
        tokens = _tokens(name)
        # Long slugs ("sharing-with-a-single-developer") are heading anchors, not furniture.
        if len(tokens) > _MAX_NAME_TOKENS:
            continue
        if not tokens.isdisjoint(_FURNITURE_TOKENS) or any(
            token.startswith(_FURNITURE_PREFIXES) for token in tokens
        ):
            return True
    return False


def _words(element: Any) -> int:
    return len(" ".join(element.itertext()).split())


def clean_tree(tree: Any) -> Any:
    """A cleaned deep copy of `tree` (the original is left as it was)."""
    root = copy.deepcopy(tree)
    for element in list(root.iter(_DROP_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()
    for element in root.xpath("//*[@hidden or @aria-hidden='true' or @style]"):
        if element.getparent() is None:
            continue
        style = element.get("style")
        if style is not None and not _DISPLAY_NONE.search(style):
            continue
        element.drop_tree()
    for quote in root.iter("blockquote"):
        # Embedded posts ("twitter-tweet") are quoted text of the article: keep their names
        # from looking like furniture here and in readability's own class filters.
        quote.attrib.pop("class", None)
        quote.attrib.pop("id", None)
    total = max(_words(root), 1)
    stack = [root]
    while stack:
        element = stack.pop()
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if (
                child.tag not in ("body", "article", "main")
                and _furniture_named(child)
                and _words(child) <= _KEEP_SHARE * total
            ):
                child.drop_tree()
            else:
                stack.append(child)
    return root
