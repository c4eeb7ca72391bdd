"""Render an lxml element as text paragraphs: block elements and <br> break lines."""

from __future__ import annotations

from typing import Any

from tidings.extract._shapes import normalise

__all__ = ["element_paragraphs"]

_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "td",
        "th",
        "ul",
        "caption",
        "center",
    ]
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "meta"})


def element_paragraphs(root: Any) -> list[str]:
    """The text of `root` as paragraphs (normalised, empty ones left out), in document order."""
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            line = normalise("".join(current))
            if line:
                lines.append(line)
            current.clear()

    # An explicit stack (no recursion: some pages nest thousands of elements deep).
    # Items are (element, entering); on leaving, the element's tail follows it.
    stack: list[tuple[Any, bool]] = [(root, True)]
    while stack:
        element, entering = stack.pop()
        tag = element.tag if isinstance(element.tag, str) else ""
        if entering:
            if tag in _SKIP_TAGS or not tag:  # comments and processing instructions too
                if element is not root and element.tail:
                    current.append(element.tail)
                continue
            if tag in _BLOCK_TAGS or tag == "br":
                flush()
            if tag and element.text:
                current.append(element.text)
            stack.append((element, False))
            stack.extend((child, True) for child in reversed(element))
        else:
            if tag in _BLOCK_TAGS:
                flush()
            if element is not root and element.tail:
                current.append(element.tail)
    flush()
    return lines
