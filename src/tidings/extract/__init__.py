"""Bytes → `Article`: HTML extraction, raw-text-dump cleaning, sanitising."""

from tidings.extract._decode import decode_text
from tidings.extract.files import doc_id, extract_file
from tidings.extract.html import extract_html
from tidings.extract.record import article_record
from tidings.extract.sanitize import paragraphs_to_html, sanitize_html
from tidings.extract.textdump import extract_text_dump

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
