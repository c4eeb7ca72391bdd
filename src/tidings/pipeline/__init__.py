"""Orchestration: wires ingest → extract → enrich → store, demo content, reader feeds.

Names are imported on first use (`tidings.core.lazy`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tidings.core.lazy import lazy_exports

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


__getattr__ = lazy_exports(__name__, _EXPORTS)

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
