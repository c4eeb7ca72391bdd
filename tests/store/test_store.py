"""Storage on SQLite and PostgreSQL alike (the `db_url` fixture runs each test on both)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tidings.core import (
    Article,
    ConflictError,
    EntityLabel,
    EntityMention,
    Event,
    EventKind,
    FollowKind,
    Image,
    InvalidInputError,
    NotFoundError,
    RelatedLink,
    SourceKind,
    Video,
)
from tidings.store import FetchRecord, Store, StoredProfile, metadata
from tidings.store.tables import events

EXPECTED_TABLES = {
    "sources",
    "fetch_log",
    "articles",
    "topics",
    "article_topics",
    "entities",
    "article_entities",
    "readers",
    "follows",
    "events",
    "feed_impressions",
    "reader_profiles",
    "alembic_version",
}


def _article(**kw: object) -> Article:
    base: dict[str, object] = {
        "title": "Turmoil in Afghanistan binding China and Russia even closer",
        "body_paragraphs": ("First paragraph.", "Second paragraph."),
        "url": "https://example.com/news/1",
        "guid": "guid-1",
        "standfirst": ("Bullet one", "Bullet two"),
        "byline": "Jane Doe",
        "published": datetime(2021, 8, 17, 3, 0, tzinfo=UTC),
        "language": "en",
        "publisher": "Example Post",
        "topics": ("Afghanistan", "Diplomacy"),
        "images": (Image(url=None, caption="Ministers meet", credit="AFP"),),
        "videos": (Video(title="A video", duration_s=130),),
        "related": (RelatedLink(title="Another story", url=None),),
        "print_headline": "China, Russia to work together",
        "comment_count": 44,
    }
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


def test_migrations_create_every_table_and_match_the_models(store: Store) -> None:
    names = set(sa.inspect(store.engine).get_table_names())
    assert names >= EXPECTED_TABLES
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_migrate_twice_is_harmless(db_url: str) -> None:
    Store.open(db_url).close()
    again = Store.open(db_url)
    assert again.articles.count() == 0
    again.close()


def test_sqlite_uses_wal_and_foreign_keys(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_sources_add_get_list_and_conflict(store: Store) -> None:
    s = store.sources.add(
        "https://example.com/feed.xml", SourceKind.FEED, title="Example", folder="News"
    )
    assert s.id > 0 and s.kind is SourceKind.FEED and s.title == "Example" and s.folder == "News"
    assert store.sources.get(s.id) == s
    assert store.sources.find_by_url("https://example.com/feed.xml") == s
    assert store.sources.find_by_url("https://nope.example/") is None
    with pytest.raises(ConflictError):
        store.sources.add("https://example.com/feed.xml", SourceKind.FEED)
    with pytest.raises(NotFoundError):
        store.sources.get(9999)
    assert [x.id for x in store.sources.list()] == [s.id]


def test_polling_state_success_failure_and_fetch_log(store: Store) -> None:
    s = store.sources.add("https://example.com/a.xml", SourceKind.FEED, poll_interval_s=600)
    paused = store.sources.add("https://example.com/b.xml", SourceKind.FEED, active=False)
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert [x.id for x in store.sources.due(now)] == [s.id]  # never polled, paused excluded
    ok = FetchRecord(s.id, now, s.url, 200, 1234, 50, 3, 2, None)
    store.sources.record_success(
        s.id, ok, etag='"abc"', last_modified="Wed, 01 Jan 2026", title="A"
    )
    got = store.sources.get(s.id)
    assert got.etag == '"abc"' and got.last_modified == "Wed, 01 Jan 2026" and got.title == "A"
    assert got.next_poll_at == now + timedelta(seconds=600)
    assert store.sources.due(now) == []
    assert [x.id for x in store.sources.due(now + timedelta(seconds=601))] == [s.id]

    bad = FetchRecord(s.id, now, s.url, 500, None, 20, 0, 0, "HTTP 500 Internal Server Error")
    store.sources.record_failure(s.id, bad)
    store.sources.record_failure(s.id, bad)
    got = store.sources.get(s.id)
    assert got.error_count == 2 and got.last_error == "HTTP 500 Internal Server Error"
    assert got.next_poll_at is not None and got.next_poll_at >= now + timedelta(seconds=1200)
    log = store.sources.fetch_log(s.id)
    assert [r.status for r in log] == [500, 500, 200]
    assert log[-1].items_new == 2 and log[0].error == "HTTP 500 Internal Server Error"
    assert store.sources.get(paused.id).active is False


def test_article_round_trip_with_topics_and_entities(store: Store) -> None:
    src = store.sources.add("https://example.com/feed", SourceKind.FEED)
    ents = [
        EntityMention("Wang Yi", EntityLabel.PERSON, count=12, salience=0.45, first_offset=300),
        EntityMention("Afghanistan", EntityLabel.PLACE, count=11, salience=0.8, first_offset=14),
    ]
    art = _article()
    aid, created = store.articles.save(
        art,
        source_id=src.id,
        canonical_url="https://example.com/news/1",
        content_hash="h1",
        body_html="<p>First paragraph.</p><p>Second paragraph.</p>",
        entities_found=ents,
    )
    assert created
    got = store.articles.get(aid)
    assert got.article == art
    assert got.source_id == src.id and got.canonical_url == "https://example.com/news/1"
    assert [(e.name, e.label) for e in got.entities] == [
        ("Afghanistan", EntityLabel.PLACE),
        ("Wang Yi", EntityLabel.PERSON),
    ]
    assert store.articles.count() == 1
    with pytest.raises(NotFoundError):
        store.articles.get(aid + 100)


def test_saving_the_same_article_again_stores_nothing(store: Store) -> None:
    src = store.sources.add("https://example.com/feed", SourceKind.FEED)
    kw = {"source_id": src.id, "body_html": "<p>x</p>"}
    first, created = store.articles.save(
        _article(), canonical_url="https://example.com/news/1", content_hash="h1", **kw
    )
    assert created
    # same canonical URL, different content hash and GUID
    again, created = store.articles.save(
        _article(guid="other"), canonical_url="https://example.com/news/1", content_hash="h2", **kw
    )
    assert (again, created) == (first, False)
    # same GUID from the same source, different URL
    again, created = store.articles.save(
        _article(url="https://example.com/x"),
        canonical_url="https://example.com/x",
        content_hash="h3",
        **kw,
    )
    assert (again, created) == (first, False)
    # same content, different URL and GUID
    again, created = store.articles.save(
        _article(guid="g9"), canonical_url="https://example.com/y", content_hash="h1", **kw
    )
    assert (again, created) == (first, False)
    assert store.articles.count() == 1


def test_recent_and_matching_queries(store: Store) -> None:
    def save(i: int, day: int, topics: tuple[str, ...], ents: list[EntityMention]) -> int:
        aid, _ = store.articles.save(
            _article(
                title=f"Story {i}",
                guid=f"g{i}",
                url=f"https://example.com/{i}",
                published=datetime(2021, 8, day, tzinfo=UTC),
                topics=topics,
            ),
            source_id=None,
            canonical_url=f"https://example.com/{i}",
            content_hash=f"h{i}",
            body_html="",
            entities_found=ents,
        )
        return aid

    a = save(1, 1, ("Afghanistan",), [])
    b = save(2, 3, ("Sport",), [EntityMention("Wang Yi", EntityLabel.PERSON)])
    c = save(3, 2, ("Science",), [])
    assert [x.id for x in store.articles.recent(10)] == [b, c, a]
    assert [x.article.body_paragraphs for x in store.articles.recent(1)] == [()]  # no bodies
    assert {
        x.id for x in store.articles.matching(topic_keys=["afghanistan"], entity_keys=["wang yi"])
    } == {a, b}
    assert store.articles.matching(topic_keys=[], entity_keys=[]) == []
    assert [x.id for x in store.articles.by_ids([c, a])] == [c, a]
    # other coverage on a feed page: headlines only, in the order asked, unknown ids left out
    heads = store.articles.headlines([c, 999_999, a])
    assert [(h.id, h.article.url) for h in heads] == [
        (c, store.articles.get(c).article.url),
        (a, store.articles.get(a).article.url),
    ]
    assert heads[0].article.title == store.articles.get(c).article.title
    assert heads[0].topics == () and heads[0].article.standfirst == ()


def test_readers_follows_and_mutes(store: Store) -> None:
    alice = store.readers.create("Alice")
    assert store.readers.find("Alice") == alice == store.readers.find(str(alice.id))
    with pytest.raises(ConflictError):
        store.readers.create("Alice")
    with pytest.raises(InvalidInputError):
        store.readers.create("   ")
    with pytest.raises(NotFoundError):
        store.readers.find("Bob")
    store.readers.follow(alice.id, FollowKind.TOPIC, "Afghanistan")
    store.readers.follow(alice.id, FollowKind.ENTITY, "Wang  Yi")
    store.readers.follow(alice.id, FollowKind.TOPIC, "Sport", weight=-1.0)
    store.readers.follow(alice.id, FollowKind.TOPIC, "afghanistan", weight=2.0)  # update, not dup
    follows = {(f.kind, f.value): f for f in store.readers.follows(alice.id)}
    assert set(follows) == {
        (FollowKind.TOPIC, "afghanistan"),
        (FollowKind.ENTITY, "wang yi"),
        (FollowKind.TOPIC, "sport"),
    }
    assert follows[(FollowKind.TOPIC, "afghanistan")].weight == 2.0
    assert follows[(FollowKind.TOPIC, "sport")].muted
    assert follows[(FollowKind.ENTITY, "wang yi")].label == "Wang Yi"
    assert store.readers.unfollow(alice.id, FollowKind.TOPIC, "Sport") is True
    assert store.readers.unfollow(alice.id, FollowKind.TOPIC, "Sport") is False
    with pytest.raises(NotFoundError):
        store.readers.follow(999, FollowKind.TOPIC, "x")
    with pytest.raises(InvalidInputError):
        store.readers.follow(alice.id, FollowKind.SOURCE, "not-a-number")


def test_reader_state_moves_with_every_event_follow_mute_and_unfollow(store: Store) -> None:
    alice = store.readers.create("Alice")
    first = store.readers.state(alice.id)
    assert first.reader == alice and first.marker == (0, 0)
    seen = [first.follows_version]
    store.readers.follow(alice.id, FollowKind.TOPIC, "Afghanistan")
    seen.append(store.readers.state(alice.id).follows_version)
    store.readers.follow(alice.id, FollowKind.TOPIC, "Afghanistan", weight=-1.0)  # now a mute
    seen.append(store.readers.state(alice.id).follows_version)
    store.readers.unfollow(alice.id, FollowKind.TOPIC, "Afghanistan")
    seen.append(store.readers.state(alice.id).follows_version)
    store.readers.unfollow(alice.id, FollowKind.TOPIC, "Afghanistan")  # nothing to remove
    seen.append(store.readers.state(alice.id).follows_version)
    assert seen == [0, 1, 2, 3, 3]
    store.events.record(Event(alice.id, None, EventKind.FOLLOW, value="x"))
    store.events.record(Event(alice.id, None, EventKind.FOLLOW, value="y"))
    state = store.readers.state(alice.id)
    with store.engine.connect() as conn:
        newest = conn.execute(
            sa.select(sa.func.max(events.c.id)).where(events.c.reader_id == alice.id)
        ).scalar_one()
    assert state.marker == (2, newest)
    bob = store.readers.create("Bob")
    assert store.readers.state(bob.id).marker == (0, 0)  # Alice's events are hers
    with pytest.raises(NotFoundError):
        store.readers.state(999)


def test_events_are_recorded_in_order(store: Store) -> None:
    r = store.readers.create("Reader")
    aid, _ = store.articles.save(
        _article(), source_id=None, canonical_url=None, content_hash="h", body_html=""
    )
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    kinds = list(EventKind)
    for i, kind in enumerate(kinds):
        store.events.record(
            Event(
                r.id,
                aid,
                kind,
                dwell_s=42.5 if kind is EventKind.READ else None,
                at=t0 + timedelta(minutes=i),
            )
        )
    got = store.events.for_reader(r.id)
    assert [e.kind for e in got] == kinds
    assert next(e for e in got if e.kind is EventKind.READ).dwell_s == 42.5
    assert got[0].at == t0
    assert (
        store.events.for_reader(r.id, since=t0 + timedelta(minutes=len(kinds) - 1))[0].kind
        is kinds[-1]
    )


def test_deleting_a_source_keeps_its_articles(store: Store) -> None:
    src = store.sources.add("https://example.com/feed", SourceKind.FEED)
    aid, _ = store.articles.save(
        _article(), source_id=src.id, canonical_url=None, content_hash="h", body_html=""
    )
    from tidings.store.tables import sources

    with store.engine.begin() as conn:
        conn.execute(sources.delete().where(sources.c.id == src.id))
    assert store.articles.get(aid).source_id is None


def test_reader_profiles_are_stored_replaced_deferred_and_dropped(store: Store) -> None:
    a, b = store.readers.create("ann"), store.readers.create("bob")
    at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert store.ranking.stored_profile(a.id) is None
    store.ranking.save_profile(StoredProfile(a.id, (3, 17), at, 1, b"\x00first"))
    got = store.ranking.stored_profile(a.id)
    assert got == StoredProfile(a.id, (3, 17), at, 1, b"\x00first")
    # a new build replaces it
    later = at + timedelta(minutes=5)
    store.ranking.save_profile(StoredProfile(a.id, (4, 20), later, 1, b"second"))
    assert store.ranking.stored_profile(a.id) == StoredProfile(a.id, (4, 20), later, 1, b"second")
    # deferred: seen at once by this process, in the database after the writer's flush
    store.ranking.save_profile(StoredProfile(b.id, (1, 21), later, 1, b"bob's"), defer=True)
    assert store.ranking.stored_profile(b.id) is not None
    other = Store(store.engine)  # another process's view: the database only
    store.ranking.flush_impressions()
    assert other.ranking.stored_profile(b.id) == StoredProfile(b.id, (1, 21), later, 1, b"bob's")
    assert store.ranking.drop_profiles() == 2
    assert store.ranking.stored_profile(a.id) is None
    assert other.ranking.stored_profile(b.id) is None


def test_a_profile_that_cannot_be_written_is_dropped_with_a_warning(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    # no such reader: the foreign key refuses it (the profile would only be built again)
    store.ranking.save_profile(StoredProfile(999, (1, 1), at, 1, b"x"), defer=True)
    store.ranking.flush_impressions()
    assert "reader profiles: writing 1 failed" in caplog.text
    assert store.ranking.stored_profile(999) is None
