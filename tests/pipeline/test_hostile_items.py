"""Hostile feed content (found in review): NUL characters, lone surrogates, an unusable link in
one item, markup nested tens of thousands deep, entities hidden behind a comment. Each is stored
cleanly or left out on its own, on SQLite and PostgreSQL, and the good source beside it is
stored exactly once."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from support import FeedServer, Route, news_rss
from tidings.core import Source, SourceKind
from tidings.ingest import parse_feed, sniff_kind
from tidings.pipeline import Pipeline, SourceResult
from tidings.store.tables import articles

pytestmark = pytest.mark.usefixtures("loopback_only")


def _source(pipe: Pipeline, server: FeedServer, path: str, body: bytes, ctype: str) -> Source:
    server.routes[path] = Route(body=body, content_type=ctype)
    return pipe.store.sources.add(server.url(path), SourceKind.FEED)


def _refresh(pipe: Pipeline, *sources: Source) -> dict[int, SourceResult]:
    return {r.source.id: r for r in pipe.refresh(list(sources)).results}


def _titles(pipe: Pipeline, source: Source) -> list[str]:
    with pipe.store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(articles.c.title).where(articles.c.source_id == source.id)
        ).all()
    return sorted(r.title for r in rows)


def _good(pipe: Pipeline, server: FeedServer) -> Source:
    return _source(pipe, server, "/good.xml", news_rss("good"), "application/rss+xml")


def _assert_good_once(pipe: Pipeline, results: dict[int, SourceResult], good: Source) -> None:
    assert results[good.id].error is None and results[good.id].items_new == 3
    assert _titles(pipe, good) == [f"good story {i}" for i in range(3)]


def test_nul_characters_anywhere_in_a_feed_are_dropped(
    pipeline: Pipeline, feed_server: FeedServer
) -> None:
    rss = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        b"<title>Nul&#0;s</title><link>http://news.test/nul</link>"
        b"<item><title>One&#0;</title><link>http://news.test/nul/1&#0;</link>"
        b"<guid>nul-1&#0;</guid><category>Wor&#0;ld</category>"
        b"<description>Text &#0;with a NUL in it, and more words after it.</description></item>"
        b"</channel></rss>"
    )
    bad = _source(pipeline, feed_server, "/nul.xml", rss, "application/rss+xml")
    good = _good(pipeline, feed_server)
    results = _refresh(pipeline, bad, good)
    assert results[bad.id].error is None and results[bad.id].items_new == 1
    assert _titles(pipeline, bad) == ["One"]
    assert pipeline.store.sources.get(bad.id).title == "Nuls"
    _assert_good_once(pipeline, results, good)


def test_a_nul_in_an_error_message_is_recorded_without_it(
    pipeline: Pipeline, feed_server: FeedServer
) -> None:
    body = b'{"\\u0000": 1, "title": "x"}'  # not a JSON Feed; the error names its keys
    bad = _source(pipeline, feed_server, "/nul.json", body, "application/feed+json")
    good = _good(pipeline, feed_server)
    results = _refresh(pipeline, bad, good)
    error = results[bad.id].error
    assert error is not None and "not a JSON Feed" in error and "\x00" not in error
    assert pipeline.store.sources.get(bad.id).last_error == error
    assert pipeline.store.sources.fetch_log(bad.id)[0].error == error
    _assert_good_once(pipeline, results, good)


def test_lone_surrogates_in_a_json_feed_become_replacement_characters(
    pipeline: Pipeline, feed_server: FeedServer
) -> None:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Surrogates",
        "items": [
            {"id": "s1", "title": "bad \ud800 title", "content_text": "Some text \udfff here."},
            {"id": "s2", "title": "fine title", "content_text": "Plain text."},
        ],
    }
    body = json.dumps(feed).encode()  # ensure_ascii: the surrogates travel as \ud800 escapes
    bad = _source(pipeline, feed_server, "/s.json", body, "application/feed+json")
    results = _refresh(pipeline, bad)
    assert results[bad.id].error is None and results[bad.id].items_new == 2
    assert _titles(pipeline, bad) == ["bad \ufffd title", "fine title"]


def test_an_item_with_an_unusable_link_costs_only_its_link(
    pipeline: Pipeline, feed_server: FeedServer
) -> None:
    rss = news_rss("port").replace(
        b"<link>http://news.test/port/1</link>", b"<link>http://news.test:99999/port/1</link>"
    )
    bad = _source(pipeline, feed_server, "/port.xml", rss, "application/rss+xml")
    results = _refresh(pipeline, bad)
    assert results[bad.id].error is None and results[bad.id].items_new == 3
    with pipeline.store.engine.connect() as conn:
        urls = conn.execute(
            sa.select(articles.c.url).where(articles.c.source_id == bad.id)
        ).scalars()
        assert sorted(u or "" for u in urls) == [
            "",
            "http://news.test/port/0",
            "http://news.test/port/2",
        ]


def test_markup_nested_fifty_thousand_deep_is_stored_as_plain_paragraphs(
    pipeline: Pipeline, feed_server: FeedServer
) -> None:
    deep = "&lt;div&gt;" * 50_000 + "Deep text at the bottom." + "&lt;/div&gt;" * 50_000
    rss = news_rss("deep").replace(
        b"<description>Paragraph 0 of the deep news.</description>",
        f"<description>{deep}</description>".encode(),
    )
    bad = _source(pipeline, feed_server, "/deep.xml", rss, "application/rss+xml")
    good = _good(pipeline, feed_server)
    results = _refresh(pipeline, bad, good)
    assert results[bad.id].error is None and results[bad.id].items_new == 3
    with pipeline.store.engine.connect() as conn:
        html = conn.execute(
            sa.select(articles.c.body_html).where(articles.c.title == "deep story 0")
        ).scalar_one()
    assert "<div" not in html and len(html) < 2000
    _assert_good_once(pipeline, results, good)


def test_a_run_of_comments_before_the_root_is_sniffed_at_once() -> None:
    # exponential backtracking made 40 empty comments take hours before
    assert sniff_kind(b"<!---->" * 40 + b"<x>", "http://x/f", None) is SourceKind.TEXT
    assert sniff_kind(b"<!---->" * 40 + b'<rss version="2.0">', "http://x/f", None) is (
        SourceKind.FEED
    )


def test_entities_hidden_behind_a_comment_are_not_expanded() -> None:
    feed = (
        b'<?xml version="1.0"?><!-- <rss> --><!DOCTYPE rss [<!ENTITY a "EXPANDED">]>'
        b'<rss version="2.0"><channel><title>T &a;</title>'
        b"<item><title>i</title><description>d</description></item></channel></rss>"
    )
    assert parse_feed(feed, "http://x/f").title == "T &a;"
