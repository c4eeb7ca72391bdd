"""Orchestration: wires ingest → extract → enrich → store, demo content, reader feeds."""

from tidings.pipeline.demo import (
    DEMO_READER,
    WIKINEWS_NOTICE,
    ensure_demo_reader,
    load_demo,
    wikinews_articles,
)
from tidings.pipeline.feed import reader_feed
from tidings.pipeline.ingestion import (
    Pipeline,
    RefreshSummary,
    SourceResult,
)
from tidings.pipeline.saving import content_hash

__all__ = [
    "DEMO_READER",
    "WIKINEWS_NOTICE",
    "Pipeline",
    "RefreshSummary",
    "SourceResult",
    "content_hash",
    "ensure_demo_reader",
    "load_demo",
    "reader_feed",
    "wikinews_articles",
]
