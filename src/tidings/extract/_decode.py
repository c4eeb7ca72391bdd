"""Turn page bytes into text, honouring a byte-order mark or the declared charset."""

from __future__ import annotations

import codecs
import re

from tidings.core.errors import ExtractError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._:-]+)""", re.I)


def _codec(name: bytes) -> str | None:
    try:
        return codecs.lookup(name.decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def declared_charset(data: bytes) -> str | None:
    """The charset named in the XML declaration or a <meta> tag near the top, if known."""
    head = data[:8192]
    for pattern in (_XML_ENCODING_RE, _META_CHARSET_RE):
        match = pattern.search(head)
        if match is not None and (codec := _codec(match.group(1))) is not None:
            # A page served as "utf-16" but found with ASCII-readable markup is really 8-bit.
            if codec.startswith(("utf-16", "utf-32")):
                return "utf-8"
            # As browsers do, read Latin-1 and ASCII labels as their superset windows-1252.
            return "cp1252" if codec in ("ascii", "iso8859-1") else codec
    return None


def decode_html(data: bytes) -> str:
    """Decode HTML bytes; raise ExtractError when they are empty, binary or undecodable."""
    if not data.strip():
        raise ExtractError("the page is empty")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise ExtractError(f"the page is not valid {codec}: {exc.reason}") from exc
    if b"\x00" in data[:8192]:
        raise ExtractError("the page looks like binary data, not HTML")
    declared = declared_charset(data)
    attempts = [declared, "utf-8"] if declared else ["utf-8", "cp1252"]
    for codec in attempts:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    # Tolerate a few stray bytes in a mostly valid page, but not a page of garbage.
    codec = declared or "utf-8"
    text = data.decode(codec, errors="replace")
    if text.count("\ufffd") <= max(3, len(text) // 1000):
        return text
    raise ExtractError(f"the page could not be decoded as {codec}")


def decode_text(data: bytes) -> str:
    """Decode a fetched text dump: UTF-8 (with or without BOM), else windows-1252, which maps
    every byte, as browsers do for unlabelled 8-bit text."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
