"""Parsing and preparing in worker processes gives the same articles as doing it in-process,
and a large refresh that uses the workers stores every item exactly once."""

from __future__ import annotations

import time

import sqlalchemy as sa
from rssgen import item_of, rss, stories

from support import FeedServer, make_settings
from tidings.core import SourceKind
from tidings.enrich.entities import EntityExtractor
from tidings.pipeline import Pipeline
from tidings.pipeline.prepare import PreparePool, prepare
from tidings.store import Store
from tidings.store.tables import articles


def _wait_ready(pool: PreparePool, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not pool.ready:
        assert time.monotonic() < deadline, "the worker processes did not start"
        time.sleep(0.05)


def test_a_worker_process_prepares_exactly_what_the_calling_process_would() -> None:
    feed = rss("Wire", [item_of(a, f"g{i}") for i, a in enumerate(stories(6, min_words=80))])
    data = feed.encode("utf-8")
    inline = prepare(SourceKind.FEED, data, "http://news.example/feed.xml", None, is_file=False)
    with PreparePool(2) as pool:
        _wait_ready(pool)
        remote = pool.submit(
            SourceKind.FEED, data, "http://news.example/feed.xml", None, False
        ).result()
        broken = pool.submit(SourceKind.FEED, b"<html>no feed</html>", "http://x/", None, False)
        assert broken.result().error is not None and "not a feed" in broken.result().error
    assert remote.error is None and len(remote.items) == 6
    assert remote == inline  # same articles, bodies, hashes and MinHash signatures


def test_a_refresh_with_worker_processes_stores_every_item_once(
    sqlite_url: str, feed_server: FeedServer, entity_extractor: EntityExtractor
) -> None:
    texts = stories(120, min_words=60)
    settings = make_settings(
        sqlite_url, enrich_entities=False, prepare_workers=2, prepare_pool_min_sources=1
    )
    pipe = Pipeline(Store.open(sqlite_url), settings, entities=entity_extractor)
    for f in range(30):
        items = [item_of(texts[f * 4 + i], f"feed{f}-{i}") for i in range(4)]
        url = feed_server.serve(f"/f{f}.xml", rss(f"Feed {f}", items), "application/rss+xml")
        pipe.store.sources.add(url, SourceKind.FEED)
    summary = pipe.refresh()
    assert summary.sources_failed == 0 and summary.items_seen == 120
    with pipe.store.engine.connect() as conn:
        guids = conn.execute(sa.select(articles.c.guid)).scalars().all()
    assert sorted(guids) == sorted(f"feed{f}-{i}" for f in range(30) for i in range(4))
    again = pipe.refresh(pipe.store.sources.list())
    assert again.items_new == 0
    pipe.store.close()
