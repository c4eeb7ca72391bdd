"""What the feed ranking reads and writes: compact article signals for the candidate index,
feed impressions, and readership statistics (clicks per article and per source, co-reads)."""

from __future__ import annotations

import atexit
import itertools
import logging
import threading
import time
import weakref
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from tidings.core import ArticleSignals, EventKind, FollowKind
from tidings.core.text import as_utc, utcnow
from tidings.store._article_rows import KIND_OF_ORIGIN
from tidings.store.engine import read_once
from tidings.store.tables import (
    article_entities,
    article_topics,
    articles,
    entities,
    events,
    feed_impressions,
    follows,
    reader_profiles,
    stories,
    topics,
)

log = logging.getLogger(__name__)
_LIVE: weakref.WeakSet[RankingRepository] = weakref.WeakSet()  # with a writer thread

_WHEN = sa.func.coalesce(articles.c.published, articles.c.fetched_at)
_CHARS_PER_WORD = 6  # body length in characters / this ≈ words
_OPENED = (EventKind.CLICK.value, EventKind.READ.value)
_CHUNK = 900  # ids per IN (...) list
_FOLLOWED = sa.and_(
    follows.c.weight > 0,
    follows.c.kind.not_in((FollowKind.SOURCE.value, FollowKind.AUTHOR.value)),
)


IMPRESSION_FLUSH_S = 0.5  # deferred impressions are written at least this often
IMPRESSION_BUFFER_MAX = 20_000  # pages held while the database refuses them; older ones go


@dataclass(frozen=True)
class StoredProfile:
    """A reader's profile as the feed stored it (the bytes are `rank.encode_profile`'s)."""

    reader_id: int
    marker: tuple[int, int]  # the reader's (number of events, newest event id) it was built from
    built_at: datetime
    format: int
    data: bytes


class RankingRepository:
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._pending: list[dict[str, Any]] = []
        self._pending_lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._wake = threading.Event()
        self._writer: threading.Thread | None = None
        self._pending_profiles: dict[int, StoredProfile] = {}

    # -- articles as ranking sees them ----------------------------------------------------

    def watermark(self) -> tuple[Any, ...]:
        """Changes whenever an article is added, (re-)enriched or given a story, or readers
        follow more or fewer topics and entities: the candidate index is rebuilt when it
        moves."""
        with self._engine.connect() as conn:
            a = conn.execute(
                sa.select(
                    sa.func.max(articles.c.id),
                    sa.func.max(articles.c.enriched_at),
                    sa.func.count(articles.c.story_id),
                )
            ).one()
            s = conn.execute(
                sa.select(sa.func.max(stories.c.id), sa.func.sum(stories.c.size))
            ).one()
            # the topics and entities readers follow decide which older articles it holds
            f = conn.execute(
                sa.select(sa.func.count(sa.distinct(follows.c.value))).where(_FOLLOWED)
            ).scalar()
        return (a[0], str(a[1]), a[2], s[0], s[1], f)

    def signals(
        self,
        *,
        since: datetime | None = None,
        ids: Sequence[int] | None = None,
        limit: int | None = None,
    ) -> list[ArticleSignals]:
        """Articles published (else fetched) since `since`, newest first, or the articles with
        these ids, as compact signals: no text, the embedding as stored, entities and topics."""
        cols = [
            articles.c.id,
            articles.c.source_id,
            articles.c.story_id,
            articles.c.duplicate_of,
            articles.c.published,
            articles.c.fetched_at,
            articles.c.byline,
            articles.c.embedding,
            sa.func.length(articles.c.body_text).label("chars"),
        ]
        out: list[ArticleSignals] = []
        with self._engine.connect() as conn:
            if ids is not None:
                wanted = sorted(set(ids))
                rows: list[Any] = []
                for i in range(0, len(wanted), _CHUNK):
                    rows += conn.execute(
                        sa.select(*cols).where(articles.c.id.in_(wanted[i : i + _CHUNK]))
                    ).all()
            else:
                q = sa.select(*cols).order_by(_WHEN.desc(), articles.c.id.desc())
                if since is not None:
                    q = q.where(since <= _WHEN)
                if limit is not None:
                    q = q.limit(limit)
                rows = list(conn.execute(q).all())
            found = [r.id for r in rows]
            ents = _entities(conn, found)
            tops = _topics(conn, found)
        for r in rows:
            when = as_utc(r.published) or as_utc(r.fetched_at) or utcnow()
            out.append(
                ArticleSignals(
                    id=r.id,
                    when=when,
                    source_id=r.source_id,
                    story_id=r.story_id,
                    duplicate_of=r.duplicate_of,
                    words=int(r.chars or 0) // _CHARS_PER_WORD,
                    embedding=r.embedding,
                    entities=ents.get(r.id, ()),
                    topics=tops.get(r.id, ()),
                    byline=r.byline,
                )
            )
        return out

    def followed_keys(self) -> list[str]:
        """Every topic and entity some reader follows (not mutes, sources or authors)."""
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(follows.c.value).where(_FOLLOWED).distinct()).all()
        return sorted(r[0] for r in rows)

    def newest_about(
        self, keys: Sequence[str], *, since: datetime, before: datetime, per_key: int
    ) -> list[int]:
        """The ids of the newest `per_key` articles published (else fetched) between `since`
        and `before` about each of these topics or naming each of these entities."""
        found: set[int] = set()
        wanted = sorted(set(keys))
        with self._engine.connect() as conn:
            for link, table, col in (
                (article_topics, topics, article_topics.c.topic_id),
                (article_entities, entities, article_entities.c.entity_id),
            ):
                for i in range(0, len(wanted), _CHUNK):
                    ranked = (
                        sa.select(
                            link.c.article_id.label("aid"),
                            sa.func.row_number()
                            .over(
                                partition_by=table.c.key,
                                order_by=(_WHEN.desc(), articles.c.id.desc()),
                            )
                            .label("n"),
                        )
                        .join(table, table.c.id == col)
                        .join(articles, articles.c.id == link.c.article_id)
                        .where(
                            table.c.key.in_(wanted[i : i + _CHUNK]),
                            since <= _WHEN,
                            before > _WHEN,
                        )
                        .subquery()
                    )
                    q = sa.select(ranked.c.aid).where(ranked.c.n <= per_key)
                    found.update(int(r[0]) for r in conn.execute(q))
        return sorted(found)

    def story_sizes(self, story_ids: Sequence[int]) -> dict[int, tuple[int, datetime]]:
        """Each story's number of reports and its newest report's time."""
        out: dict[int, tuple[int, datetime]] = {}
        wanted = sorted(set(story_ids))
        with self._engine.connect() as conn:
            for i in range(0, len(wanted), _CHUNK):
                for r in conn.execute(
                    sa.select(stories.c.id, stories.c.size, stories.c.last_at).where(
                        stories.c.id.in_(wanted[i : i + _CHUNK])
                    )
                ):
                    out[int(r.id)] = (int(r.size), as_utc(r.last_at) or utcnow())
        return out

    # -- impressions ----------------------------------------------------------------------

    def log_impressions(
        self,
        reader_id: int,
        article_ids: Sequence[int],
        *,
        features: bytes | None,
        model: str,
        at: datetime | None = None,
        defer: bool = False,
    ) -> None:
        """Record one served feed page: its articles in rank order and their feature rows.
        With `defer`, the page is written by a background thread within `IMPRESSION_FLUSH_S`
        together with the others served meanwhile (one transaction for many pages, so that
        busy feed requests do not queue on the database's write lock); this process's own
        reads of impressions see it at once."""
        if not article_ids:
            return
        row = {
            "reader_id": reader_id,
            "at": at or utcnow(),
            "article_ids": [int(a) for a in article_ids],
            "features": features,
            "model": model[:64],
        }
        if not defer:
            with self._engine.begin() as conn:
                conn.execute(feed_impressions.insert(), [row])
            return
        with self._pending_lock:
            self._pending.append(row)
            if len(self._pending) > IMPRESSION_BUFFER_MAX:
                dropped = len(self._pending) - IMPRESSION_BUFFER_MAX
                del self._pending[:dropped]
                log.error("feed impressions: %d pages dropped (the database refuses them)", dropped)
            self._start_writer()

    def _start_writer(self) -> None:  # with _pending_lock held
        if self._writer is None:
            self._writer = threading.Thread(
                target=self._write_loop, daemon=True, name="impressions"
            )
            self._writer.start()
            _LIVE.add(self)

    def flush_impressions(self) -> int:
        """Write the deferred impressions (and stored profiles) now; how many pages were
        written. On a database error the pages are kept for the next try (and the error
        logged)."""
        with self._flush_lock:
            self._flush_profiles()
            with self._pending_lock:
                rows, self._pending = self._pending, []
            if not rows:
                return 0
            try:
                with self._engine.begin() as conn:
                    conn.execute(feed_impressions.insert(), rows)
            except sa.exc.SQLAlchemyError:
                log.exception("feed impressions: writing %d pages failed; will retry", len(rows))
                with self._pending_lock:
                    self._pending[:0] = rows
                return 0
            return len(rows)

    def _write_loop(self) -> None:
        idle = 0.0
        while True:
            time.sleep(IMPRESSION_FLUSH_S)
            try:
                wrote = self.flush_impressions()
            except Exception:  # never let the writer die with pages pending
                log.exception("feed impressions: writer failed")
                wrote = 0
            idle = 0.0 if wrote else idle + IMPRESSION_FLUSH_S
            if idle >= 10.0:  # a quiet process: the next page starts a writer again
                with self._pending_lock:
                    if not self._pending and not self._pending_profiles:
                        self._writer = None
                        return

    def shown_counts(
        self,
        reader_id: int,
        *,
        since: datetime,
        until: datetime | None = None,
        pages: int = 50,
    ) -> dict[int, int]:
        """How many times each article was shown to the reader on its last `pages` feed pages
        served between `since` and `until` (deferred ones included)."""
        q = sa.select(feed_impressions.c.at, feed_impressions.c.article_ids).where(
            feed_impressions.c.reader_id == reader_id, feed_impressions.c.at >= since
        )
        if until is not None:
            q = q.where(feed_impressions.c.at < until)
        with self._pending_lock:
            pending = [
                (r["at"], r["article_ids"])
                for r in self._pending
                if r["reader_id"] == reader_id
                and r["at"] >= since
                and (until is None or r["at"] < until)
            ]
        with read_once(self._engine) as conn:
            rows = conn.execute(q.order_by(feed_impressions.c.at.desc()).limit(pages)).all()
        # a page written between the two reads is in both: count it once
        unique = {(as_utc(at), tuple(ids or ())) for at, ids in rows}
        unique.update((as_utc(at), tuple(ids)) for at, ids in pending)
        found = sorted(unique, key=lambda r: r[0] or since, reverse=True)
        return dict(Counter(itertools.chain.from_iterable(ids for _at, ids in found[:pages])))

    def impressions(
        self, *, since: datetime
    ) -> list[tuple[int, int, datetime, list[int], bytes | None, str]]:
        """Every feed page served since `since`: (id, reader, time, article ids, features,
        model), oldest first."""
        self.flush_impressions()
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(feed_impressions)
                .where(feed_impressions.c.at >= since)
                .order_by(feed_impressions.c.at, feed_impressions.c.id)
            ).all()
        return [
            (
                int(r.id),
                int(r.reader_id),
                as_utc(r.at) or utcnow(),
                [int(a) for a in r.article_ids or ()],
                r.features,
                r.model,
            )
            for r in rows
        ]

    # -- reader profiles ------------------------------------------------------------------

    def stored_profile(self, reader_id: int) -> StoredProfile | None:
        """The reader's stored profile (one waiting to be written included), or None."""
        with self._pending_lock:
            pending = self._pending_profiles.get(reader_id)
        if pending is not None:
            return pending
        t = reader_profiles.c
        with self._engine.connect() as conn:
            r = conn.execute(
                sa.select(reader_profiles).where(t.reader_id == reader_id)
            ).one_or_none()
        if r is None:
            return None
        return StoredProfile(
            int(r.reader_id),
            (int(r.events), int(r.last_event)),
            as_utc(r.built_at) or utcnow(),
            int(r.format),
            bytes(r.data),
        )

    def save_profile(self, profile: StoredProfile, *, defer: bool = False) -> None:
        """Store a reader's profile (replacing theirs). With `defer`, the background writer of
        the impressions writes it with them; `stored_profile` sees it at once."""
        if not defer:
            self._write_profiles([profile])
            return
        with self._pending_lock:
            self._pending_profiles[profile.reader_id] = profile
            self._start_writer()

    def _flush_profiles(self) -> int:
        with self._pending_lock:
            batch, self._pending_profiles = list(self._pending_profiles.values()), {}
        if not batch:
            return 0
        try:
            self._write_profiles(batch)
        except sa.exc.SQLAlchemyError:
            # a profile is rebuilt from the events whenever it is missing: nothing is lost
            log.warning("reader profiles: writing %d failed; they will be built again", len(batch))
            return 0
        return len(batch)

    def _write_profiles(self, batch: Sequence[StoredProfile]) -> None:
        rows = [
            {
                "reader_id": p.reader_id,
                "events": p.marker[0],
                "last_event": p.marker[1],
                "built_at": p.built_at,
                "format": p.format,
                "data": p.data,
            }
            for p in batch
        ]
        with self._engine.begin() as conn:
            insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
            stmt = insert(reader_profiles)
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["reader_id"],
                    set_={
                        c: stmt.excluded[c]
                        for c in ("events", "last_event", "built_at", "format", "data")
                    },
                ),
                rows,
            )

    def drop_profiles(self) -> int:
        """Forget every stored profile (they are built again on each reader's next feed)."""
        with self._pending_lock:
            self._pending_profiles = {}
        with self._engine.begin() as conn:
            return int(conn.execute(reader_profiles.delete()).rowcount or 0)

    # -- readership statistics ------------------------------------------------------------

    def opens(
        self, *, after_id: int, since: datetime
    ) -> tuple[list[int], list[float], list[int], list[int]]:
        """The opens (clicks and reads) recorded after event `after_id` that happened at or
        after `since`: their event ids, times (POSIX seconds), articles and readers, the
        readership statistics' newest events."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(events.c.id, events.c.at, events.c.article_id, events.c.reader_id).where(
                    events.c.id > after_id,
                    events.c.at >= since,
                    events.c.article_id.is_not(None),
                    events.c.kind.in_(_OPENED),
                )
            ).all()
        ids = [int(r[0]) for r in rows]
        at = [(as_utc(r[1]) or since).timestamp() for r in rows]
        return ids, at, [int(r[2]) for r in rows], [int(r[3]) for r in rows]

    def source_reads(self, *, since: datetime) -> dict[int, tuple[int, int]]:
        """Per source, opens of its articles since `since` and how many of them were reads of
        at least 10 seconds (a source whose stories keep readers is a good one)."""
        read = sa.and_(events.c.kind == EventKind.READ.value, events.c.dwell_s >= 10)
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(
                    articles.c.source_id,
                    sa.func.count(),
                    sa.func.sum(sa.case((read, 1), else_=0)),
                )
                .join(articles, articles.c.id == events.c.article_id)
                .where(events.c.at >= since, events.c.kind.in_(_OPENED))
                .group_by(articles.c.source_id)
            ).all()
        return {int(s): (int(n), int(r or 0)) for s, n, r in rows if s is not None}

    def interactions(self, *, since: datetime) -> list[tuple[int, int, str, float | None]]:
        """Every open, read and save since `since`: (reader, article, kind, dwell), for the
        co-read model."""
        kinds = (*_OPENED, EventKind.SAVE.value)
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(events.c.reader_id, events.c.article_id, events.c.kind, events.c.dwell_s)
                .where(
                    events.c.at >= since,
                    events.c.article_id.is_not(None),
                    events.c.kind.in_(kinds),
                )
                .order_by(events.c.id)
            ).all()
        return [(int(r[0]), int(r[1]), str(r[2]), r[3]) for r in rows]

    def events_between(
        self, start: datetime, end: datetime
    ) -> list[tuple[int, int | None, str, float | None, datetime]]:
        """Every event in [start, end): (reader, article, kind, dwell, time), oldest first."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(
                    events.c.reader_id,
                    events.c.article_id,
                    events.c.kind,
                    events.c.dwell_s,
                    events.c.at,
                )
                .where(events.c.at >= start, events.c.at < end)
                .order_by(events.c.at, events.c.id)
            ).all()
        return [(int(r[0]), r[1], str(r[2]), r[3], as_utc(r[4]) or start) for r in rows]


def _entities(
    conn: sa.Connection, ids: Sequence[int]
) -> dict[int, tuple[tuple[str, str, float], ...]]:
    out: dict[int, list[tuple[str, str, float]]] = defaultdict(list)
    for i in range(0, len(ids), _CHUNK):
        rows = conn.execute(
            sa.select(
                article_entities.c.article_id,
                entities.c.key,
                entities.c.name,
                article_entities.c.salience,
            )
            .join(entities, entities.c.id == article_entities.c.entity_id)
            .where(article_entities.c.article_id.in_(ids[i : i + _CHUNK]))
        ).all()
        for r in rows:
            out[r.article_id].append((r.key, r.name, float(r.salience)))
    return {k: tuple(sorted(v, key=lambda e: -e[2])) for k, v in out.items()}


def _topics(
    conn: sa.Connection, ids: Sequence[int]
) -> dict[int, tuple[tuple[str, str, str, float], ...]]:
    out: dict[int, list[tuple[str, str, str, float]]] = defaultdict(list)
    for i in range(0, len(ids), _CHUNK):
        rows = conn.execute(
            sa.select(
                article_topics.c.article_id,
                topics.c.key,
                topics.c.label,
                article_topics.c.origin,
                article_topics.c.weight,
            )
            .join(topics, topics.c.id == article_topics.c.topic_id)
            .where(article_topics.c.article_id.in_(ids[i : i + _CHUNK]))
        ).all()
        for r in rows:
            kind = KIND_OF_ORIGIN.get(r.origin, r.origin)
            out[r.article_id].append((r.key, r.label, kind, float(r.weight)))
    return {k: tuple(v) for k, v in out.items()}


@atexit.register
def _flush_all() -> None:
    for repo in list(_LIVE):
        try:
            repo.flush_impressions()
        except Exception:  # at exit, a closed database: nothing more to do
            log.exception("feed impressions: final write failed")
