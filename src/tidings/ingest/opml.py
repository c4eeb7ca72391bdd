"""OPML import (lenient) and export (OPML 2.0).

Import reads real-world subscription lists: raw `&` and HTML entities in attributes are
repaired before a strict XML parse; a document that is still not well-formed (raw `<` or `"`
inside attribute values, unclosed tags) is read by a tolerant outline scanner instead, so no
feed is lost. Nested folders are kept as a "/"-joined path. Every feed and every problem
carries the line it comes from."""

from __future__ import annotations

import bisect
import html.entities
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from html import unescape
from xml.sax.saxutils import quoteattr

from lxml import etree

from tidings.core import InvalidInputError
from tidings.ingest._feedtext import xml_text

__all__ = ["OpmlFeed", "OpmlImport", "OpmlProblem", "parse_opml", "read_opml", "write_opml"]


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    url: str
    title: str | None
    site_url: str | None
    folder: str | None  # "News/World" for a feed two folders deep
    line: int | None = field(default=None, compare=False)  # where the outline is


@dataclass(frozen=True, slots=True)
class OpmlProblem:
    line: int
    message: str


@dataclass(frozen=True, slots=True)
class OpmlImport:
    feeds: tuple[OpmlFeed, ...]  # distinct feeds, in document order
    problems: tuple[OpmlProblem, ...]  # outlines skipped or repaired, with their lines
    outlines: int  # feed outlines (those with an xmlUrl), duplicates and skipped included
    lenient: bool  # True when the document was not well-formed XML and was scanned

    @property
    def folders(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.folder for f in self.feeds if f.folder))


def parse_opml(content: bytes, name: str = "OPML") -> list[OpmlFeed]:
    """Every distinct feed outline (one with an xmlUrl) with the folder path it sits in."""
    return list(read_opml(content, name).feeds)


_BARE_AMP = re.compile(r"&(?!(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#x[0-9a-fA-F]+);)")
_NAMED_REF = re.compile(r"&([a-zA-Z][a-zA-Z0-9]*);")
_XML_NAMED = frozenset({"amp", "lt", "gt", "quot", "apos"})


def _repair_entities(text: str) -> str:
    """Escape raw `&` and turn HTML-only named entities (`&nbsp;`) into characters."""
    text = _BARE_AMP.sub("&amp;", text)

    def named(m: re.Match[str]) -> str:
        entity = m.group(1)
        if entity in _XML_NAMED:
            return m.group(0)
        char = html.entities.html5.get(entity + ";")
        if char is None:
            return "&amp;" + entity + ";"
        return char.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")

    return _NAMED_REF.sub(named, text)


def read_opml(content: bytes, name: str = "OPML") -> OpmlImport:
    """Read an OPML document. `name` (usually the file name) prefixes error messages, which
    read "NAME:LINE: what is wrong". Raises InvalidInputError when it is not OPML at all."""
    if not content.strip():
        raise InvalidInputError(f"{name}:1: empty file, not an OPML document")
    text = xml_text(content)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(_repair_entities(text).encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        return _scan(text, name, exc)
    if root is None or not isinstance(root.tag, str):
        raise InvalidInputError(f"{name}:1: not an OPML document")
    tag = etree.QName(root).localname
    if tag.lower() != "opml":
        raise InvalidInputError(
            f"{name}:{root.sourceline or 1}: not an OPML document: the root element is <{tag}>"
        )
    body = next((c for c in root if isinstance(c.tag, str) and c.tag.lower() == "body"), None)
    if body is None:
        raise InvalidInputError(f"{name}:{root.sourceline or 1}: OPML document has no <body>")
    collect = _Collector()
    # libxml2 numbers an element by the line its start tag ends on; report where it starts
    outlines = [e for e in root.iter() if isinstance(e.tag, str) and e.tag.lower() == "outline"]
    starts = _outline_lines(text)
    start_line = (
        dict(zip(map(id, outlines), starts, strict=True)) if len(starts) == len(outlines) else {}
    )

    def walk(node: etree._Element, path: list[str]) -> None:
        for child in node:
            if not isinstance(child.tag, str) or child.tag.lower() != "outline":
                continue
            attrs = {k.lower(): v for k, v in child.attrib.items()}
            line = start_line.get(id(child)) or child.sourceline or 1
            if _feed_url(attrs) is not None:
                collect.outline(attrs, path, line)
            elif len(child):
                walk(child, [*path, _folder_name(attrs)])
            else:
                collect.stray(attrs, line)

    walk(body, [])
    return collect.result(lenient=False)


_OUTLINE_TOKEN = re.compile(r"<!--.*?-->|<outline\b|</outline\s*>|<body\b|</body\s*>", re.I | re.S)
_SCANNED = ("text", "title", "xmlurl", "htmlurl", "type")
# An attribute value may hold raw quotes and markup (`description="<a href="x">"`): a value
# ends at the quote that is followed by another attribute or by the end of the tag.
_ATTR_PATTERNS = {
    name: re.compile(
        rf"""(?:^|\s){name}\s*=\s*(?:"(.*?)"(?=\s+[\w:.-]+\s*=\s*["']|\s*/?\s*$)"""
        rf"""|'(.*?)'(?=\s+[\w:.-]+\s*=\s*["']|\s*/?\s*$)|([^\s"'>]+))""",
        re.I | re.S,
    )
    for name in _SCANNED
}


def _scan(text: str, name: str, cause: etree.XMLSyntaxError) -> OpmlImport:
    """Tolerant reading of OPML that is not well-formed: walk <outline> tags in order. A tag
    runs up to the last ">" before the next outline tag, so markup inside attribute values
    cannot end it early."""
    opml_at = re.search(r"<opml\b", text, re.I)
    if opml_at is None:
        raise InvalidInputError(
            f"{name}:{cause.lineno or 1}: not an OPML document (no <opml> element, and not "
            f"well-formed XML: {_reason(cause)})"
        )
    collect = _Collector()
    collect.problems.append(
        OpmlProblem(
            cause.lineno or 1,
            f"not well-formed XML ({_reason(cause)}); read leniently, outline by outline",
        )
    )
    stack: list[str | None] = []
    seen_body = False
    tokens = list(_OUTLINE_TOKEN.finditer(text, opml_at.end()))
    for index, token in enumerate(tokens):
        word = token.group(0).lower()
        if word.startswith(("<!--", "</body")):
            continue
        if word.startswith("<body"):
            seen_body = True
            continue
        if word.startswith("</"):
            if stack:
                stack.pop()
            continue
        stop = tokens[index + 1].start() if index + 1 < len(tokens) else len(text)
        segment = text[token.end() : stop]
        closed = segment.rfind(">")
        tag = segment[:closed] if closed >= 0 else segment
        self_closing = closed < 0 or tag.rstrip().endswith("/")
        attrs: dict[str, str] = {}
        for key, pattern in _ATTR_PATTERNS.items():
            if (m := pattern.search(tag.rstrip().rstrip("/"))) is not None:
                value = next(g for g in (*m.groups(), "") if g is not None)
                attrs[key] = unescape(value)
        line = text.count("\n", 0, token.start()) + 1
        path = [p for p in stack if p]
        if _feed_url(attrs) is not None:
            collect.outline(attrs, path, line)
            if not self_closing:
                stack.append(None)  # a feed outline written with a closing tag
        elif not self_closing:
            stack.append(_folder_name(attrs))
        else:
            collect.stray(attrs, line)
    if not seen_body and not collect.feeds:
        line = text.count("\n", 0, opml_at.start()) + 1
        raise InvalidInputError(f"{name}:{line}: OPML document has no <body>")
    return collect.result(lenient=True)


_COMMENT_OR_CDATA = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>", re.S)


def _outline_lines(text: str) -> list[int]:
    """The line each `<outline` tag starts on, in document order (comments skipped)."""
    blanked = _COMMENT_OR_CDATA.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    breaks = [m.start() for m in re.finditer("\n", blanked)]
    return [
        bisect.bisect_right(breaks, m.start()) + 1
        for m in re.finditer(r"<outline\b", blanked, re.I)
    ]


def _reason(exc: etree.XMLSyntaxError) -> str:
    message = str(exc.msg or exc).split(", line ")[0]
    return f"line {exc.lineno}: {message}" if exc.lineno else message


def _feed_url(attrs: dict[str, str]) -> str | None:
    url = (attrs.get("xmlurl") or "").strip()
    return url or None


def _folder_name(attrs: dict[str, str]) -> str:
    name = " ".join((attrs.get("title") or attrs.get("text") or "").split())
    return name.replace("/", "\u2215")  # "/" separates folders in a path


_FEED_SCHEME = re.compile(r"^feed:(?://)?", re.I)


class _Collector:
    def __init__(self) -> None:
        self.feeds: list[OpmlFeed] = []
        self.problems: list[OpmlProblem] = []
        self.outlines = 0
        self._first_line: dict[str, int] = {}

    def outline(self, attrs: dict[str, str], path: list[str], line: int) -> None:
        self.outlines += 1
        raw = _feed_url(attrs) or ""
        title = " ".join((attrs.get("title") or attrs.get("text") or "").split()) or None
        url = raw
        if _FEED_SCHEME.match(url):  # feed://host/x and feed:https://host/x
            rest = _FEED_SCHEME.sub("", url)
            url = rest if rest.startswith(("http://", "https://")) else "http://" + rest
        if not url.lower().startswith(("http://", "https://")) or len(url) > 2048:
            shown = raw if len(raw) <= 80 else raw[:77] + "..."
            self.problems.append(
                OpmlProblem(
                    line, f"skipped {title or 'outline'!r}: {shown!r} is not an http(s) URL"
                )
            )
            return
        if url in self._first_line:
            self.problems.append(
                OpmlProblem(line, f"duplicate of the feed on line {self._first_line[url]}: {url}")
            )
            return
        self._first_line[url] = line
        if title in (raw, url):
            title = None  # a title that only repeats the URL (how untitled feeds are exported)
        site = (attrs.get("htmlurl") or "").strip()
        self.feeds.append(
            OpmlFeed(
                url=url,
                title=title,
                site_url=site if site.lower().startswith(("http://", "https://")) else None,
                folder="/".join(p for p in path if p) or None,
                line=line,
            )
        )

    def stray(self, attrs: dict[str, str], line: int) -> None:
        kind = (attrs.get("type") or "").lower()
        if kind in ("rss", "atom", "feed"):
            title = attrs.get("title") or attrs.get("text") or "outline"
            self.problems.append(OpmlProblem(line, f"skipped {title!r}: type {kind} but no xmlUrl"))

    def result(self, *, lenient: bool) -> OpmlImport:
        return OpmlImport(
            feeds=tuple(self.feeds),
            problems=tuple(self.problems),
            outlines=self.outlines,
            lenient=lenient,
        )


def write_opml(feeds: list[OpmlFeed], title: str = "Tidings subscriptions") -> str:
    """OPML 2.0: one folder outline per folder (nested folders kept from their path), feed
    outlines with type, text, title, xmlUrl and htmlUrl."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{_esc(title)}</title>",
        f"    <dateCreated>{format_datetime(datetime.now(UTC))}</dateCreated>",
        "  </head>",
        "  <body>",
    ]
    root = _Folder()
    for feed in feeds:
        node = root
        for part in (feed.folder or "").split("/"):
            if part.strip():
                node = node.folders.setdefault(part, _Folder())
        node.feeds.append(feed)

    def emit(node: _Folder, depth: int) -> None:
        pad = "  " * depth
        for f in node.feeds:
            attrs = f'type="rss" text={quoteattr(_xml_safe(f.title or f.url))}'
            if f.title:
                attrs += f" title={quoteattr(_xml_safe(f.title))}"
            attrs += f" xmlUrl={quoteattr(_xml_safe(f.url))}"
            if f.site_url:
                attrs += f" htmlUrl={quoteattr(_xml_safe(f.site_url))}"
            lines.append(f"{pad}<outline {attrs}/>")
        for name, child in node.folders.items():
            label = quoteattr(_xml_safe(name))
            lines.append(f"{pad}<outline text={label} title={label}>")
            emit(child, depth + 1)
            lines.append(f"{pad}</outline>")

    emit(root, 2)
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


@dataclass
class _Folder:
    feeds: list[OpmlFeed] = field(default_factory=list)
    folders: dict[str, _Folder] = field(default_factory=dict)


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    """Drop characters XML 1.0 cannot hold, and keep attribute values on one line."""
    return " ".join(_XML_INVALID.sub("", text).split())


def _esc(text: str) -> str:
    return _xml_safe(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
