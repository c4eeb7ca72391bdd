"""OPML import (lenient: raw `&`, nested folders) and export (OPML 2.0)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from html import unescape
from xml.sax.saxutils import quoteattr

from lxml import etree

from tidings.core import InvalidInputError


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    url: str
    title: str | None
    site_url: str | None
    folder: str | None


_BARE_AMP = re.compile(rb"&(?!(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#x[0-9a-fA-F]+);)")


def parse_opml(content: bytes) -> list[OpmlFeed]:
    """Every feed outline (one with an xmlUrl) with the folder path it sits in.

    Well-formed OPML (after escaping raw `&`) is parsed as XML; anything worse (raw HTML in
    attributes, unclosed tags) goes through a tolerant outline scanner so no feed is lost."""
    fixed = _BARE_AMP.sub(b"&amp;", content)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(fixed, parser)
    except etree.XMLSyntaxError:
        return _scan_outlines(content)
    if root is None or not isinstance(root.tag, str) or root.tag.lower() != "opml":
        raise InvalidInputError("not an OPML document: the root element is not <opml>")
    body = root.find("body")
    if body is None:
        raise InvalidInputError("OPML document has no <body>")
    out: list[OpmlFeed] = []
    seen: set[str] = set()

    def walk(node: etree._Element, path: list[str]) -> None:
        for child in node:
            if not isinstance(child.tag, str) or child.tag.lower() != "outline":
                continue
            attrs = {k.lower(): v for k, v in child.attrib.items()}
            name = (attrs.get("title") or attrs.get("text") or "").strip() or None
            url = (attrs.get("xmlurl") or "").strip()
            if url:
                _add(out, seen, url, name, attrs.get("htmlurl"), path)
            else:
                walk(child, [*path, name] if name else path)

    walk(body, [])
    return out


_OUTLINE_TOKEN = re.compile(r"<outline\b|</outline\s*>", re.I)
_ATTR = re.compile(r"\b(text|title|xmlurl|htmlurl)\s*=\s*(\"[^\"]*\"|'[^']*')", re.I)


def _scan_outlines(content: bytes) -> list[OpmlFeed]:
    """Tolerant reading of broken OPML: walk <outline> open/close tokens in order."""
    text = content.decode("utf-8", errors="replace")
    if "<opml" not in text.lower():
        raise InvalidInputError("not an OPML document: no <opml> element")
    tokens = list(_OUTLINE_TOKEN.finditer(text))
    out: list[OpmlFeed] = []
    seen: set[str] = set()
    stack: list[str | None] = []
    for i, tok in enumerate(tokens):
        if tok.group(0).startswith("</"):
            if stack:
                stack.pop()
            continue
        end = tokens[i + 1].start() if i + 1 < len(tokens) else len(text)
        segment = text[tok.start() : end]
        attrs: dict[str, str] = {}
        for m in _ATTR.finditer(segment):
            attrs.setdefault(m.group(1).lower(), unescape(m.group(2)[1:-1]))
        name = (attrs.get("title") or attrs.get("text") or "").strip() or None
        url = (attrs.get("xmlurl") or "").strip()
        path = [p for p in stack if p]
        if url:
            _add(out, seen, url, name, attrs.get("htmlurl"), path)
        closes_itself = segment.rstrip().endswith("/>") or "/>" in segment.split(">", 1)[0] + ">"
        if not url and not closes_itself:
            stack.append(name)
        elif url and not segment.rstrip().endswith("/>") and not re.search(r"/\s*>\s*$", segment):
            # a feed outline written with an explicit closing tag
            stack.append(None)
    if not out and "<body" not in text.lower():
        raise InvalidInputError("OPML document has no <body>")
    return out


def _add(
    out: list[OpmlFeed],
    seen: set[str],
    url: str,
    name: str | None,
    site: str | None,
    path: list[str],
) -> None:
    if url in seen:
        return
    seen.add(url)
    out.append(
        OpmlFeed(
            url=url,
            title=name,
            site_url=(site or "").strip() or None,
            folder="/".join(path) or None,
        )
    )


def write_opml(feeds: list[OpmlFeed], title: str = "Tidings subscriptions") -> str:
    """OPML 2.0 with one folder outline per folder (nested folders kept by their path)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{_esc(title)}</title>",
        f"    <dateCreated>{format_datetime(datetime.now(UTC))}</dateCreated>",
        "  </head>",
        "  <body>",
    ]
    tree: dict[str, object] = {}
    for feed in feeds:
        node = tree
        for part in (feed.folder or "").split("/"):
            if part:
                node = node.setdefault("\0" + part, {})  # type: ignore[assignment]
        node.setdefault("\0feeds", []).append(feed)  # type: ignore[attr-defined]

    def emit(node: dict[str, object], depth: int) -> None:
        pad = "  " * depth
        for key, value in node.items():
            if key == "\0feeds":
                for f in value:  # type: ignore[attr-defined]
                    attrs = f'type="rss" text={quoteattr(f.title or f.url)}'
                    if f.title:
                        attrs += f" title={quoteattr(f.title)}"
                    attrs += f" xmlUrl={quoteattr(f.url)}"
                    if f.site_url:
                        attrs += f" htmlUrl={quoteattr(f.site_url)}"
                    lines.append(f"{pad}<outline {attrs}/>")
        for key, value in node.items():
            if key != "\0feeds":
                name = key[1:]
                lines.append(f"{pad}<outline text={quoteattr(name)} title={quoteattr(name)}>")
                emit(value, depth + 1)  # type: ignore[arg-type]
                lines.append(f"{pad}</outline>")

    emit(tree, 2)
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
