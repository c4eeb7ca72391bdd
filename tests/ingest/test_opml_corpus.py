"""OPML over the real corpus: every subscription list under ../shared/data/feeds-and-opml
imports with a feed count checked against the file itself; folders survive export (OPML 2.0,
parsed back strictly) and re-import; errors name the file and the line."""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from support import SHARED, require
from tidings.core import InvalidInputError
from tidings.ingest import OpmlFeed, parse_opml, read_opml, write_opml

CORPUS = SHARED / "feeds-and-opml"


@pytest.fixture(scope="module")
def corpus() -> Path:
    require(CORPUS.is_dir(), f"shared feed corpus not available at {CORPUS}")
    return CORPUS


def _raw_urls(path: Path) -> list[str]:
    """xmlUrl values read with a plain regular expression, independent of the importer."""
    return re.findall(r'xmlUrl="([^"]*)"', path.read_text(encoding="utf-8"))


def _strict_tree(data: bytes | str) -> etree._Element:
    raw = data.encode() if isinstance(data, str) else data
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=False)
    return etree.fromstring(raw, parser)


def test_every_opml_file_imports(corpus: Path) -> None:
    files = sorted(corpus.rglob("*.opml"))
    assert len(files) == 118 + 1 + 3
    for path in files:
        result = read_opml(path.read_bytes(), path.name)
        raw = _raw_urls(path)
        assert result.outlines == len(raw), path
        assert [f.url for f in result.feeds] == list(dict.fromkeys(raw)), path
        assert all(f.line and f.line >= 1 for f in result.feeds)
        text = path.read_text(encoding="utf-8")
        starts = [0] + [m.end() for m in re.finditer("\n", text)]
        for feed in result.feeds:  # each feed names the line its <outline> starts on
            assert feed.line is not None
            outline = text[starts[feed.line - 1] :].split("<outline", 2)[1]
            assert 'xmlUrl="' + feed.url in outline.replace("&amp;", "&"), (path, feed.line)


def test_awesome_rss_feeds_counts_and_categories(corpus: Path) -> None:
    root = corpus / "awesome-rss-feeds"
    files = sorted(root.rglob("*.opml"))
    assert len(files) == 118
    total = 0
    lenient = 0
    for path in files:
        result = read_opml(path.read_bytes(), path.name)
        text = path.read_text(encoding="utf-8")
        total += len(result.feeds)
        lenient += result.lenient
        if path.parent.name == "with_category":
            # one category folder per file: the first outline's text ("/" in a folder name
            # is kept as "∕", since "/" separates nested folders)
            category = re.search(r'<outline text="([^"]*)"', text)
            assert category is not None
            assert result.folders == (category.group(1).replace("/", "\u2215"),), path
            assert all(f.folder == result.folders[0] for f in result.feeds)
        else:
            assert result.folders == (), path
        # Canada.opml has one outline with empty text and title
        assert sum(f.title is None for f in result.feeds) == text.count('text="" title=""')
    assert total == 1572  # SOURCE.md: 1,572 feed outlines, all distinct within their file
    # 80 files have raw "&" in URLs (repaired, then parsed strictly); the 22 with raw "<" or
    # '"' inside attribute values are read by the tolerant scanner
    assert lenient == 22


def test_lenient_reading_keeps_titles_with_raw_quotes_and_markup(corpus: Path) -> None:
    russia = corpus / "awesome-rss-feeds" / "countries" / "with_category" / "Russia.opml"
    result = read_opml(russia.read_bytes(), russia.name)
    assert result.lenient and result.problems[0].line == 20
    assert "attributes construct error" in result.problems[0].message
    titles = {f.title for f in result.feeds}
    assert 'Газета "Коммерсантъ". Главное' in titles
    android = (
        corpus
        / "awesome-rss-feeds"
        / "recommended"
        / "with_category"
        / ("Android Development.opml")
    )
    feeds = parse_opml(android.read_bytes())
    saket = next(f for f in feeds if f.title == "Saket Narayan")
    assert (saket.url, saket.folder, saket.line) == (
        "https://saket.me/feed/",
        "Android Development",
        32,
    )
    assert len(feeds) == 32


def test_engineering_blogs_duplicates_are_reported_with_lines(corpus: Path) -> None:
    path = corpus / "engineering-blogs" / "engineering_blogs.opml"
    result = read_opml(path.read_bytes(), path.name)
    assert (result.outlines, len(result.feeds), result.lenient) == (422, 420, False)
    assert result.folders == ("Engineering Blogs",)
    assert [(p.line, p.message) for p in result.problems] == [
        (66, "duplicate of the feed on line 65: https://engineering.fb.com/feed/"),
        (92, "duplicate of the feed on line 64: https://medium.com/feed/expedia-group-tech"),
    ]


def test_netnewswire_subscriptions_keep_their_folders(corpus: Path) -> None:
    subs = corpus / "netnewswire" / "Subs.opml"
    result = read_opml(subs.read_bytes(), subs.name)
    assert (len(result.feeds), result.folders) == (
        207,
        ("Programming", "Macintosh", "Weblogs", "Writers"),
    )
    body = _strict_tree(subs.read_bytes()).find("body")
    assert body is not None
    for folder in body.findall("outline"):
        if folder.get("xmlUrl") is None:
            inside = [o.get("xmlUrl") for o in folder.iter("outline") if o.get("xmlUrl")]
            assert [f.url for f in result.feeds if f.folder == folder.get("text")] == inside
    # the same list without title attributes: titles come from text
    bare = corpus / "netnewswire" / "SubsNoTitleAttributes.opml"
    assert parse_opml(bare.read_bytes()) == list(result.feeds)
    defaults = parse_opml((corpus / "netnewswire" / "DefaultFeeds.opml").read_bytes())
    assert len(defaults) == 10 and all(f.folder is None for f in defaults)


@pytest.mark.parametrize(
    "relative",
    [
        "netnewswire/Subs.opml",
        "engineering-blogs/engineering_blogs.opml",
        "awesome-rss-feeds/recommended/with_category/Business & Economy.opml",
        "awesome-rss-feeds/countries/with_category/Russia.opml",
    ],
)
def test_export_is_valid_opml_2_and_round_trips(corpus: Path, relative: str) -> None:
    feeds = parse_opml((corpus / relative).read_bytes())
    exported = write_opml(feeds, title="Export & test")
    root = _strict_tree(exported)  # well-formed: a strict parser accepts it
    assert (root.tag, root.get("version")) == ("opml", "2.0")
    assert root.findtext("head/title") == "Export & test"
    created = root.findtext("head/dateCreated")
    assert created and parsedate_to_datetime(created).tzinfo is not None
    for outline in root.iter("outline"):
        assert outline.get("text")  # OPML 2.0: every outline has text
        if outline.get("xmlUrl"):
            assert outline.get("type") == "rss" and len(outline) == 0
        else:
            assert len(outline) > 0  # a folder
    again = parse_opml(exported.encode())
    key = [(f.url, f.title, f.folder, f.site_url) for f in feeds]
    assert sorted(key, key=str) == sorted(
        [(f.url, f.title, f.folder, f.site_url) for f in again], key=str
    )


def test_errors_name_the_file_and_line() -> None:
    cases = {
        b"": "feeds.opml:1: empty file, not an OPML document",
        b'<?xml version="1.0"?>\n\n<rss version="2.0"><channel/></rss>': (
            "feeds.opml:3: not an OPML document: the root element is <rss>"
        ),
        b'<?xml version="1.0"?>\n<opml version="2.0">\n<head/>\n</opml>': (
            "feeds.opml:2: OPML document has no <body>"
        ),
        b"<html>\n<body>\n<p>hello & goodbye <b></p>\n</html>": (
            "feeds.opml:3: not an OPML document (no <opml> element"
        ),
    }
    for content, message in cases.items():
        with pytest.raises(InvalidInputError) as caught:
            read_opml(content, "feeds.opml")
        assert caught.value.message.startswith(message), caught.value.message


def test_problem_outlines_are_skipped_with_their_lines() -> None:
    doc = b"""<?xml version="1.0"?>
<opml version="1.0"><head><title>t</title></head><body>
<outline text="Podcasts/Radio">
  <outline text="A" type="rss" xmlUrl="feed://a.example/rss"/>
  <outline text="B" type="rss" xmlUrl="feed:https://b.example/atom"/>
  <outline text="C" type="rss" xmlUrl="javascript:alert(1)"/>
  <outline text="D" type="rss" xmlUrl="/relative/feed"/>
  <outline text="E" type="rss"/>
  <outline text="F" type="rss" xmlUrl="http://a.example/rss"/>
  <outline text="G &nbsp;&amp; H" type="rss" xmlUrl="https://g.example/?a=1&b=2"/>
</outline>
</body></opml>"""
    result = read_opml(doc, "mixed.opml")
    assert [(f.url, f.title, f.folder, f.line) for f in result.feeds] == [
        ("http://a.example/rss", "A", "Podcasts∕Radio", 4),
        ("https://b.example/atom", "B", "Podcasts∕Radio", 5),
        ("https://g.example/?a=1&b=2", "G & H", "Podcasts∕Radio", 10),
    ]
    assert [(p.line, p.message) for p in result.problems] == [
        (6, "skipped 'C': 'javascript:alert(1)' is not an http(s) URL"),
        (7, "skipped 'D': '/relative/feed' is not an http(s) URL"),
        (8, "skipped 'E': type rss but no xmlUrl"),
        (9, "duplicate of the feed on line 4: http://a.example/rss"),
    ]
    assert result.outlines == 6


def test_hostile_opml_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("OPML-SECRET")
    doc = f"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY xxe SYSTEM "{secret.as_uri()}"><!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<opml version="2.0"><head/><body>
<outline text="x &xxe; &c;" xmlUrl="https://x.example/feed"/>
</body></opml>""".encode()
    (feed,) = parse_opml(doc)
    assert feed.url == "https://x.example/feed" and feed.line == 5
    assert "OPML-SECRET" not in (feed.title or "") and "aaaa" not in (feed.title or "")


def test_export_escapes_and_nests(tmp_path: Path) -> None:
    feeds = [
        OpmlFeed("https://a.example/rss?x=1&y=<2>", 'A "quoted" & <b>', None, "News/World"),
        OpmlFeed("https://b.example/rss", None, "https://b.example/", "News"),
        OpmlFeed("https://c.example/rss", "Ctrl\x01char", None, None),
    ]
    root = _strict_tree(write_opml(feeds))
    news = root.find("body/outline[@text='News']")
    assert news is not None and news.find("outline[@text='World']/outline") is not None
    assert parse_opml(write_opml(feeds).encode()) == [
        OpmlFeed("https://c.example/rss", "Ctrlchar", None, None),
        OpmlFeed("https://b.example/rss", None, "https://b.example/", "News"),
        OpmlFeed("https://a.example/rss?x=1&y=<2>", 'A "quoted" & <b>', None, "News/World"),
    ]


_OPML_SEED = b"""<?xml version="1.0"?>
<opml version="1.0"><head><title>t</title></head><body>
<outline text="News &amp; more" title="News"><outline text="A" xmlUrl="https://a.example/rss?x=1&y=2"/>
<outline text='B "quoted"' xmlUrl="http://b.example/feed" htmlUrl="http://b.example/"/></outline>
<!-- a comment <outline xmlUrl="http://c.example/"/> -->
<outline text="C" type="rss" xmlUrl="feed://c.example/atom"></outline>
</body></opml>"""


@settings(max_examples=200, deadline=None)
@given(
    cut=st.integers(min_value=0, max_value=len(_OPML_SEED)),
    flips=st.lists(
        st.tuples(st.integers(0, len(_OPML_SEED)), st.sampled_from(b"<>&\"'/ \n\x00\xff")),
        max_size=6,
    ),
)
def test_damaged_opml_imports_or_fails_cleanly(cut: int, flips: list[tuple[int, int]]) -> None:
    data = bytearray(_OPML_SEED[:cut])
    for at, value in flips:
        if at < len(data):
            data[at] = value
    try:
        result = read_opml(bytes(data), "fuzz.opml")
    except InvalidInputError as exc:
        assert exc.message.startswith("fuzz.opml:")
        return
    for feed in result.feeds:
        assert feed.url.startswith(("http://", "https://")) and feed.line and feed.line >= 1
    assert len({f.url for f in result.feeds}) == len(result.feeds) <= result.outlines
    assert all(p.line >= 1 for p in result.problems)
