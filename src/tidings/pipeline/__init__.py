"""Orchestration: wires ingest → extract → enrich → store, demo content, reader feeds."""

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
from tidings.pipeline.ingestion import (
    Pipeline,
    RefreshSummary,
    SourceResult,
)
from tidings.pipeline.saving import ArticleSaver, content_hash

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
