"""Sanitise article HTML to a small allow-list of safe tags and attributes."""

from __future__ import annotations

import html
from collections.abc import Iterable

import nh3

__all__ = ["paragraphs_to_html", "sanitize_html"]

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "a",
        "em",
        "strong",
        "b",
        "i",
        "u",
        "blockquote",
        "q",
        "cite",
        "ul",
        "ol",
        "li",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "figure",
        "figcaption",
        "img",
        "pre",
        "code",
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"


def sanitize_html(fragment: str) -> str:
    """Keep only safe article markup; scripts, styles, handlers and unsafe URLs are removed."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def paragraphs_to_html(paragraphs: Iterable[str]) -> str:
    """Escape each paragraph and wrap it in <p>; empty paragraphs are dropped."""
    return "\n".join(f"<p>{html.escape(p.strip())}</p>" for p in paragraphs if p.strip())
