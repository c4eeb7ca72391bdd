"""Fetching sources and parsing feeds and OPML. Imports only `tidings.core`."""

from tidings.ingest.discover import (
    COMMON_FEED_PATHS,
    DiscoveredFeed,
    FeedCandidate,
    discover_feeds,
    feed_candidates,
)
from tidings.ingest.feeds import FeedEntry, ParsedFeed, parse_feed, sniff_kind
from tidings.ingest.fetch import Fetcher, FetchResult, FetchStatusError
from tidings.ingest.guard import AddressGuard, AddressRefused, parse_ip
from tidings.ingest.opml import OpmlFeed, OpmlImport, OpmlProblem, parse_opml, read_opml, write_opml
from tidings.ingest.urls import canonical_url, local_path, source_location

__all__ = [
    "COMMON_FEED_PATHS",
    "AddressGuard",
    "AddressRefused",
    "DiscoveredFeed",
    "FeedCandidate",
    "FeedEntry",
    "FetchResult",
    "FetchStatusError",
    "Fetcher",
    "OpmlFeed",
    "OpmlImport",
    "OpmlProblem",
    "ParsedFeed",
    "canonical_url",
    "discover_feeds",
    "feed_candidates",
    "local_path",
    "parse_feed",
    "parse_ip",
    "parse_opml",
    "read_opml",
    "sniff_kind",
    "source_location",
    "write_opml",
]
