"""Enrichment: language, named entities, near-duplicate signatures. Imports only `tidings.core`.

Names are imported on first use (PEP 562), so a worker process that needs one stage
does not pay for importing all of them."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


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
