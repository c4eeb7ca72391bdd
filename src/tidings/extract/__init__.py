"""Bytes → `Article`: HTML extraction, raw-text-dump cleaning, sanitising.

Names are imported on first use (`tidings.core.lazy`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tidings.core.lazy import lazy_exports

if TYPE_CHECKING:
    from tidings.extract._decode import decode_text
    from tidings.extract.files import doc_id, extract_file
    from tidings.extract.html import extract_html
    from tidings.extract.record import article_record
    from tidings.extract.sanitize import paragraphs_to_html, sanitize_html
    from tidings.extract.textdump import extract_text_dump

_EXPORTS = {
    "decode_text": "tidings.extract._decode",
    "doc_id": "tidings.extract.files",
    "extract_file": "tidings.extract.files",
    "extract_html": "tidings.extract.html",
    "article_record": "tidings.extract.record",
    "paragraphs_to_html": "tidings.extract.sanitize",
    "sanitize_html": "tidings.extract.sanitize",
    "extract_text_dump": "tidings.extract.textdump",
}


__getattr__ = lazy_exports(__name__, _EXPORTS)

__all__ = [
    "article_record",
    "decode_text",
    "doc_id",
    "extract_file",
    "extract_html",
    "extract_text_dump",
    "paragraphs_to_html",
    "sanitize_html",
]
