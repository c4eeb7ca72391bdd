"""Enrichment: language, named entities, near-duplicate signatures. Imports only `tidings.core`."""

from tidings.enrich.dedup import (
    THRESHOLD,
    DuplicateIndex,
    Match,
    Signature,
    shingles,
    signature,
)
from tidings.enrich.entities import EntityExtractor
from tidings.enrich.language import detect_language

__all__ = [
    "THRESHOLD",
    "DuplicateIndex",
    "EntityExtractor",
    "Match",
    "Signature",
    "detect_language",
    "shingles",
    "signature",
]
