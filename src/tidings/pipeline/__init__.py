"""Orchestration: wires ingest → extract → enrich → store, demo content, reader feeds.

Names are imported on first use (PEP 562), so a worker process that needs one stage
does not pay for importing all of them."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tidings.pipeline.demo import (
        DEMO_READER,
        WIKINEWS_NOTICE,
        ensure_demo_reader,
        load_demo,
        wikinews_articles,
    )
    from tidings.pipeline.enrichment import Enricher
    from tidings.pipeline.feed import reader_feed
    from tidings.pipeline.fulltext import is_truncated, merge_full_text
    from tidings.pipeline.ingestion import Pipeline, RefreshSummary, SourceResult
    from tidings.pipeline.prepare import content_hash
    from tidings.pipeline.saving import ArticleSaver

_EXPORTS = {
    "DEMO_READER": "tidings.pipeline.demo",
    "WIKINEWS_NOTICE": "tidings.pipeline.demo",
    "ensure_demo_reader": "tidings.pipeline.demo",
    "load_demo": "tidings.pipeline.demo",
    "wikinews_articles": "tidings.pipeline.demo",
    "Enricher": "tidings.pipeline.enrichment",
    "reader_feed": "tidings.pipeline.feed",
    "is_truncated": "tidings.pipeline.fulltext",
    "merge_full_text": "tidings.pipeline.fulltext",
    "Pipeline": "tidings.pipeline.ingestion",
    "RefreshSummary": "tidings.pipeline.ingestion",
    "SourceResult": "tidings.pipeline.ingestion",
    "content_hash": "tidings.pipeline.prepare",
    "ArticleSaver": "tidings.pipeline.saving",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "DEMO_READER",
    "WIKINEWS_NOTICE",
    "ArticleSaver",
    "Enricher",
    "Pipeline",
    "RefreshSummary",
    "SourceResult",
    "content_hash",
    "ensure_demo_reader",
    "is_truncated",
    "load_demo",
    "merge_full_text",
    "reader_feed",
    "wikinews_articles",
]
