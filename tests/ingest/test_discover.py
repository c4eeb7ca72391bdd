"""Feed discovery: candidates from a page (pure), then trying them against a real HTTP server
on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support import DATA, FeedServer, make_settings
from tidings.core import IngestError
from tidings.ingest import COMMON_FEED_PATHS, Fetcher, discover_feeds, feed_candidates

FEEDS = DATA / "feeds"

PAGE = """<!doctype html><html><head>
<title>A site</title>
<base href="https://www.site.example/blog/">
<link rel="alternate" type="application/rss+xml" title="Comments Feed" href="comments/feed/">
<link rel="alternate" type="application/rss+xml" title="Posts" href="feed/">
<link rel="alternate" type="application/atom+xml" href="/atom.xml#top">
<link rel="alternate" type="application/feed+json" title="JSON" href="https://www.site.example/feed.json">
<link rel="alternate" type="application/json+oembed" href="/oembed?url=x">
<link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/1">
<link rel="alternate" hreflang="fr" href="/fr/">
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
<link rel="alternate" type="application/rss+xml" href="file:///etc/passwd">
</head><body>
<a href="feed/">RSS</a>
<a href="https://feeds.feedburner.com/SiteExample">FeedBurner</a>
<a href="/category/news/rss.xml">News RSS</a>
<a href="/about/">About</a>
<a href="/posts/why-we-feed-the-birds">Why we feed the birds</a>
</body></html>"""


def test_candidates_from_links_anchors_and_common_paths() -> None:
    found = feed_candidates(PAGE, "https://www.site.example/blog/post-1")
    named = [(c.url, c.title, c.via, c.type) for c in found if c.via != "guess"]
    assert named == [
        ("https://www.site.example/blog/feed/", "Posts", "link", "rss"),
        ("https://www.site.example/atom.xml", None, "link", "atom"),
        ("https://www.site.example/feed.json", "JSON", "link", "json"),
        ("https://www.site.example/blog/comments/feed/", "Comments Feed", "link", "rss"),
        ("https://feeds.feedburner.com/SiteExample", "FeedBurner", "anchor", None),
        ("https://www.site.example/category/news/rss.xml", "News RSS", "anchor", None),
    ]
    guesses = [c.url for c in found if c.via == "guess"]
    # the common paths on the page's own site, minus those already named
    assert guesses == [
        f"https://www.site.example{p}"
        for p in COMMON_FEED_PATHS
        if f"https://www.site.example{p}" not in {n[0] for n in named}
    ]
    assert "https://www.site.example/feed" in guesses
    assert all(c.url.startswith("https://") for c in found)  # no javascript:, no file:
    assert [c.via for c in feed_candidates(PAGE, "https://x.example/", guesses=False)].count(
        "guess"
    ) == 0


def test_candidates_from_odd_input() -> None:
    assert [c.via for c in feed_candidates(b"", "https://e.example/")] == ["guess"] * len(
        COMMON_FEED_PATHS
    )
    assert feed_candidates(b"\x00\xff binary", "file:///tmp/page.html") == []
    local = feed_candidates('<link rel="alternate" type="application/rss+xml" href="feed.xml">',
                            "file:///tmp/site/index.html")  # fmt: skip
    assert local == []  # a local page's relative links would be file: URLs: never offered
    rel_feed = feed_candidates('<link rel="feed" href="/everything">', "http://e.example/a")
    assert (rel_feed[0].url, rel_feed[0].via) == ("http://e.example/everything", "link")


@pytest.fixture
def fetcher(sqlite_url: str) -> Iterator[Fetcher]:
    with Fetcher(make_settings(sqlite_url)) as client:
        yield client


def _page(*links: str, anchors: str = "") -> str:
    heads = "".join(
        f'<link rel="alternate" type="application/rss+xml" title="{t}" href="{h}">'
        for h, t in (link.split("|") for link in links)
    )
    return f"<!doctype html><html><head>{heads}</head><body><p>Hi</p>{anchors}</body></html>"


def test_discovers_advertised_feeds_and_skips_broken_ones(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    feed_server.serve_file("/feed.xml", FEEDS / "guardian.rss", "application/rss+xml")
    feed_server.serve_file("/news.atom", FEEDS / "qemu.atom", "application/atom+xml")
    feed_server.serve("/html-not-feed", "<html><body>no</body></html>", "text/html")
    page = _page("/gone.rss|Gone", "/feed.xml|Main", "/html-not-feed|Fake", "/news.atom|News")
    url = feed_server.serve("/", page, "text/html")
    found = discover_feeds(url, fetcher)
    assert [(f.url, f.title, f.format, f.entries, f.via) for f in found] == [
        (feed_server.url("/feed.xml"), "The Guardian", "rss20", 55, "link"),
        (feed_server.url("/news.atom"), "QEMU", "atom10", 10, "link"),
    ]
    assert feed_server.hits.get("/gone.rss") == 1  # tried, 404, skipped
    assert "/feed" not in feed_server.hits  # common paths are not guessed when the page names feeds


def test_falls_back_to_common_paths_and_follows_anchors(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    feed_server.serve_file("/rss", FEEDS / "heraldsun.rss", "text/xml")
    url = feed_server.serve("/home", _page(), "text/html")
    found = discover_feeds(url, fetcher)
    assert [(f.url, f.title, f.via) for f in found] == [
        (feed_server.url("/rss"), "RSS0.92 Example", "guess")
    ]
    feed_server.serve_file("/podcast/feed.json", FEEDS / "inessential.json", "application/json")
    url = feed_server.serve(
        "/links", _page(anchors='<a href="/podcast/feed.json">JSON feed</a>'), "text/html"
    )
    found = discover_feeds(url, fetcher)
    assert [(f.title, f.format, f.via) for f in found] == [("inessential.com", "json1", "anchor")]


def test_a_feed_url_is_its_own_discovery(feed_server: FeedServer, fetcher: Fetcher) -> None:
    url = feed_server.serve_file("/x.atom", FEEDS / "qemu.atom", "application/atom+xml")
    (found,) = discover_feeds(url, fetcher)
    assert (found.url, found.via, found.entries) == (url, "self", 10)


def test_unfetchable_page_and_local_links(
    feed_server: FeedServer, fetcher: Fetcher, tmp_path: Path
) -> None:
    with pytest.raises(IngestError, match="404"):
        discover_feeds(feed_server.url("/missing"), fetcher)
    secret = tmp_path / "secret.rss"
    secret.write_bytes((FEEDS / "heraldsun.rss").read_bytes())
    page = _page(f"{secret.as_uri()}|Local")
    url = feed_server.serve("/evil", page, "text/html")
    found = discover_feeds(url, fetcher, limit=3)
    assert found == []  # the file: link is never fetched, and the guesses 404
    assert sum(feed_server.hits.get(p, 0) for p in COMMON_FEED_PATHS) == 3  # limit respected
