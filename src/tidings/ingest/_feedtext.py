"""Byte and text hygiene for feed documents: choosing the character encoding when the
declarations lie, removing DTD internal subsets (entity bombs, external entities), reading
dates that feedparser gives up on, and small plain-text helpers."""

from __future__ import annotations

import codecs
import hashlib
import html
import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_tz

_XML_DECL = re.compile(rb"^<\?xml[^>]*?\?>", re.S)
_DECL_ENCODING = re.compile(rb"""\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
_HTTP_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""", re.I)

# Declared labels mapped to the superset that real documents with that label are written in
# (the WHATWG Encoding Standard does the same: "iso-8859-1" means windows-1252, and so on).
_SUPERSETS = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc-cn": "gb18030",
    "x-gbk": "gb18030",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
}
_STATEFUL = ("iso-2022", "utf-7", "hz")  # 7-bit encodings that pure-ASCII bytes may still be in


def _lookup(label: str | None) -> str | None:
    """A Python codec name for a declared label, or None when Python does not know it."""
    if not label:
        return None
    label = label.strip().lower()
    label = _SUPERSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_encodings(content: bytes, content_type: str | None) -> tuple[str | None, str | None]:
    """(charset from the Content-Type header, encoding from the XML declaration)."""
    http = None
    if content_type and (found := _HTTP_CHARSET.search(content_type)):
        http = found.group(1)
    xml = None
    decl = _XML_DECL.match(content[:1024].lstrip())
    if decl is not None and (label := _DECL_ENCODING.search(decl.group(0))):
        xml = label.group(1).decode("ascii")
    return http, xml


def _mostly_utf8(content: bytes) -> bool:
    """True when bytes that are not valid UTF-8 are rare next to valid multi-byte sequences:
    a UTF-8 document with a stray byte or two, not a document in a legacy encoding."""
    text = content.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    return good >= 4 * bad


def decode_document(content: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a feed document to text; return (text, codec used).

    Order: a byte-order mark; bytes that are valid UTF-8 (whatever the labels say: valid UTF-8
    with multi-byte characters is practically never a legacy encoding by accident); the
    header charset, then the XML-declared encoding, each widened to its usual superset and
    decoded strictly; UTF-8 with replacement when only a few bytes are broken; the declared
    encoding with replacement; else windows-1252."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if content.startswith(bom):
            return content[len(bom) :].decode(codec, errors="replace"), codec
    if content.startswith(b"<\x00?\x00") or content.startswith(b"<\x00<\x00"):
        return content.decode("utf-16-le", errors="replace"), "utf-16-le"
    if content.startswith(b"\x00<\x00?") or content.startswith(b"\x00<\x00<"):
        return content.decode("utf-16-be", errors="replace"), "utf-16-be"
    http, xml = declared_encodings(content, content_type)
    declared = [c for c in (_lookup(http), _lookup(xml)) if c]
    stateful = next((c for c in declared if c.startswith(_STATEFUL)), None)
    if stateful is not None and (b"\x1b" in content or stateful == "utf-7"):
        try:
            return content.decode(stateful), stateful
        except UnicodeDecodeError:
            pass
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    legacy = [c for c in declared if c not in ("utf-8", "utf-16", "utf-16-le", "utf-16-be")]
    for codec in legacy:
        try:
            return content.decode(codec), codec
        except UnicodeDecodeError:
            continue
    if _mostly_utf8(content):
        return content.decode("utf-8", errors="replace"), "utf-8"
    codec = legacy[0] if legacy else "cp1252"
    return content.decode(codec, errors="replace"), codec


_PROLOG_END = re.compile(r"<[A-Za-z_]")
_DOCTYPE = re.compile(r"<!DOCTYPE\b", re.I)


def strip_internal_subset(text: str) -> str:
    """Drop the internal subset of a DOCTYPE (`<!DOCTYPE rss [ ... ]>` → `<!DOCTYPE rss>`).

    Entity declarations are where XML bombs (nested entities) and external entities
    (`SYSTEM "file:///etc/passwd"`) live; feeds and OPML never need them. References to the
    removed entities stay as literal text. Line breaks are kept so line numbers still match."""
    at = _doctype_in_prolog(text)
    if at is None:
        return text
    after = at + len("<!DOCTYPE")
    gt = text.find(">", after)
    bracket = text.find("[", after)
    if bracket == -1 or (gt != -1 and gt < bracket):
        return text
    close = _SUBSET_END.search(text, bracket)
    if close is not None:
        cut_from, cut_to, keep = bracket, close.end(), ">"
    else:  # unterminated: drop the whole DOCTYPE up to the root element
        root = _ROOT_START.search(text, bracket)
        cut_from, cut_to, keep = at, root.start() if root else len(text), ""
    removed = text[cut_from:cut_to]
    return text[:cut_from] + keep + "\n" * removed.count("\n") + text[cut_to:]


def _doctype_in_prolog(text: str) -> int | None:
    """Where the DOCTYPE starts, looking past comments and processing instructions (which may
    themselves contain `<rss>` or `<!DOCTYPE`), up to the root element; None without one."""
    pos = 0
    while (pos := text.find("<", pos)) != -1:
        if text.startswith("<!--", pos):
            end = text.find("-->", pos + 4)
            pos = len(text) if end == -1 else end + 3
        elif text.startswith("<?", pos):
            end = text.find("?>", pos + 2)
            pos = len(text) if end == -1 else end + 2
        elif _DOCTYPE.match(text, pos):
            return pos
        elif _PROLOG_END.match(text, pos):
            return None  # the root element: no DOCTYPE before it
        else:
            pos += 1
    return None


_SUBSET_END = re.compile(r"\]\s*>")
_ROOT_START = re.compile(r"<(?:rss|feed|rdf:RDF|RDF|channel|opml)\b")


def xml_text(content: bytes, content_type: str | None = None) -> str:
    """The document decoded (see `decode_document`), with the XML declaration saying UTF-8,
    whitespace before the declaration removed and any DTD internal subset dropped."""
    text, _ = decode_document(content, content_type)
    body = text.lstrip("\ufeff \t\r\n")
    lead = text[: len(text) - len(body)].count("\n")
    decl = _XML_DECL_TEXT.match(body)
    # The declaration must come first; the line count is kept.
    head = _UTF8_DECL if decl is not None else ""
    rest = body[decl.end() :] if decl is not None else body
    return strip_internal_subset(head + "\n" * lead + rest)


_XML_DECL_TEXT = re.compile(r"<\?xml[^>]*?\?>")
_UTF8_DECL = '<?xml version="1.0" encoding="utf-8"?>'


def to_xml_utf8(content: bytes, content_type: str | None = None) -> bytes:
    """`xml_text` as UTF-8 bytes, ready for an XML parser."""
    return xml_text(content, content_type).encode("utf-8", errors="replace")


# -- dates ---------------------------------------------------------------------------------

# Month and weekday names feeds are written with, mapped to the English abbreviations RFC 822
# uses. Only unambiguous names of common feed languages.
_MONTHS = {
    "jan": (
        "janv",
        "janeiro",
        "enero",
        "janvier",
        "januar",
        "gennaio",
        "januari",
        "jän",
        "ene",
        "gen",
    ),
    "feb": (
        "févr",
        "fevr",
        "fevereiro",
        "fev",
        "febrero",
        "février",
        "fév",
        "februar",
        "febbraio",
        "februari",
    ),
    "mar": ("março", "marzo", "mars", "märz", "mär", "maart", "mrt"),
    "apr": ("abril", "abr", "avril", "avr", "aprile", "april"),
    "may": ("maio", "mayo", "mai", "maggio", "mei", "mag"),
    "jun": ("junho", "junio", "juin", "juni", "giugno", "giu"),
    "jul": ("julho", "julio", "juillet", "juil", "juli", "luglio", "lug"),
    "aug": ("agosto", "ago", "août", "aout", "augustus"),
    "sep": ("setembro", "set", "septiembre", "sept", "septembre", "settembre"),
    "oct": ("outubro", "out", "octubre", "octobre", "oktober", "okt", "ottobre", "ott"),
    "nov": ("novembro", "noviembre", "novembre", "november"),
    "dec": ("dezembro", "dez", "diciembre", "dic", "décembre", "déc", "dezember", "dicembre"),
}
_MONTH_WORD = {alias: en for en, aliases in _MONTHS.items() for alias in aliases}
_WEEKDAY_PREFIX = re.compile(r"^\s*[^\W\d_]{2,12}\.?,\s*")
_WORD = re.compile(r"[^\W\d_]+\.?")
_ISO_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_SLASHED = re.compile(
    r"^(\d{4})/(\d{1,2})/(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)  # 2020/1/10 14:33:00


def parse_date(value: object) -> datetime | None:
    """A timezone-aware datetime from the date strings feeds carry, or None.

    ISO 8601 / RFC 3339 and RFC 822 (with or without a weekday, with month names in a few
    common languages). A date without a time zone is taken as UTC."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if not text or len(text) > 80:
        return None
    if _ISO_LIKE.match(text):
        iso = text.replace(" ", "T", 1) if "T" not in text else text
        iso = re.sub(r"[Zz]$", "+00:00", iso)
        iso = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", iso)
        try:
            parsed = datetime.fromisoformat(iso)
        except ValueError:
            return None
        parsed = parsed.replace(microsecond=0)
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if (slashed := _SLASHED.match(text)) is not None:
        y, mo, d, h, mi, sec = (int(g) if g else 0 for g in slashed.groups())
        try:
            return datetime(y, mo, d, h, mi, sec, tzinfo=UTC)
        except ValueError:
            return None
    text = _WEEKDAY_PREFIX.sub("", text)

    def english(m: re.Match[str]) -> str:
        word = m.group(0).rstrip(".").lower()
        return _MONTH_WORD.get(word, m.group(0))

    text = _WORD.sub(english, text)
    text = re.sub(r"\b(\d{1,2})\.\s", r"\1 ", text)  # "07. Jan" → "07 Jan"
    if not re.search(r"\d:\d", text):
        text += " 00:00:00"  # a bare day
    parts = parsedate_tz(text)
    if parts is None:
        return None
    year, month, day, hour, minute, second = parts[:6]
    offset = parts[9] or 0  # no zone: UTC
    try:
        naive = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    return naive.replace(tzinfo=timezone(timedelta(seconds=offset))).astimezone(UTC)


# -- text ----------------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]*>")
_INLINE_TAG = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|dfn|em|i|kbd|mark|q|s|samp|small|span|strong|sub"
    r"|sup|time|u|var|wbr)\b[^>]*>",
    re.I,
)


def clean(value: object) -> str | None:
    """Single-spaced, trimmed text, or None when empty or not a string."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


def html_to_text(value: object) -> str | None:
    """Plain text of a short HTML fragment (tags dropped, entities decoded), single-spaced."""
    if not isinstance(value, str):
        return None
    return clean(html.unescape(_TAG.sub(" ", _INLINE_TAG.sub("", value))))


def first_words(fragment: str, n: int = 12) -> str:
    """A stand-in title: the first words of an entry's HTML or text."""
    words = (html_to_text(fragment) or "").split()
    if not words:
        return "(untitled)"
    return " ".join(words[:n]) + ("…" if len(words) > n else "")


def synthetic_guid(title: str | None, published: datetime | None, summary: str | None) -> str:
    """A stable id for an entry that has neither an id nor a link."""
    key = "\x1f".join(
        (title or "", published.isoformat() if published else "", (summary or "")[:2000])
    )
    return "urn:sha1:" + hashlib.sha1(key.encode("utf-8")).hexdigest()
