"""Feed parsing, kind sniffing, OPML in and out, canonical URLs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from support import DATA, SHARED
from tidings.core import IngestError, InvalidInputError, SourceKind
from tidings.ingest import (
    canonical_url,
    parse_feed,
    parse_opml,
    sniff_kind,
    source_location,
    write_opml,
)

FEEDS = DATA / "feeds"


def test_rss_atom_and_json_feed() -> None:
    rss = parse_feed((FEEDS / "guardian.rss").read_bytes(), "https://www.theguardian.com/rss")
    assert rss.format == "rss20" and rss.title == "The Guardian" and len(rss.entries) == 55
    first = rss.entries[0]
    assert first.title.startswith("Trump State of the Union")
    assert first.link and first.link.startswith("https://www.theguardian.com/")
    assert first.published is not None and first.published.tzinfo is not None

    atom = parse_feed((FEEDS / "qemu.atom").read_bytes(), "https://www.qemu.org/feed.xml")
    assert atom.format == "atom10" and atom.title == "QEMU"
    # relative links are resolved against the feed's URL
    assert all(e.link and e.link.startswith("https://www.qemu.org/") for e in atom.entries)

    js = parse_feed(
        (FEEDS / "npr-technology.json").read_bytes(), "https://feeds.npr.org/1019/feed.json"
    )
    assert js.format == "json1" and js.title == "Technology" and len(js.entries) == 25
    assert js.entries[0].title == "Keller Rinaudo: How can delivery drones save lives?"
    assert js.entries[0].published is not None


def test_json_feed_1_1_with_authors_and_relative_urls() -> None:
    doc = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "T", '
        b'"feed_url": "https://example.com/feed.json", "items": ['
        b'{"id": 1, "url": "/a", "title": "A", "content_text": "One.\\n\\nTwo.", '
        b'"authors": [{"name": "Ann"}], "tags": ["x"], "date_published": "2021-08-17T03:00:00Z"},'
        b'{"id": "2", "content_html": "<p>No title here at all</p>"}, 42]}'
    )
    feed = parse_feed(doc, "https://example.com/feed.json")
    assert feed.format == "json11"
    a, b = feed.entries
    assert (a.link, a.guid, a.author, a.tags) == ("https://example.com/a", "1", "Ann", ("x",))
    assert a.content_html == "<p>One.</p><p>Two.</p>"
    assert b.title == "No title here at all"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"<html><body>hi</body></html>",
        b"{not json",
        b'{"version": "nope", "items": []}',
        b"\x00\xff\xfe",
    ],
)
def test_unreadable_feeds_raise_a_clear_error(content: bytes) -> None:
    with pytest.raises(IngestError, match=r"(not a readable|not a JSON Feed)"):
        parse_feed(content, "https://example.com/feed")


def test_sniff_kind() -> None:
    assert sniff_kind((FEEDS / "guardian.rss").read_bytes()) is SourceKind.FEED
    assert sniff_kind((FEEDS / "npr-technology.json").read_bytes()) is SourceKind.FEED
    assert sniff_kind(b"<!DOCTYPE html><html><p>x</p></html>") is SourceKind.PAGE
    assert sniff_kind(b"Headline\n\nSome text of a page") is SourceKind.TEXT


def test_lenient_opml_import_with_raw_ampersands_and_folders() -> None:
    folder = SHARED / "feeds-and-opml" / "awesome-rss-feeds" / "recommended" / "with_category"
    broken = []
    for path in sorted(folder.glob("*.opml")):
        try:
            etree.fromstring(path.read_bytes())
        except etree.XMLSyntaxError:
            broken.append(path)
    assert broken, "expected real-world OPML files that are not well-formed XML"
    with_amp = False
    for path in broken:
        feeds = parse_opml(path.read_bytes())
        raw = path.read_text(encoding="utf-8")
        assert len(feeds) == len(set(re.findall(r'xmlUrl="([^"]*)"', raw))), path.name
        assert all(f.folder for f in feeds), path.name
        with_amp = with_amp or any("&" in f.url for f in feeds)
    assert with_amp


def test_nested_folders_survive_export_and_reimport() -> None:
    opml = b"""<?xml version="1.0"?><opml version="1.0"><head/><body>
      <outline text="News"><outline text="World">
        <outline text="BBC" xmlUrl="http://feeds.bbci.co.uk/news/world/rss.xml?a=1&b=2"/>
      </outline></outline>
      <outline text="Loose" type="rss" xmlUrl="https://example.com/feed"/>
    </body></opml>"""
    feeds = parse_opml(opml)
    assert [(f.url, f.folder, f.title) for f in feeds] == [
        ("http://feeds.bbci.co.uk/news/world/rss.xml?a=1&b=2", "News/World", "BBC"),
        ("https://example.com/feed", None, "Loose"),
    ]
    out = write_opml(feeds)
    root = etree.fromstring(out.encode())
    assert root.get("version") == "2.0"
    assert sorted(parse_opml(out.encode()), key=lambda f: f.url) == sorted(
        feeds, key=lambda f: f.url
    )


def test_opml_errors() -> None:
    with pytest.raises(InvalidInputError):
        parse_opml(b"<rss><channel/></rss>")
    with pytest.raises(InvalidInputError):
        parse_opml(b"")


def test_canonical_url() -> None:
    assert (
        canonical_url("HTTPS://Example.COM:443/a/b?utm_source=x&b=2&a=1&fbclid=z#frag")
        == "https://example.com/a/b?a=1&b=2"
    )
    assert canonical_url("http://example.com") == "http://example.com/"
    assert canonical_url("http://example.com:8080/x") == "http://example.com:8080/x"


def test_source_location(tmp_path: Path) -> None:
    f = tmp_path / "page.txt"
    f.write_text("x")
    assert source_location(str(f)) == f.resolve().as_uri()
    assert source_location("https://example.com/feed") == "https://example.com/feed"
    for bad in ("", "ftp://x/y", "http://", str(tmp_path / "missing.txt"), str(tmp_path)):
        with pytest.raises(InvalidInputError):
            source_location(bad)
