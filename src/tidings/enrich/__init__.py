"""Enrichment: language, named entities, near-duplicate signatures. Imports only `tidings.core`.

Names are imported on first use (`tidings.core.lazy`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tidings.core.lazy import lazy_exports

if TYPE_CHECKING:
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

_EXPORTS = {
    "THRESHOLD": "tidings.enrich.dedup",
    "DuplicateIndex": "tidings.enrich.dedup",
    "Match": "tidings.enrich.dedup",
    "Signature": "tidings.enrich.dedup",
    "shingles": "tidings.enrich.dedup",
    "signature": "tidings.enrich.dedup",
    "EntityExtractor": "tidings.enrich.entities",
    "detect_language": "tidings.enrich.language",
}


__getattr__ = lazy_exports(__name__, _EXPORTS)

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
