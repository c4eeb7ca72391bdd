"""HTML fragments from feeds (item content or summary) to plain paragraphs."""

from __future__ import annotations

import re

from lxml import etree, html

_BLOCKS = {
    "p", "div", "section", "article", "blockquote", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "pre", "figcaption", "td", "dd", "dt", "header", "footer", "aside", "main",
}  # fmt: skip
_DROP = {"script", "style", "noscript", "iframe", "object", "embed", "form", "button", "svg"}


def fragment_paragraphs(fragment: str) -> list[str]:
    """Split an HTML fragment into text paragraphs at block elements and double <br>s.
    Plain text (no tags) is split at blank lines."""
    if not fragment or not fragment.strip():
        return []
    if "<" not in fragment:
        return [" ".join(p.split()) for p in re.split(r"\n\s*\n", fragment) if p.strip()]
    try:
        root = html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        text = re.sub(r"<[^>]+>", " ", fragment)
        return [" ".join(text.split())] if text.strip() else []
    for bad in root.iter(*_DROP):
        bad.drop_tree()
    out: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        text = " ".join("".join(buf).split())
        if text:
            out.append(text)
        buf.clear()

    def walk(el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag in _BLOCKS
        if block:
            flush()
        if tag == "br":
            nxt = el.getnext()
            if nxt is not None and nxt.tag == "br":
                flush()
            else:
                buf.append(" ")
        if el.text and tag:
            buf.append(el.text)
        for child in el:
            walk(child)
        if block:
            flush()
        if el.tail:
            buf.append(el.tail)

    walk(root)
    flush()
    return out
