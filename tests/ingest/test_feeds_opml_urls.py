"""Feed parsing, kind sniffing, OPML in and out, canonical URLs."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from support import DATA, SHARED, require
from tidings.core import IngestError, InvalidInputError, SourceKind
from tidings.ingest import (
    FeedEntry,
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
    with pytest.raises(IngestError, match=r"(not a readable|not a JSON Feed|not a feed)"):
        parse_feed(content, "https://example.com/feed")


# -- formats and edge cases, hand-made ---------------------------------------------------

RSS_091 = b"""<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
  "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old News</title><link>http://old.example/</link>
<item><title>Caf\xe9 opens</title><link>http://old.example/cafe</link>
<description>A caf\xe9.</description></item></channel></rss>"""

ATOM_03 = b"""<?xml version="1.0" encoding="utf-8"?>
<feed version="0.3" xmlns="http://purl.org/atom/ns#" xml:base="http://atom03.example/blog/">
  <title>Atom Zero Three</title><link rel="alternate" type="text/html" href="/"/>
  <author><name>Feed Author</name></author>
  <entry><title>First post</title><link rel="alternate" type="text/html" href="posts/1"/>
    <id>tag:atom03.example,2005:1</id><issued>2005-07-31T12:29:29Z</issued>
    <modified>2005-08-01T08:00:00-04:00</modified><summary>Hello.</summary></entry>
</feed>"""


def test_rss_0_91_and_atom_0_3() -> None:
    old = parse_feed(RSS_091, "http://old.example/rss")
    assert (old.format, old.title) == ("rss091n", "Old News")
    assert [(e.title, e.link, e.guid) for e in old.entries] == [
        ("Café opens", "http://old.example/cafe", "http://old.example/cafe")
    ]
    atom = parse_feed(ATOM_03, "http://atom03.example/feed")
    assert (atom.format, atom.title, atom.site_url) == (
        "atom03",
        "Atom Zero Three",
        "http://atom03.example/",
    )
    (entry,) = atom.entries
    assert entry.link == "http://atom03.example/blog/posts/1"  # xml:base, then relative
    assert entry.author == "Feed Author"  # inherited from the feed
    assert entry.published == datetime(2005, 7, 31, 12, 29, 29, tzinfo=UTC)


def test_xml_base_on_entries_and_relative_media() -> None:
    doc = b"""<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">
      <title>Based</title>
      <entry xml:base="https://cdn.example/2024/"><title>One</title><link href="one.html"/>
        <id>1</id><media:thumbnail url="img/one.jpg"/><updated>2024-01-02T03:04:05Z</updated>
      </entry>
      <entry><title>Two</title><link href="/two.html"/><id>2</id>
        <link rel="enclosure" type="image/png" href="two.png"/></entry>
      <entry><title>Three</title><link href="javascript:alert(1)"/><id>3</id></entry>
    </feed>"""
    one, two, three = parse_feed(doc, "https://site.example/feeds/atom.xml").entries
    assert one.link == "https://cdn.example/2024/one.html"
    assert one.image_url == "https://cdn.example/2024/img/one.jpg"
    assert two.link == "https://site.example/two.html"
    assert two.image_url == "https://site.example/feeds/two.png"
    assert three.link is None  # never a javascript: link


def test_dates_without_zones_and_in_other_languages_are_utc() -> None:
    items = "".join(
        f"<item><title>T{i}</title><link>http://d.example/{i}</link><pubDate>{d}</pubDate></item>"
        for i, d in enumerate(
            [
                "Mon, 07 Jan 2019 17:19:19",  # RFC 822 without a zone
                "2019-01-07T17:19:19",  # ISO without a zone
                "2019/1/7 17:19:19",
                "Seg, 07 Jan 2019 17:19:19 -0200",  # Portuguese weekday
                "Montag, 07. Januar 2019",
                "not a date",
            ]
        )
    )
    doc = f'<rss version="2.0"><channel><title>D</title>{items}</channel></rss>'.encode()
    dates = [e.published for e in parse_feed(doc, "http://d.example/rss").entries]
    utc = datetime(2019, 1, 7, 17, 19, 19, tzinfo=UTC)
    assert dates == [
        utc,
        utc,
        utc,
        datetime(2019, 1, 7, 19, 19, 19, tzinfo=UTC),
        datetime(2019, 1, 7, tzinfo=UTC),
        None,
    ]
    assert all(d is None or d.tzinfo is UTC for d in dates)


def test_entries_without_guid_or_link_get_a_stable_synthetic_guid() -> None:
    doc = b"""<rss version="2.0"><channel><title>G</title>
      <item><title>No id</title><description>Body one.</description>
        <pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate></item>
      <item><title>No id</title><description>Body two.</description></item>
      <item><description>Only a description, which becomes the title</description></item>
    </channel></rss>"""
    first = parse_feed(doc, "http://g.example/rss").entries
    again = parse_feed(doc, "http://g.example/rss").entries
    guids = [e.guid for e in first]
    assert guids == [e.guid for e in again]  # stable across fetches
    assert len(set(guids)) == 3 and all(g.startswith("urn:sha1:") for g in guids)
    assert first[2].title == "Only a description, which becomes the title"


def test_wrong_declared_charsets() -> None:
    body = (
        '<rss version="2.0"><channel><title>Notícias</title><item><title>São Paulo “hoje”</title>'
        "<link>http://e.example/a</link></item></channel></rss>"
    )
    # header and declaration say UTF-8, the bytes are windows-1252
    latin = ('<?xml version="1.0" encoding="utf-8"?>' + body).encode("cp1252")
    feed = parse_feed(latin, "http://e.example/rss", "application/rss+xml; charset=utf-8")
    assert (feed.title, feed.entries[0].title) == ("Notícias", "São Paulo “hoje”")
    # header says ISO-8859-1, the bytes are UTF-8: valid UTF-8 wins
    utf8 = ('<?xml version="1.0" encoding="iso-8859-1"?>' + body).encode("utf-8")
    feed = parse_feed(utf8, "http://e.example/rss", "text/xml; charset=ISO-8859-1")
    assert (feed.title, feed.entries[0].title) == ("Notícias", "São Paulo “hoje”")
    # UTF-16 with a byte-order mark, and UTF-8 with a stray invalid byte
    wide = ('<?xml version="1.0" encoding="utf-16"?>' + body).encode("utf-16")
    assert parse_feed(wide, "http://e.example/rss").entries[0].title == "São Paulo “hoje”"
    stray = ('<?xml version="1.0" encoding="utf-8"?>' + body).encode().replace(b"hoje", b"ho\xffje")
    assert parse_feed(stray, "http://e.example/rss").title == "Notícias"
    # whitespace before the XML declaration
    spaced = b"\n\n  " + ('<?xml version="1.0" encoding="utf-8"?>' + body).encode()
    assert parse_feed(spaced, "http://e.example/rss").format == "rss20"


def test_hostile_xml_never_expands_or_reads_files(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY leak "DTD-SECRET-MARKER">')
    item = "<item><title>A &{ref};</title><link>http://h.example/a</link></item>"
    lol = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10)
    )
    docs = {
        "xxe": (f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>', "xxe"),
        "xxe-multiline": (f'<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "{secret.as_uri()}">\n]>', "xxe"),
        "parameter": (f'<!DOCTYPE rss [<!ENTITY % p SYSTEM "{secret.as_uri()}"> %p;]>', "amp"),
        "external-dtd": (f'<!DOCTYPE rss SYSTEM "{dtd.as_uri()}">', "leak"),
        "billion-laughs": (f"<!DOCTYPE rss [{lol}]>", "lol9"),
        "billion-laughs-multiline": ("<!DOCTYPE rss [\n" + lol.replace(">", ">\n") + "]>", "lol9"),
        "unterminated": ('<!DOCTYPE rss [<!ENTITY a "aaaa">', "a"),
    }
    for name, (doctype, ref) in docs.items():
        doc = f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><title>H</title>'
        doc += item.format(ref=ref) + "</channel></rss>"
        feed = parse_feed(doc.encode(), "http://h.example/rss")
        (entry,) = feed.entries
        assert "SECRET" not in entry.title, name
        assert "lollol" not in entry.title and len(entry.title) < 40, name
        assert entry.link == "http://h.example/a", name


def test_json_feed_edge_cases() -> None:
    def parse(doc: object) -> list[FeedEntry]:
        return list(parse_feed(json.dumps(doc).encode(), "https://j.example/feed.json").entries)

    base = {"version": "https://jsonfeed.org/version/1.1", "title": "J"}
    (inherited,) = parse(
        {**base, "authors": [{"name": "Feed Person"}], "items": [{"id": 7, "content_text": "x"}]}
    )
    assert (inherited.author, inherited.guid, inherited.title) == ("Feed Person", "7", "x")
    (legacy,) = parse({**base, "items": [{"title": "A &amp; B", "author": {"name": "Old"},
                                           "url": "p/1", "date_published": "2024-05-06"}]})  # fmt: skip
    assert (legacy.title, legacy.author, legacy.link) == ("A & B", "Old", "https://j.example/p/1")
    assert legacy.published == datetime(2024, 5, 6, tzinfo=UTC)
    (no_id,) = parse({**base, "items": [{"title": "No id or url", "content_html": "<p>x</p>"}]})
    assert no_id.guid.startswith("urn:sha1:") and no_id.link is None
    assert (
        parse({**base, "items": [{"id": "1"}, "junk", {"title": "kept", "url": "data:x"}]})[0].link
        is None
    )
    deep = b'{"version": "https://jsonfeed.org/version/1", "items": ' + b"[" * 100_000
    with pytest.raises(IngestError, match="not a readable JSON Feed"):
        parse_feed(deep, "https://j.example/feed.json")


def test_sniff_kind() -> None:
    assert sniff_kind((FEEDS / "guardian.rss").read_bytes()) is SourceKind.FEED
    assert sniff_kind((FEEDS / "npr-technology.json").read_bytes()) is SourceKind.FEED
    assert sniff_kind(b"<!DOCTYPE html><html><p>x</p></html>") is SourceKind.PAGE
    assert sniff_kind(b"Headline\n\nSome text of a page") is SourceKind.TEXT


def test_lenient_opml_import_with_raw_ampersands_and_folders() -> None:
    folder = SHARED / "feeds-and-opml" / "awesome-rss-feeds" / "recommended" / "with_category"
    require(folder.is_dir(), f"shared OPML files not available at {folder}")
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


def test_relative_links_inside_item_html_are_made_absolute_against_the_item_base() -> None:
    feed = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example.org/posts/">
<title>Blog</title><id>urn:blog</id><updated>2026-11-01T10:00:00Z</updated>
<entry><title>One</title><id>urn:1</id><updated>2026-11-01T10:00:00Z</updated>
<link href="one.html"/>
<content type="html">&lt;p&gt;See &lt;a href="two.html"&gt;two&lt;/a&gt;, &lt;a href="/about"&gt;about&lt;/a&gt;,
 &lt;a href="https://other.example/x"&gt;x&lt;/a&gt; and &lt;a href="#n"&gt;a note&lt;/a&gt;.
 &lt;img src="../img/pic.png"&gt;&lt;/p&gt;</content></entry>
</feed>"""
    entry = parse_feed(feed, "https://blog.example.org/feed.atom").entries[0]
    assert entry.link == "https://blog.example.org/posts/one.html"
    html = entry.content_html or ""
    assert 'href="https://blog.example.org/posts/two.html"' in html
    assert 'href="https://blog.example.org/about"' in html
    assert 'href="https://other.example/x"' in html
    assert 'href="https://blog.example.org/posts/#n"' in html  # resolved like any reference
    assert 'src="https://blog.example.org/img/pic.png"' in html
