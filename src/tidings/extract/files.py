"""Extract an Article from a file on disk, choosing the extractor by the file's suffix."""

from __future__ import annotations

import gzip
import io
import re
import zlib
from pathlib import Path

from tidings.core.errors import ExtractError
from tidings.core.models import Article
from tidings.extract.html import extract_html
from tidings.extract.textdump import extract_text_dump

__all__ = ["doc_id", "extract_file"]

MAX_BYTES = 50 * 1024 * 1024  # refuse larger (or larger once decompressed) inputs
_TEXT_SUFFIXES = (".txt", ".text")
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_EXTENSION_RE = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,4}$")


def doc_id(path: Path) -> str:
    """The file name without its extensions ("scmp-afghanistan.txt" → "scmp-afghanistan")."""
    name = path.name
    while (match := _EXTENSION_RE.search(name)) is not None and match.start() > 0:
        name = name[: match.start()]
    return name


def _read(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ExtractError(f"{path}: cannot read file ({exc.strerror or exc})") from exc
    if len(data) > MAX_BYTES:
        raise ExtractError(f"{path}: file is larger than {MAX_BYTES} bytes")
    return data


def _gunzip(path: Path, data: bytes) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            out = handle.read(MAX_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise ExtractError(f"{path}: not a valid gzip file ({exc})") from exc
    if len(out) > MAX_BYTES:
        raise ExtractError(f"{path}: decompressed content is larger than {MAX_BYTES} bytes")
    return out


def _decode_text(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExtractError(f"{path}: text dump is not valid UTF-8 ({exc.reason})") from exc


def extract_file(path: Path, url: str | None = None) -> Article:
    """Extract an article from a .txt/.html/.htm file, optionally gzip-compressed (.gz).

    Raises ExtractError, naming the file, for unknown suffixes, unreadable or undecodable files
    and files that hold no recognisable article.
    """
    path = Path(path)
    name = path.name.lower()
    compressed = name.endswith(".gz")
    inner = name[:-3] if compressed else name
    if inner.endswith(_TEXT_SUFFIXES):
        kind = "text"
    elif inner.endswith(_HTML_SUFFIXES):
        kind = "html"
    else:
        raise ExtractError(
            f"{path}: unsupported file type (expected .txt, .html or .htm, optionally .gz)"
        )
    data = _read(path)
    if compressed:
        data = _gunzip(path, data)
    try:
        if kind == "text":
            return extract_text_dump(_decode_text(path, data), url=url)
        return extract_html(data, url=url)
    except ExtractError as exc:
        if str(path) in exc.message:
            raise
        raise ExtractError(f"{path}: {exc.message}") from exc
