"""Feed discovery: given a site's page, find its feeds.

`feed_candidates` is pure: from a page's HTML and URL it lists the feed URLs the page
advertises (`<link rel="alternate" type="application/rss+xml" ...>`), the links in its body
that look like feeds, and the paths where sites usually keep them (/feed, /rss, /atom.xml ...).
`discover_feeds` fetches candidates in that order and keeps those that parse as feeds."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree
from lxml import html as lxml_html

from tidings.core import IngestError, SourceKind
from tidings.ingest._model import ParsedFeed
from tidings.ingest.feeds import parse_feed, sniff_kind
from tidings.ingest.fetch import FetchResult

__all__ = [
    "COMMON_FEED_PATHS",
    "DiscoveredFeed",
    "FeedCandidate",
    "discover_feeds",
    "feed_candidates",
]

log = logging.getLogger(__name__)

COMMON_FEED_PATHS = (
    "/feed",
    "/rss",
    "/feed.xml",
    "/atom.xml",
    "/rss.xml",
    "/index.xml",
    "/feed.json",
    "/feeds/posts/default",
)
_FEED_TYPES = {
    "application/rss+xml": "rss",
    "application/atom+xml": "atom",
    "application/rdf+xml": "rdf",
    "application/feed+json": "json",
    "application/json": "json",  # only when the URL says feed (see feed_candidates)
    "application/x.atom+xml": "atom",
    "application/x-atom+xml": "atom",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/rss": "rss",
}
_FEEDISH_PATH = re.compile(
    r"(?:/(?:feed|feeds|rss|atom)(?:/[\w-]*)?/?$|\.(?:rss|atom|rdf)$|/(?:feed|rss|atom|index)"
    r"\.(?:xml|json)$|/feeds/posts/default)",
    re.I,
)
_FEEDISH_HOST = re.compile(r"^(?:feeds?\.|.*\.feedburner\.com$|feedburner\.)", re.I)


@dataclass(frozen=True, slots=True)
class FeedCandidate:
    url: str
    title: str | None
    via: str  # "link" (<link rel=alternate>), "anchor" (<a href> in the page) or "guess"
    type: str | None = None  # rss, atom, rdf, json, xml (from the link's type), if known


@dataclass(frozen=True, slots=True)
class DiscoveredFeed:
    url: str  # the URL the feed was fetched from (after redirects)
    title: str | None
    format: str
    entries: int
    via: str


class _Fetches(Protocol):
    def fetch(self, url: str) -> FetchResult: ...


def _web(base: str, href: str | None) -> str | None:
    if not href or not href.strip():
        return None
    try:
        url = urljoin(base, href.strip())
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None  # never file:, javascript: or data: — a page must not make us read files
    return urlunsplit(parts._replace(fragment=""))


def feed_candidates(
    page: bytes | str, page_url: str, *, guesses: bool = True
) -> list[FeedCandidate]:
    """Candidate feed URLs for a page, best first, without fetching anything.

    Advertised feeds come first (comment feeds last among them), then feed-looking links in
    the page, then the common paths on the page's site (with `guesses`). Only http(s) URLs
    are returned, so relative links on a local file give none."""
    out: dict[str, FeedCandidate] = {}
    tree = _parse_html(page)
    base = page_url
    if tree is not None:
        base_href = next(iter(tree.xpath("//base/@href")), None)
        if isinstance(base_href, str) and (resolved := _web(page_url, base_href)):
            base = resolved
        advertised: list[FeedCandidate] = []
        for link in tree.xpath("//link[@href]"):
            rels = {r.lower() for r in str(link.get("rel", "")).split()}
            mime = str(link.get("type", "")).split(";")[0].strip().lower()
            kind = _FEED_TYPES.get(mime)
            href = str(link.get("href"))
            if mime == "application/json" and "feed" not in href.lower():
                kind = None  # plain JSON alternates are oEmbed and API documents
            if not (("alternate" in rels and kind) or "feed" in rels):
                continue
            url = _web(base, href)
            if url:
                title = " ".join(str(link.get("title") or "").split()) or None
                advertised.append(FeedCandidate(url, title, "link", kind))
        advertised.sort(key=lambda c: "comment" in (c.title or "").lower())
        for candidate in advertised:
            out.setdefault(candidate.url, candidate)
        for anchor in tree.xpath("//a[@href]"):
            url = _web(base, anchor.get("href"))
            if url is None or url in out or not _looks_like_feed(url):
                continue
            text = " ".join(anchor.text_content().split()) or None
            out[url] = FeedCandidate(url, text, "anchor", None)
    if guesses:
        parts = urlsplit(page_url)
        if parts.scheme in ("http", "https") and parts.hostname:
            for path in COMMON_FEED_PATHS:
                url = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
                out.setdefault(url, FeedCandidate(url, None, "guess", None))
    return list(out.values())


def _parse_html(page: bytes | str) -> etree._Element | None:
    if isinstance(page, str):
        page = page.encode("utf-8", errors="replace")
    if not page.strip():
        return None
    try:
        parser = lxml_html.HTMLParser(no_network=True, remove_comments=True)
        root = lxml_html.document_fromstring(page[:4_000_000], parser=parser)
    except (etree.ParserError, ValueError):
        return None
    return root if isinstance(root, etree._Element) else None


def _looks_like_feed(url: str) -> bool:
    parts = urlsplit(url)
    if _FEEDISH_HOST.match(parts.hostname or ""):
        return True
    return bool(_FEEDISH_PATH.search(parts.path)) or "format=rss" in parts.query.lower()


def discover_feeds(
    url: str, fetcher: _Fetches, *, limit: int = 12, all_candidates: bool = False
) -> list[DiscoveredFeed]:
    """Fetch `url`; when it is a feed, return it; otherwise try its feed candidates (at most
    `limit` fetches) and return those that parse as feeds with at least a title or an entry.

    Common-path guesses are tried only when nothing the page names is a feed (or always, with
    `all_candidates`). Raises IngestError when the page itself cannot be fetched."""
    page = fetcher.fetch(url)
    feed = _as_feed(page)
    if feed is not None:
        return [_found(page.url, feed, "self")]
    candidates = feed_candidates(page.content, page.url)
    found: list[DiscoveredFeed] = []
    seen: set[str] = {page.url}
    tried = 0
    for stage in ("named", "guess"):
        if stage == "guess" and found and not all_candidates:
            break
        for candidate in candidates:
            if (candidate.via == "guess") != (stage == "guess") or candidate.url in seen:
                continue
            if tried >= limit:
                break
            tried += 1
            seen.add(candidate.url)
            try:
                result = fetcher.fetch(candidate.url)
            except IngestError as exc:
                log.debug("feed candidate %s: %s", candidate.url, exc.message)
                continue
            if result.url in {f.url for f in found}:
                continue
            feed = _as_feed(result)
            if feed is not None:
                found.append(_found(result.url, feed, candidate.via, candidate.title))
    return found


def _as_feed(result: FetchResult) -> ParsedFeed | None:
    if result.not_modified or not result.content:
        return None
    if sniff_kind(result.content, result.url, result.content_type) is not SourceKind.FEED:
        return None
    try:
        feed = parse_feed(result.content, result.url, result.content_type)
    except IngestError:
        return None
    return feed if (feed.title or feed.entries) else None


def _found(url: str, feed: ParsedFeed, via: str, hint: str | None = None) -> DiscoveredFeed:
    return DiscoveredFeed(
        url=url, title=feed.title or hint, format=feed.format, entries=len(feed.entries), via=via
    )
