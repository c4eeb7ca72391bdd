"""One story end to end: feeds and the seed page served over real HTTP on 127.0.0.1, refreshed
into the store, ranked first for a reader who follows Afghanistan or Wang Yi."""

from __future__ import annotations

from datetime import timedelta

import pytest

from support import DATA, FeedServer
from tidings.core import FollowKind, InvalidInputError, SourceKind
from tidings.core.text import utcnow
from tidings.pipeline import Pipeline, reader_feed


def _serve_all(server: FeedServer, seed_text: str) -> dict[str, str]:
    feeds = DATA / "feeds"
    return {
        "rss": server.serve_file("/guardian.rss", feeds / "guardian.rss", "application/rss+xml"),
        "atom": server.serve_file("/qemu.atom", feeds / "qemu.atom", "application/atom+xml"),
        "json": server.serve_file(
            "/npr.json", feeds / "npr-technology.json", "application/feed+json"
        ),
        "seed": server.serve("/scmp-afghanistan.txt", seed_text, "text/plain; charset=utf-8"),
    }


def test_rss_atom_json_feed_and_text_dump_are_ingested_once(
    pipeline: Pipeline, feed_server: FeedServer, seed_text: str
) -> None:
    urls = _serve_all(feed_server, seed_text)
    kinds = {name: pipeline.add_source(url).kind for name, url in urls.items()}
    assert kinds == {
        "rss": SourceKind.FEED,
        "atom": SourceKind.FEED,
        "json": SourceKind.FEED,
        "seed": SourceKind.TEXT,
    }
    titles = {s.url: s.title for s in pipeline.store.sources.list()}
    assert titles[urls["rss"]] == "The Guardian" and titles[urls["json"]] == "Technology"

    first = pipeline.refresh()
    assert first.sources_failed == 0, [r.error for r in first.results]
    per_source = {r.source.url: r.items_new for r in first.results}
    assert per_source[urls["rss"]] == 55
    assert per_source[urls["json"]] == 25
    assert per_source[urls["atom"]] > 0
    assert per_source[urls["seed"]] == 1
    total = pipeline.store.articles.count()
    assert total == first.items_new

    # Running refresh again (every source, due or not) adds nothing.
    second = pipeline.refresh(pipeline.store.sources.list())
    assert second.sources_failed == 0
    assert second.items_new == 0 and second.items_seen == first.items_seen
    assert pipeline.store.articles.count() == total

    # Every attempt is in the fetch log.
    for s in pipeline.store.sources.list():
        log = pipeline.store.sources.fetch_log(s.id)
        assert [r.status for r in log] == [200, 200]


def test_a_reader_following_afghanistan_or_wang_yi_gets_the_seed_first(
    pipeline: Pipeline, feed_server: FeedServer, seed_text: str
) -> None:
    for url in _serve_all(feed_server, seed_text).values():
        pipeline.add_source(url)
    pipeline.refresh()
    pipeline.enrich_pending()  # entities are found after saving, as `tidings refresh` does
    store = pipeline.store
    seed = next(a for a in store.articles.recent(500) if a.article.print_headline)

    alice = store.readers.create("Alice")
    store.readers.follow(alice.id, FollowKind.TOPIC, "Afghanistan")
    feed = reader_feed(store, alice.id, limit=10)
    assert feed[0].article.id == seed.id
    assert feed[0].reason == "Because you follow Afghanistan"

    bob = store.readers.create("Bob")
    store.readers.follow(bob.id, FollowKind.ENTITY, "Wang Yi")
    feed = reader_feed(store, bob.id, limit=10)
    assert feed[0].article.id == seed.id
    assert feed[0].reason == "Because you follow Wang Yi"

    # The seed page's article is stored clean.
    stored = store.articles.get(seed.id)
    a = stored.article
    assert a.title == "Turmoil in Afghanistan binding China and Russia even closer"
    assert len(a.standfirst) == 2 and a.topics == ("Afghanistan",)
    assert a.comment_count == 44 and a.print_headline == "China, Russia to work together"
    assert all("Advertisement" not in p for p in a.body_paragraphs)
    people = {e.name for e in stored.entities if e.label.value == "PERSON"}
    assert {"Wang Yi", "Sergey Lavrov"} <= people


def test_a_broken_source_is_recorded_and_the_rest_of_the_refresh_goes_on(
    pipeline: Pipeline, feed_server: FeedServer, seed_text: str
) -> None:
    store = pipeline.store
    good = pipeline.add_source(feed_server.serve("/seed.txt", seed_text, "text/plain"))
    malformed = store.sources.add(
        feed_server.serve_file(
            "/uol.rss", DATA / "feeds" / "uolNoticias-malformed.rss", "application/rss+xml"
        ),
        SourceKind.FEED,
    )
    not_xml = store.sources.add(
        feed_server.serve("/garbage.xml", b"\x00\x01 this is not a feed", "application/rss+xml"),
        SourceKind.FEED,
    )
    missing = store.sources.add(feed_server.url("/gone.xml"), SourceKind.FEED)
    failing = store.sources.add(
        feed_server.serve("/500.xml", "oops", "text/plain", status=500), SourceKind.FEED
    )
    unreachable = store.sources.add("http://127.0.0.1:9/feed.xml", SourceKind.FEED)

    summary = pipeline.refresh()
    by_id = {r.source.id: r for r in summary.results}
    assert by_id[good.id].error is None and by_id[good.id].items_new == 1
    assert "not a readable feed" in (by_id[not_xml.id].error or "")
    assert by_id[missing.id].error == f"HTTP 404 Not Found from {missing.url}"
    assert by_id[failing.id].error == f"HTTP 500 Internal Server Error from {failing.url}"
    assert "could not fetch" in (by_id[unreachable.id].error or "")
    # uolNoticias is malformed but feedparser recovers its items: it must not fail the batch
    assert by_id[malformed.id].error is None and by_id[malformed.id].items_new > 0

    for bad in (not_xml, missing, failing, unreachable):
        src = store.sources.get(bad.id)
        assert src.error_count == 1 and src.last_error
        assert src.next_poll_at is not None and src.next_poll_at > utcnow() + timedelta(minutes=10)
        log = store.sources.fetch_log(bad.id)
        assert len(log) == 1 and log[0].error == src.last_error
    assert store.sources.fetch_log(missing.id)[0].status == 404
    assert store.sources.get(good.id).error_count == 0


def test_add_source_refuses_bad_input_and_keeps_nothing(
    pipeline: Pipeline, feed_server: FeedServer
) -> None:
    for bad in ("ftp://example.com/feed", "http://", "/no/such/file.txt", ""):
        with pytest.raises(InvalidInputError):
            pipeline.add_source(bad)
    from tidings.core import IngestError

    with pytest.raises(IngestError, match="HTTP 404"):
        pipeline.add_source(feed_server.url("/nothing-here.xml"))
    assert pipeline.store.sources.list() == []


def test_nul_characters_never_reach_the_database(pipeline: Pipeline) -> None:
    from tidings.core import Article

    new = pipeline.save_articles(
        None,
        [Article(title="Head\x00line", body_paragraphs=("A body\x00 paragraph of news text.",))],
    )
    assert new == 1
    stored = pipeline.store.articles.recent(1)[0]
    assert stored.article.title == "Headline"
    with pytest.raises(InvalidInputError):
        pipeline.store.readers.create("Ann\x00")


def test_an_unexpected_error_in_one_source_is_recorded_and_the_batch_goes_on(
    pipeline: Pipeline, feed_server: FeedServer, seed_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = pipeline.add_source(feed_server.serve("/seed.txt", seed_text, "text/plain"))
    page = pipeline.store.sources.add(
        feed_server.serve("/page.html", "<html><body><p>x</p></body></html>", "text/html"),
        SourceKind.PAGE,
    )

    def explode(data: bytes, url: str | None = None) -> object:
        raise RuntimeError("bug in an extractor")

    monkeypatch.setattr("tidings.extract.extract_html", explode)
    summary = pipeline.refresh()
    by_id = {r.source.id: r for r in summary.results}
    assert by_id[good.id].items_new == 1
    assert by_id[page.id].error == "internal error while processing this source: RuntimeError"
    assert pipeline.store.sources.get(page.id).last_error == by_id[page.id].error
