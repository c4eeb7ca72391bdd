"""Reader profiles are built once and stored: another serving process (or a restart) ranks
the reader's feed from the stored profile without reading their events again, and builds it
again when the reader does something new, when it is too old or when it cannot be read."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tidings.core import Article, Event, EventKind, Settings, SourceKind
from tidings.core.text import utcnow
from tidings.pipeline import Pipeline
from tidings.pipeline.feed import PROFILE_MAX_AGE, FeedService
from tidings.store import Store, StoredProfile

SUBJECTS = ("Kabul", "Football", "Markets", "Climate")


def _articles() -> list[Article]:
    return [
        Article(
            title=f"{SUBJECTS[i % 4]} report number {i}",
            body_paragraphs=(f"A report about {SUBJECTS[i % 4]}, number {i}, with more words.",),
            guid=f"g{i}",
            topics=(SUBJECTS[i % 4],),
            published=utcnow() - timedelta(hours=1 + i),
        )
        for i in range(24)
    ]


class _Counting:
    """The events repository of a store, counting the reads of a reader's events."""

    def __init__(self, store: Store) -> None:
        self.reads = 0
        real = store.events.for_reader

        def for_reader(*args: object, **kw: object) -> list[Event]:
            self.reads += 1
            return real(*args, **kw)  # type: ignore[arg-type]

        store.events.for_reader = for_reader  # type: ignore[method-assign]


def _titles(service: FeedService, reader_id: int, **kw: object) -> list[str]:
    return [
        it.article.article.title
        for it in service.feed(reader_id, limit=10, log_impressions=False, **kw)  # type: ignore[arg-type]
    ]


def test_a_profile_is_built_once_for_every_process_and_again_after_a_new_event(
    pipeline: Pipeline, settings: Settings, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = pipeline.store
    source = store.sources.add("https://wire.example/", SourceKind.FEED)
    assert pipeline.save_articles(source, _articles()) == 24
    ids = {a.article.title: a.id for a in store.articles.recent(100)}
    reader = store.readers.create("kabul-reader")
    for i in range(0, 24, 4):  # reads every Kabul report but one
        if i != 20:
            store.events.record(
                Event(reader.id, ids[f"Kabul report number {i}"], EventKind.READ, dwell_s=60)
            )
    first = FeedService(store, settings)
    built = _Counting(store)
    before = _titles(first, reader.id)
    assert built.reads == 1 and before[0] == "Kabul report number 20"
    store.ranking.flush_impressions()  # the deferred write of the profile
    stored = store.ranking.stored_profile(reader.id)
    assert stored is not None and stored.marker == store.readers.state(reader.id).marker

    # another process: the same feed from the stored profile, the events not read
    other_store = Store.open(db_url)
    try:
        other = FeedService(other_store, settings)
        reads = _Counting(other_store)
        assert _titles(other, reader.id) == before
        assert reads.reads == 0

        # a new event: the profile is built again (once), and the feed reflects it
        store.events.record(Event(reader.id, ids["Kabul report number 20"], EventKind.HIDE))
        after = _titles(other, reader.id)
        assert reads.reads == 1 and "Kabul report number 20" not in after
        assert _titles(other, reader.id) == after and reads.reads == 1

        # too old: built again, even without a new event
        later = utcnow() + PROFILE_MAX_AGE + timedelta(minutes=1)
        _titles(FeedService(other_store, settings), reader.id, now=later)
        assert reads.reads == 2

        # unreadable bytes: a warning, and a profile built from the events
        other_store.ranking.flush_impressions()
        bad = other_store.ranking.stored_profile(reader.id)
        assert bad is not None
        other_store.ranking.save_profile(
            StoredProfile(reader.id, bad.marker, bad.built_at, bad.format, b"TDPF\x01broken")
        )
        assert _titles(FeedService(other_store, settings), reader.id, now=later) == _titles(
            other, reader.id, now=later
        )
        assert reads.reads == 3
        assert "stored profile unreadable" in caplog.text
    finally:
        other_store.close()
