"""A refresh fetches several sources at once, within the global and per-host limits, and one
refresh over a mix of good and faulty sources stores every good item exactly once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from support import DATA, FeedServer, Route, gzip_bomb, make_settings, news_rss
from tidings.core import Settings, Source, SourceKind
from tidings.enrich.entities import EntityExtractor
from tidings.pipeline import Pipeline
from tidings.store import Store
from tidings.store.tables import articles

pytestmark = pytest.mark.usefixtures("loopback_only")


@pytest.fixture
def settings(db_url: str) -> Settings:
    """Short timeouts for the `pipeline` fixture in this module."""
    return make_settings(db_url, fetch_timeout_s=1.0, enrich_entities=False)


def _feed(pipe: Pipeline, server: FeedServer, path: str, route: Route) -> Source:
    server.routes[path] = route
    return pipe.store.sources.add(server.url(path), SourceKind.FEED)


# -- concurrency ------------------------------------------------------------------------------


def _concurrent_pipe(url: str, entities: EntityExtractor, **settings: object) -> Pipeline:
    values: dict[str, object] = {"fetch_timeout_s": 5.0, "enrich_entities": False, **settings}
    return Pipeline(Store.open(url), make_settings(url, **values), entities=entities)


def test_a_refresh_fetches_sources_at_the_same_time_within_the_limits(
    sqlite_url: str, entity_extractor: EntityExtractor, feed_server: FeedServer
) -> None:
    """Each feed answers only once three requests have been in flight together (else 503), so
    a refresh that fetched one at a time would fail them all."""
    pipe = _concurrent_pipe(sqlite_url, entity_extractor, fetch_concurrency=3, fetch_per_host=3)
    try:
        sources = [
            _feed(
                pipe,
                feed_server,
                f"/together{i}.xml",
                Route(body=news_rss(f"together{i}"), together=3, together_s=3.0),
            )
            for i in range(3)
        ]
        done: list[int] = []
        summary = pipe.refresh(on_source=lambda r: done.append(r.source.id))
        assert [r.source.id for r in summary.results] == [s.id for s in sources]  # in order
        assert sorted(done) == [s.id for s in sources]
        assert [(r.error, r.items_new) for r in summary.results] == [(None, 3)] * 3
        assert feed_server.peak_in_flight == 3
    finally:
        pipe.store.close()


@pytest.mark.parametrize("limits", [{"fetch_concurrency": 2}, {"fetch_per_host": 2}])
def test_no_more_fetches_at_once_than_the_limits_allow(
    sqlite_url: str,
    entity_extractor: EntityExtractor,
    feed_server: FeedServer,
    limits: dict[str, int],
) -> None:
    settings = {"fetch_concurrency": 8, "fetch_per_host": 8, **limits}
    pipe = _concurrent_pipe(sqlite_url, entity_extractor, **settings)
    try:
        for i in range(3):
            _feed(
                pipe,
                feed_server,
                f"/t{i}.xml",
                Route(body=news_rss(f"t{i}"), together=3, together_s=0.3),
            )
        summary = pipe.refresh()
        assert {r.status for r in summary.results} == {503}  # three never met
        assert feed_server.peak_in_flight == 2
    finally:
        pipe.store.close()


# -- everything at once -----------------------------------------------------------------------


def test_one_refresh_over_good_and_faulty_sources_stores_every_good_item_once(
    pipeline: Pipeline, feed_server: FeedServer, seed_text: str
) -> None:
    store = pipeline.store
    feeds = DATA / "feeds"
    good = {
        "guardian": (
            feed_server.serve_file("/guardian.rss", feeds / "guardian.rss", "application/rss+xml"),
            55,
        ),
        "npr": (
            feed_server.serve_file(
                "/npr.json", feeds / "npr-technology.json", "application/feed+json"
            ),
            25,
        ),
        "small": (feed_server.serve("/small.xml", news_rss("small"), "application/rss+xml"), 3),
        "seed": (feed_server.serve("/seed.txt", seed_text, "text/plain; charset=utf-8"), 1),
    }
    faulty = {
        "/500.xml": Route(status=500),
        "/410.xml": Route(status=410),
        "/loop.xml": Route(status=301, headers={"Location": "/loop.xml"}),
        "/private.xml": Route(status=302, headers={"Location": "http://192.168.1.1/feed"}),
        "/429.xml": Route(status=429, headers={"Retry-After": "600"}),
        "/slow.xml": Route(body=news_rss("slow"), delay_s=3.0),
        "/drip.xml": Route(body=news_rss("drip"), chunk_size=16, drip_s=0.05),
        "/bomb.xml": Route(body=gzip_bomb(), headers={"Content-Encoding": "gzip"}),
        "/invalid.xml": Route(body=b"<rss><channel><title>x</title></chan"),
    }
    sources = {
        name: store.sources.add(url, SourceKind.TEXT if name == "seed" else SourceKind.FEED)
        for name, (url, _) in good.items()
    }
    for path, route in faulty.items():
        feed_server.routes[path] = route
        sources[path] = store.sources.add(feed_server.url(path), SourceKind.FEED)
    sources["404"] = store.sources.add(feed_server.url("/nothing.xml"), SourceKind.FEED)
    moved = feed_server.redirect("/moved.xml", feed_server.url("/small.xml"), 308)
    sources["moved"] = store.sources.add(moved, SourceKind.FEED)  # onto an existing source

    seen: list[int] = []
    summary = pipeline.refresh(on_source=lambda r: seen.append(r.source.id))
    assert sorted(seen) == sorted(s.id for s in sources.values())
    by_id = {r.source.id: r for r in summary.results}
    for name, (_, count) in good.items():
        result = by_id[sources[name].id]
        assert result.error is None and result.items_new == count, (name, result.error)
    assert by_id[sources["moved"].id].error is None and by_id[sources["moved"].id].items_new == 0
    failed = {path for path, s in sources.items() if by_id[s.id].error is not None}
    assert failed == {*faulty, "404"}
    assert summary.items_new == sum(count for _, count in good.values()) == store.articles.count()
    with store.engine.connect() as conn:
        per_guid = conn.execute(
            sa.select(articles.c.guid, sa.func.count())
            .group_by(articles.c.source_id, articles.c.guid)
            .having(sa.func.count() > 1)
        ).all()
    assert per_guid == []
    for path in failed:
        src = store.sources.get(sources[path].id)
        assert src.last_error == by_id[src.id].error or src.dead
        assert store.sources.fetch_log(src.id)[0].error == by_id[src.id].error

    # Again, every source due or not: nothing new, nothing twice.
    again = pipeline.refresh(store.sources.list())
    assert again.items_new == 0 and store.articles.count() == summary.items_new
