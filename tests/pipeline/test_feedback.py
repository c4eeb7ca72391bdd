"""Issue 5's acceptance on the seed: following Afghanistan or Wang Yi puts the seed in the top
3 with a matching reason; hiding it removes it at once; "fewer like this" on it lowers other
Afghanistan stories in the next feed."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from support import FeedServer
from tidings.core import Article, Event, EventKind, FollowKind, Source, SourceKind
from tidings.core.text import utcnow
from tidings.pipeline import Pipeline, reader_feed

KABUL = Article(
    title="Taliban fighters patrol Kabul as Afghanistan waits for a new government",
    body_paragraphs=(
        "Taliban fighters patrolled the streets of Kabul on Wednesday as Afghanistan waited "
        "for the movement to name a government, while queues formed outside banks in the "
        "Afghan capital.",
        "Residents of Kabul said shops had begun to reopen in the centre of the city.",
    ),
    guid="kabul",
)
RUGBY = Article(
    title="Wales beat Scotland in the Six Nations opener",
    body_paragraphs=(
        "Wales beat Scotland 24-17 in Cardiff on Saturday in the opening match of the Six "
        "Nations championship, with two tries in the second half.",
    ),
    guid="rugby",
)


def _wire_stories(pipeline: Pipeline, now: datetime) -> Source:
    """A wire source with the Kabul story (3 h old) and the rugby one (1 h old), enriched."""
    wire = pipeline.store.sources.add("https://wire.example/", SourceKind.FEED)
    pipeline.save_articles(
        wire,
        [
            replace(KABUL, published=now - timedelta(hours=3)),
            replace(RUGBY, published=now - timedelta(hours=1)),
        ],
    )
    pipeline.enrich_pending()
    return wire


@pytest.mark.parametrize(("kind", "value"), [("topic", "Afghanistan"), ("entity", "Wang Yi")])
def test_follow_hide_and_fewer_like_this_on_the_seed(
    pipeline: Pipeline, feed_server: FeedServer, seed_text: str, kind: str, value: str
) -> None:
    store = pipeline.store
    pipeline.refresh([pipeline.add_source(feed_server.serve("/seed.txt", seed_text, "text/plain"))])
    now = utcnow()
    other = _wire_stories(pipeline, now)
    reader = store.readers.create("reader")
    store.readers.follow(reader.id, FollowKind(kind), value)
    feed = reader_feed(store, reader.id, now=now)
    titles = [r.article.article.title for r in feed]
    seed = next(r for r in feed if r.article.source_id != other.id)
    assert titles.index(seed.article.article.title) < 3
    assert seed.reason == f"Because you follow {value}"

    # hiding removes it at once
    store.events.record(Event(reader.id, seed.article.id, EventKind.HIDE))
    assert seed.article.id not in [r.article.id for r in reader_feed(store, reader.id, now=now)]

    if kind == "topic":
        kabul_before = next(r for r in feed if r.article.article.guid == "kabul").score
        # "fewer like this" (on a fresh reader, so the hide does not mask it)
        fresh = store.readers.create("fresh")
        store.readers.follow(fresh.id, FollowKind.TOPIC, value)
        store.events.record(Event(fresh.id, seed.article.id, EventKind.FEWER_LIKE_THIS))
        after = reader_feed(store, fresh.id, now=now)  # the same moment: only the event differs
        assert seed.article.id not in [r.article.id for r in after]
        kabul_after = next(r for r in after if r.article.article.guid == "kabul").score
        rugby = {r.article.article.guid: r.score for r in feed}["rugby"]
        assert kabul_after < kabul_before
        assert {r.article.article.guid: r.score for r in after}["rugby"] == rugby


def test_follows_and_mutes_made_anywhere_take_effect_on_the_next_feed(pipeline: Pipeline) -> None:
    """The serving process keeps a reader's follows between requests; a follow, mute or
    unfollow made by another process (the CLI, another server worker) moves the reader's
    follows version, so the very next feed sees it."""
    store = pipeline.store
    now = utcnow()
    _wire_stories(pipeline, now)
    reader = store.readers.create("reader")

    def order() -> list[str]:
        return [r.article.article.guid or "" for r in reader_feed(store, reader.id, now=now)]

    assert order()[0] == "rugby"  # the newer story leads while nothing is followed
    store.readers.follow(reader.id, FollowKind.TOPIC, "Afghanistan")
    assert order()[0] == "kabul"
    store.readers.follow(reader.id, FollowKind.TOPIC, "Afghanistan", weight=-1.0)  # a mute now
    assert "kabul" not in order()
    store.readers.unfollow(reader.id, FollowKind.TOPIC, "Afghanistan")
    assert order() == ["rugby", "kabul"]
