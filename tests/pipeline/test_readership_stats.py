"""The readership statistics a serving process keeps ("Trending now", velocity): readers per
article over 24 h and the last hour, read once and then only the newest opens, on SQLite and
PostgreSQL. Whatever the path, the counts are those of the events in the window."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from tidings.core import Article, Event, EventKind, Settings, SourceKind
from tidings.core.text import utcnow
from tidings.pipeline import Pipeline
from tidings.pipeline.feedstate import FeedState


def test_statistics_follow_new_opens_and_the_moving_window(
    pipeline: Pipeline, settings: Settings
) -> None:
    store = pipeline.store
    src = store.sources.add("https://wire.example/", SourceKind.FEED)
    base = Article(title="A", body_paragraphs=("Words about something.",), guid="a")
    pipeline.save_articles(src, [base, replace(base, title="B", guid="b")])
    a, b = sorted(store.articles.all_ids())
    r1, r2, r3 = (store.readers.create(n).id for n in ("one", "two", "three"))
    now = utcnow()

    def opened(
        reader: int, article: int, ago: timedelta, kind: EventKind = EventKind.CLICK
    ) -> None:
        store.events.record(Event(reader, article, kind, at=now - ago))

    opened(r1, a, timedelta(hours=2))
    opened(r2, a, timedelta(minutes=30), EventKind.READ)
    opened(r1, a, timedelta(minutes=20))  # the same reader again
    opened(r2, b, timedelta(hours=30))  # before the window
    store.events.record(Event(r3, a, EventKind.HIDE, at=now))  # not an open
    state = FeedState(store, settings.model_copy(update={"feed_stats_ttl_s": 0}))

    assert state.stats(now).opened.as_dict() == {a: (2, 2)}
    opened(r3, b, timedelta(minutes=10))  # read by the next look, as a new open
    stats = state.stats(now)
    assert stats.opened.as_dict() == {a: (2, 2), b: (1, 1)}
    assert stats.trending == [a, b]
    later = now + timedelta(hours=23)  # the window moves on: the last hour is empty
    assert state.stats(later).opened.as_dict() == {a: (2, 0), b: (1, 0)}
    # a window starting before what is held: read again, the 30-hour-old open included
    earlier = now - timedelta(hours=8)
    assert state.stats(earlier).opened.as_dict() == {a: (2, 2), b: (2, 1)}
