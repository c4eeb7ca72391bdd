"""Fetching sources and parsing feeds and OPML. Imports only `tidings.core`."""

from tidings.ingest.feeds import FeedEntry, ParsedFeed, parse_feed, sniff_kind
from tidings.ingest.fetch import Fetcher, FetchResult, FetchStatusError
from tidings.ingest.opml import OpmlFeed, parse_opml, write_opml
from tidings.ingest.urls import canonical_url, local_path, source_location

__all__ = [
    "FeedEntry",
    "FetchResult",
    "FetchStatusError",
    "Fetcher",
    "OpmlFeed",
    "ParsedFeed",
    "canonical_url",
    "local_path",
    "parse_feed",
    "parse_opml",
    "sniff_kind",
    "source_location",
    "write_opml",
]
