"""The real `tidings` command in subprocesses, against SQLite files in tmp folders.

Ingesting loads spaCy (~3 s per process), so the add-source → refresh → readers → feed flow
shares one database built once per module; the other tests use their own database."""

from __future__ import annotations

import json
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from clirun import Cli, Result, _command
from support import DATA, SEED, SEED_STANDFIRST, SEED_TITLE, SHARED, FeedServer

AWESOME = SHARED / "feeds-and-opml" / "awesome-rss-feeds"

# The 23 body paragraphs of the seed page, in order, picked by hand: each is one line of the
# dump, named here by how it starts. Everything else (topic tag, myNEWS promotion, caption,
# headline, standfirst, adverts, video blocks, related links, print line, comment count) is not
# body text.
BODY_STARTS = [
    "The swift fall of Kabul has pushed China",
    "Safeguarding China’s business interests",
    "The two top diplomats also pledged to boost",
    "Wang, also a state councillor of China",
    "“It has been the international consensus",
    "In a separate phone call on Monday with US",
    "The Taliban seized Kabul on Sunday",
    "Both China and Russia have kept their embassies",
    "“Under the new situation, China and Russia",
    "The two powers will make sure that the Taliban",
    "They reiterated that the Taliban must cut ties",
    "“The new regime in Afghanistan must cut ties",
    "Fu Xiaoqiang, vice-president of the China",
    "“It is important that [the international",
    "“We can anticipate that for a considerably",
    "A statement from the Russian foreign ministry",
    "Wang made the same appeal during high-profile",
    "During Monday’s phone call, Wang also said",
    "“China and Russia are trustworthy, reliable",
    "A statement from the Chinese foreign ministry",
    "Wang added that China and Russia should jointly",
    "The Russian foreign ministry said Lavrov and Wang",
    "“In view of the upcoming anniversary of the end",
]


def expected_body_paragraphs() -> list[str]:
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()]
    picked = []
    for start in BODY_STARTS:
        matches = [line for line in lines if line.startswith(start)]
        assert len(matches) == 1, (start, matches)
        picked.append(matches[0])
    return picked


def _fails_cleanly(r: Result, *fragments: str) -> None:
    assert r.code == 1, (r.args, r.code, r.out, r.err)
    assert r.err.lstrip().startswith("error:"), r.err
    for fragment in fragments:
        assert fragment in r.err_line, (fragment, r.err)


# -- init ---------------------------------------------------------------------------------------


def test_init_creates_and_upgrades_database(cli: Cli) -> None:
    r = cli("init")
    assert r.code == 0, r.err
    assert r.out.startswith("database ready: sqlite")
    assert str(cli.db) in r.out
    assert cli.db.is_file()
    again = cli("init")
    assert again.code == 0, again.err
    r = cli("sources", "--json")
    assert r.code == 0
    assert r.json() == []


def test_no_arguments_prints_help(cli: Cli) -> None:
    r = cli("--help")
    assert r.code == 0
    for command in (
        "init",
        "extract",
        "add-source",
        "refresh",
        "feed",
        "import-opml",
        "export-opml",
    ):
        assert command in r.out


# -- extract ------------------------------------------------------------------------------------


def test_extract_seed_as_jsonl(cli: Cli) -> None:
    r = cli("extract", str(SEED), "--format", "jsonl")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert len(lines) == 1
    rec = json.loads(lines[0])
    assert rec["id"] == "scmp-afghanistan"
    assert rec["title"] == SEED_TITLE
    assert rec["standfirst"] == SEED_STANDFIRST
    assert rec["topics"] == ["Afghanistan"]
    assert rec["images"] == [
        {
            "caption": "Foreign ministers Sergey Lavrov of Russia (left) and Wang Yi of China meet "
            "in the Chinese city of Guilin on March 22. In a phone call on Monday, the top "
            "diplomats pledged to work together to protect national interests in Afghanistan.",
            "credit": "AFP",
        }
    ]
    assert [v["duration_s"] for v in rec["videos"]] == [130, 392, 239, 82]
    assert [v["title"] for v in rec["videos"]] == [
        "Taliban says ‘war is over’ in Afghanistan and now time for group to serve the nation",
        "Helicopters fly over Kabul to ferry diplomats after Taliban reaches Afghan capital",
        "Women fear the worst for their freedoms as Taliban return to power in Afghanistan",
        "Russian leader claims Russia-China relationship being sabotaged",
    ]
    assert [x["title"] for x in rec["related"]] == [
        "Afghan chaos left by US a ‘lesson’ for Taiwan, Chinese media warns",
        "China a ‘welcome friend’ in Afghanistan: Taliban spokesman",
    ]
    assert rec["print_headline"] == "China, Russia to work together"
    assert rec["publisher"] == "South China Morning Post"
    assert rec["comment_count"] == 44
    assert rec["language"] == "en"
    expected = expected_body_paragraphs()
    assert len(expected) == 23
    assert rec["body_text"] == "\n\n".join(expected)
    assert "Advertisement" not in rec["body_text"]
    assert "myNEWS" not in rec["body_text"]


def test_extract_bad_files_are_reported_and_the_good_one_still_printed(
    cli: Cli, tmp_path: Path
) -> None:
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00\x01\x80\x81\x00garbage\x00")
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    missing = tmp_path / "missing.txt"
    not_gzip = tmp_path / "page.html.gz"
    not_gzip.write_bytes(b"this is not gzip")
    bad = [binary, missing, empty, not_gzip]
    r = cli("extract", str(binary), str(SEED), str(missing), str(empty), str(not_gzip))
    assert r.code != 0
    assert r.code == 1
    records = [json.loads(line) for line in r.out.splitlines()]
    assert [rec["title"] for rec in records] == [SEED_TITLE]
    errors = [line for line in r.err.splitlines() if line.strip()]
    assert len(errors) == len(bad), r.err
    for line, path in zip(errors, bad, strict=True):
        assert line.startswith("error:"), line
        assert str(path) in line, (path, line)
    assert "not valid UTF-8" in errors[0] or "binary" in errors[0]
    assert "No such file" in errors[1]
    assert "empty" in errors[2]
    assert "gzip" in errors[3]


def test_extract_unknown_format_is_refused(cli: Cli) -> None:
    r = cli("extract", str(SEED), "--format", "xml")
    assert r.code == 2
    assert r.out == ""
    assert "error:" in r.err and "jsonl" in r.err


# -- one shared database: sources, refresh, readers, feed -----------------------------------------


@dataclass
class Flow:
    cli: Cli
    add: Result
    refresh: Result
    refresh_all: Result


@pytest.fixture(scope="module")
def flow(tmp_path_factory: pytest.TempPathFactory) -> Flow:
    folder = tmp_path_factory.mktemp("cli-flow")
    cli = Cli(db=folder / "tidings.db", cwd=folder)
    assert cli("init").code == 0
    add = cli("add-source", str(SEED), "--folder", "Asia")
    refresh = cli("refresh")
    refresh_all = cli("refresh", "--all")
    for name, args in (("Alice", ("topic", "Afghanistan")), ("Bob", ("person", "Wang Yi"))):
        assert cli("readers", "create", name).code == 0
        r = cli("follow", name, *args)
        assert r.code == 0, r.err
    return Flow(cli, add, refresh, refresh_all)


def test_add_source_then_refresh_then_refresh_all_adds_nothing(flow: Flow) -> None:
    assert flow.add.code == 0, flow.add.err
    assert flow.add.out.strip() == f"added source 1: text {SEED.resolve().as_uri()}"
    assert flow.refresh.code == 0, flow.refresh.err
    assert flow.refresh.out.strip().endswith("1 items seen, 1 new")
    assert "1 sources: 1 ok, 0 failed" in flow.refresh.out
    assert flow.refresh_all.code == 0, flow.refresh_all.err
    assert "1 sources: 1 ok, 0 failed" in flow.refresh_all.out
    assert flow.refresh_all.out.strip().endswith("1 items seen, 0 new")
    assert "0 new" in flow.refresh_all.out


def test_refresh_when_nothing_is_due(flow: Flow) -> None:
    r = flow.cli("refresh")
    assert r.code == 0
    assert r.out.strip() == "nothing due"


def test_add_same_source_twice_is_refused(flow: Flow) -> None:
    r = flow.cli("add-source", str(SEED))
    _fails_cleanly(r, "already a source", "(id 1)")


@pytest.mark.parametrize(
    ("location", "fragment"),
    [
        ("ftp://x", "scheme 'ftp' is not supported"),
        ("http://", "no host name"),
        ("/definitely/not/here.txt", "no such file: /definitely/not/here.txt"),
        ("", "empty source"),
        # the address guard refuses loopback unless TIDINGS_FETCH_ALLOW lets it through
        ("http://127.0.0.1:9/feed", "refused to fetch http://127.0.0.1:9/feed"),
    ],
)
def test_add_bad_source_fails_cleanly(flow: Flow, location: str, fragment: str) -> None:
    r = flow.cli("add-source", location)
    _fails_cleanly(r, fragment)
    assert r.out == ""
    # Nothing was stored: test_sources_json_lists_source_with_health (run after these) finds
    # exactly the one good source.


def test_sources_json_lists_source_with_health(flow: Flow) -> None:
    r = flow.cli("sources", "--json")
    assert r.code == 0
    (source,) = r.json()
    assert source["id"] == 1
    assert source["url"] == SEED.resolve().as_uri()
    assert source["kind"] == "text"
    assert source["folder"] == "Asia"
    assert source["active"] is True
    assert source["healthy"] is True
    assert source["error_count"] == 0
    assert source["last_error"] is None
    for key in ("last_polled_at", "last_success_at", "next_poll_at"):
        assert isinstance(source[key], str), key
    assert source["last_success_at"] >= source["last_polled_at"][:19]
    assert source["next_poll_at"] > source["last_polled_at"]


def test_sources_table_output(flow: Flow) -> None:
    r = flow.cli("sources", COLUMNS="200")
    assert r.code == 0
    lines = r.out.splitlines()
    at = next(i for i, line in enumerate(lines) if "scmp-afghanistan.txt" in line)
    # The "title / url" cell holds the (empty) title, then the URL on the next line.
    first = [c.strip() for c in re.split("[│┃]", lines[at - 1])]
    second = [c.strip() for c in re.split("[│┃]", lines[at])]
    assert first[1:5] == ["1", "text", "", "ok"], first
    assert second[3] == SEED.resolve().as_uri()


def test_readers_create_duplicate_and_list(flow: Flow) -> None:
    r = flow.cli("readers", "create", "Alice")
    _fails_cleanly(r, "a reader named 'Alice' already exists")
    listed = flow.cli("readers", "list")
    assert listed.code == 0
    assert listed.out.splitlines() == ["1\tAlice", "2\tBob"]


def test_feed_of_topic_follower_has_seed_first(flow: Flow) -> None:
    r = flow.cli("feed", "Alice", "--json")
    assert r.code == 0, r.err
    feed = r.json()
    assert feed["reader"]["name"] == "Alice"
    top = feed["items"][0]
    assert top["rank"] == 1
    assert top["title"] == SEED_TITLE
    assert top["reason"] == "Because you follow Afghanistan"
    assert top["matched"] == ["Afghanistan"]
    assert top["article_id"] == 1


def test_feed_of_person_follower_has_seed_first(flow: Flow) -> None:
    feed = flow.cli("feed", "Bob", "--json", "--limit", "3").json()
    assert feed["items"][0]["title"] == SEED_TITLE
    assert feed["items"][0]["reason"] == "Because you follow Wang Yi"


def test_feed_text_output_shows_reason(flow: Flow) -> None:
    r = flow.cli("feed", "Alice")
    assert r.code == 0
    lines = r.out.splitlines()
    assert lines[0].strip() == f"1. {SEED_TITLE}"
    assert "Because you follow Afghanistan" in lines[1]


def test_feed_of_unknown_reader_fails_cleanly(flow: Flow) -> None:
    r = flow.cli("feed", "Nobody")
    _fails_cleanly(r, "no reader named 'Nobody'")
    assert r.out == ""


def test_follow_unknown_kind_fails_cleanly(flow: Flow) -> None:
    r = flow.cli("follow", "Alice", "planet", "Mars")
    _fails_cleanly(r, "unknown follow kind 'planet'")


def test_unfollow_then_feed_has_no_reason(flow: Flow) -> None:
    assert flow.cli("readers", "create", "Carol").code == 0
    assert flow.cli("follow", "Carol", "topic", "Afghanistan").code == 0
    r = flow.cli("follow", "Carol", "topic", "Afghanistan", "--unfollow")
    assert r.code == 0
    assert "no longer follows" in r.out
    items = flow.cli("feed", "Carol", "--json").json()["items"]
    assert items and all(not it["reason"].startswith("Because you follow") for it in items)


# -- OPML ---------------------------------------------------------------------------------------

# Real-world OPML exports that are not well-formed XML (raw `&` in attributes).
OPMLS = {
    AWESOME / "countries" / "with_category" / "Italy.opml": "Italy",
    AWESOME / "recommended" / "with_category" / "Business & Economy.opml": "Business & Economy",
}


def _feed_urls(path: Path) -> list[str]:
    """The xmlUrl attributes of a file as written (raw `&` kept, entities decoded)."""
    raw = re.findall(r'xmlUrl="([^"]*)"', path.read_text(encoding="utf-8"))
    return [url.replace("&amp;", "&") for url in raw]


def test_chosen_opml_files_are_not_well_formed() -> None:
    for path in OPMLS:
        with pytest.raises(etree.XMLSyntaxError):
            etree.fromstring(path.read_bytes())
    assert any("&args&" in url for url in _feed_urls(next(iter(OPMLS))))


def test_import_opml_then_export_opml(cli: Cli) -> None:
    expected: dict[str, str] = {}
    for path, folder in OPMLS.items():
        urls = _feed_urls(path)
        assert len(urls) > 5
        r = cli("import-opml", str(path))
        assert r.code == 0, r.err
        assert r.out.strip() == (
            f"{len(urls)} feeds in {path.name} (1 folder): {len(urls)} added, 0 already present"
        )
        expected.update(dict.fromkeys(urls, folder))

    listed = cli("sources", "--json").json()
    assert {s["url"]: s["folder"] for s in listed} == expected
    assert {s["kind"] for s in listed} == {"feed"}

    again = cli("import-opml", str(next(iter(OPMLS))))
    assert again.code == 0
    assert again.out.strip().endswith(": 0 added, 13 already present")

    r = cli("export-opml")
    assert r.code == 0, r.err
    root = etree.fromstring(r.out.encode("utf-8"))  # strict: the export must be well-formed
    assert root.tag == "opml"
    assert root.get("version") == "2.0"
    assert root.find("head/title") is not None
    assert root.find("head/dateCreated") is not None
    exported = {}
    for outline in root.iter("outline"):
        url = outline.get("xmlUrl")
        if url is None:
            continue
        parent = outline.getparent()
        assert parent is not None and parent.tag == "outline"
        exported[url] = parent.get("text")
        assert outline.get("text")
    assert exported == expected


def test_import_opml_missing_file_fails_cleanly(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "nope.opml"
    r = cli("import-opml", str(missing))
    _fails_cleanly(r, f"cannot read {missing}", "No such file")


def test_import_opml_of_a_text_file_fails_cleanly(cli: Cli) -> None:
    r = cli("import-opml", str(SEED))
    _fails_cleanly(r, "not an OPML document")


def test_import_opml_reports_problems_with_file_and_line(cli: Cli, tmp_path: Path) -> None:
    blogs = SHARED / "feeds-and-opml" / "engineering-blogs" / "engineering_blogs.opml"
    mixed = tmp_path / "mixed.opml"
    mixed.write_text(
        '<?xml version="1.0"?>\n<opml version="1.0"><body>\n<outline text="News">\n'
        '<outline text="A" xmlUrl="https://a.example/rss"/>\n'
        '<outline text="B" xmlUrl="javascript:alert(1)"/>\n</outline>\n</body></opml>\n'
    )
    not_opml = tmp_path / "feed.xml"
    not_opml.write_text('<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>\n')
    r = cli("import-opml", str(blogs), str(not_opml), str(mixed))
    assert r.code == 1  # one file failed; the others were imported
    lines = r.out.splitlines()
    assert lines == [
        "420 feeds in engineering_blogs.opml (1 folder): 420 added, 0 already present, "
        "2 outlines skipped",
        "1 feeds in mixed.opml (1 folder): 1 added, 0 already present, 1 outlines skipped",
    ]
    assert f"{blogs}:66: duplicate of the feed on line 65: https://engineering.fb.com/feed/" in (
        r.err_line
    )
    assert f"error: {not_opml}:2: not an OPML document: the root element is <rss>" in r.err_line
    assert f"{mixed}:5: skipped 'B': 'javascript:alert(1)' is not an http(s) URL" in r.err_line
    assert len(cli("sources", "--json").json()) == 421


# -- discovery and refresh progress, against a real HTTP server on 127.0.0.1 ------------------

LOCAL = {"TIDINGS_FETCH_ALLOW": "127.0.0.0/8", "TIDINGS_FETCH_FULL_TEXT": "false"}


def _site(server: FeedServer) -> str:
    server.serve_file("/feed.xml", DATA / "feeds" / "guardian.rss", "application/rss+xml")
    server.serve_file("/atom", DATA / "feeds" / "qemu.atom", "application/atom+xml")
    page = (
        '<html><head><link rel="alternate" type="application/rss+xml" title="Main" '
        'href="/feed.xml"><link rel="alternate" type="application/atom+xml" href="/atom">'
        "</head><body><h1>A site</h1></body></html>"
    )
    return server.serve("/", page, "text/html")


def test_discover_lists_a_sites_feeds(cli: Cli, feed_server: FeedServer) -> None:
    url = _site(feed_server)
    r = cli("discover", url, "--json", **LOCAL)
    assert r.code == 0, r.err
    assert r.json() == [
        {
            "url": feed_server.url("/feed.xml"),
            "title": "The Guardian",
            "format": "rss20",
            "entries": 55,
            "via": "link",
        },
        {"url": feed_server.url("/atom"), "title": "QEMU", "format": "atom10", "entries": 10,
         "via": "link"},
    ]  # fmt: skip
    text = cli("discover", url, **LOCAL)
    assert text.out.splitlines()[0].split("\t") == [
        feed_server.url("/feed.xml"),
        "rss20",
        "55 items",
        "The Guardian",
    ]
    feed_server.routes.clear()  # no feed anywhere on the site now, not even at /feed.xml
    empty = feed_server.serve("/empty", "<html><body>nothing</body></html>", "text/html")
    _fails_cleanly(cli("discover", empty, **LOCAL), f"no feed found for {empty}")


def test_add_source_discover_then_refresh_shows_progress(cli: Cli, feed_server: FeedServer) -> None:
    url = _site(feed_server)
    page = cli("add-source", url, **LOCAL)  # without --discover: one page, and a tip
    assert page.code == 0, page.err
    assert page.out.strip() == f"added source 1: page {url}"
    assert f"tidings add-source --discover {url}" in page.err_line
    r = cli("add-source", "--discover", url, "--folder", "News", **LOCAL)
    assert r.code == 0, r.err
    assert r.out.strip() == "added source 2: feed The Guardian (found on " + url + ")"
    assert f"also found: {feed_server.url('/atom')} (QEMU)" in r.err_line
    # the page source now fails: its server answers 500
    feed_server.serve("/", "boom", "text/plain", status=500)
    refreshed = cli("refresh", **LOCAL)
    assert refreshed.code == 1
    # one line per source as it finishes (sources are fetched concurrently: any order)
    progress = [line for line in refreshed.err.splitlines() if line.startswith("[")]
    assert [line[:6] for line in progress] == ["[1/2] ", "[2/2] "]
    assert sorted(line[6:].split(" · ")[0] for line in progress) == [
        "The Guardian: 55 new",
        f"{url}: failed",
    ]
    assert progress[1].endswith(" · 55 new, 1 errors")
    assert "failed 1 " + url in refreshed.err_line and "HTTP 500" in refreshed.err_line
    assert "refreshed 2 sources in" in refreshed.err
    assert refreshed.out.strip() == "2 sources: 1 ok, 1 failed; 55 items seen, 55 new"


# -- serve ----------------------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_first_serve_puts_the_seed_first_and_then_matches_entity_follows(cli: Cli) -> None:
    """The first start serves the demo feed, seed first (by its topic), and finds the entities
    of the demo stories (in the background), after which entity follows match too."""
    import httpx

    port = _free_port()
    proc = subprocess.Popen(
        [*_command(), "serve", "--port", str(port)],
        env=cli.env(),
        cwd=cli.cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        first = None
        while first is None:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the server did not answer"
            try:
                first = httpx.get(base + "/api/v1/readers", timeout=2).json()
            except httpx.HTTPError:
                time.sleep(0.2)
        demo = next(r for r in first if r["name"] == "Demo reader")
        feed = httpx.get(f"{base}/api/v1/readers/{demo['id']}/feed", timeout=10).json()
        assert feed["items"][0]["article"]["title"] == SEED_TITLE
        while True:  # SpaceX is followed as an entity: it matches once entities are found
            feed = httpx.get(f"{base}/api/v1/readers/{demo['id']}/feed?limit=200", timeout=10)
            reasons = [i["reason"] for i in feed.json()["items"]]
            if any("SpaceX" in r for r in reasons):
                break
            assert time.monotonic() < deadline, reasons
            time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_entities_prints_one_json_object_per_input_line(cli: Cli) -> None:
    lines = "Wang Yi met Sergey Lavrov in Guilin. Wang spoke first.\n\nThe U.S. said nothing.\n"
    proc = subprocess.run(
        [*_command(), "entities", "-"],
        input=lines,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=cli.env(),
        cwd=cli.cwd,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(records) == 3 and records[1] == {"entities": []}
    first = records[0]["entities"]
    source_line = lines.splitlines()[0]
    for ent in first:
        assert source_line[ent["start"] : ent["end"]] == ent["text"]
        assert ent["label"] in ("PERSON", "ORG", "PLACE", "MISC")
    assert {"text": "Wang", "label": "PERSON", "canonical": "Wang Yi"}.items() <= next(
        e for e in first if e["text"] == "Wang"
    ).items()
    assert [e["text"] for e in records[2]["entities"]] == ["U.S."]


def test_entities_of_a_missing_file_fails_cleanly(cli: Cli) -> None:
    _fails_cleanly(cli("entities", "no-such-file.txt"), "cannot read no-such-file.txt")
