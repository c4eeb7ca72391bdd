"""A reader's feed: the serving state (candidate index over the ranking window, readership
statistics, the scorer) kept in the process, the reader's own state read per request, and
`rank.rank_index` to order it. Every feed page served is logged as an impression."""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import anyio.to_thread
import numpy as np
from anyio import CapacityLimiter

from tidings.core import ArticleSignals, Follow, FollowKind, Settings, StoredArticle
from tidings.core.text import normalise_key, utcnow
from tidings.pipeline.memory import release_memory
from tidings.rank import (
    CandidateIndex,
    FeedContext,
    HandScorer,
    RankedItem,
    ReaderProfile,
    Scorer,
    build_profile,
    load_scorer,
    rank_index,
)
from tidings.rank.aligned import Aligned, align
from tidings.rank.coread import CoReadModel
from tidings.rank.features import ReaderArrays, reader_arrays
from tidings.rank.profile import (
    PROFILE_FORMAT,
    ProfileFormatError,
    decode_profile,
    encode_profile,
)
from tidings.rank.scoring import COREAD, load_coread
from tidings.store import Store, StoredProfile

log = logging.getLogger(__name__)
_T = TypeVar("_T")

TRENDING_WINDOW = timedelta(hours=24)  # readers who opened a story in this window make it popular
VELOCITY_WINDOW = timedelta(hours=1)
SOURCE_QUALITY_WINDOW = timedelta(days=30)
SOURCE_QUALITY_TTL_S = 900.0  # source quality is read again this often (with statistics on)
SHOWN_WINDOW = timedelta(days=3)
# Pages served this recently do not count as showings yet: paging through a feed, or coming
# back to it a minute later, does not reshuffle it.
SHOWN_SETTLE = timedelta(minutes=10)
PROFILE_EVENTS = 1000  # a reader's newest events that make their profile
PROFILE_CACHE = 5000  # readers whose profiles each process keeps (about 20 kB each)
# A profile is built again after this long even without a new event. Time decay scales every
# weight of a profile alike, so an hour changes its affinities by well under 1 %.
PROFILE_MAX_AGE = timedelta(hours=1)
# A followed topic or entity with fewer articles than this in the window is slow: its newest
# this many articles of the lookback before the window join the index too (at most MAX).
SLOW_TOPIC_MIN = 10
SLOW_TOPIC_LOOKBACK = timedelta(days=30)
SLOW_TOPIC_MAX = 20_000
PER_INTEREST = 100  # nearest articles of each interest vector that are candidates
# Articles of feed pages each process keeps (about 2 kB each), and other coverage as headlines
# (under 1 kB each): 2,000 active readers' first pages name ~26k articles and ~42k copies.
ARTICLE_CACHE = 25_000
HEADLINE_CACHE = 50_000
BACKGROUND_CHECK_S = 15.0  # a large index looks for new articles at most this often
SYNC_REBUILD_MAX = 5000  # an index this big is rebuilt in the background


@dataclass(frozen=True)
class _Reader:
    """What one reader's feed needs of their history, kept between their requests."""

    profile: ReaderProfile
    disliked: frozenset[str]  # subjects of their "fewer like this" stories
    arrays: ReaderArrays  # the profile as arrays over the index (nearest articles included)
    marker: tuple[int, int]  # the reader's events it was built from (count, newest id)
    built_at: datetime  # the time its decay was computed for
    index_id: int  # the index `arrays` is over


@dataclass
class _Stats:
    at: float = 0.0
    opened: dict[int, tuple[int, int]] = field(default_factory=dict)
    trending: list[int] = field(default_factory=list)
    source_quality: dict[int, float] = field(default_factory=dict)
    quality_at: float = 0.0  # when source_quality was read (monotonic)


class FeedService:
    """The feed ranking state of one process. Thread-safe; the index is rebuilt when the
    store's articles change (checked on every request: one small query)."""

    def __init__(self, store: Store, settings: Settings | None = None) -> None:
        self.store = store
        s = settings or Settings()
        self.window = timedelta(hours=s.feed_window_hours)
        self.min_articles = s.feed_min_articles
        self.max_articles = s.feed_max_articles
        self.stats_ttl = s.feed_stats_ttl_s
        self.model_dir: Path | None = s.model_dir
        self.explore = s.feed_exploration
        self.refresh_s = s.feed_refresh_s
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()
        self._checked = 0.0
        self._rebuilding = False
        self._stats_busy = False
        # Feeds computed at once in this process: more would only share the same cores and
        # the interpreter lock, and make every one of them slower.
        self._slots = threading.BoundedSemaphore(max(s.feed_concurrency, 1))
        self._concurrency = max(s.feed_concurrency, 1)
        self._limiter: CapacityLimiter | None = None  # made in the server's event loop
        self._index: CandidateIndex | None = None
        self._watermark: object = None
        self._stories: dict[int, tuple[int, datetime, datetime]] = {}
        self._stats = _Stats()
        self._scorer: Scorer = HandScorer()
        self._scorer_stamp: object = None
        self._scorer_checked = 0.0
        self._aligned_cache: tuple[tuple[int, float], Aligned] | None = None
        self._profiles: OrderedDict[int, _Reader] = OrderedDict()
        self._coread: CoReadModel | None = None
        self._articles: OrderedDict[int, StoredArticle] = OrderedDict()
        self._headlines: OrderedDict[int, StoredArticle] = OrderedDict()
        self._coread_items: tuple[int, np.ndarray] | None = None  # (id of index, factors)
        # canonical keys of followed entity names, per index: (id of index, names → keys)
        self._canonical: tuple[int, dict[tuple[str, ...], dict[str, str]]] = (0, {})

    # -- serving state --------------------------------------------------------------------

    def index(self) -> CandidateIndex:
        """The candidate index, rebuilt when the store's articles changed (looked at every
        `feed_refresh_s`). A large index is checked (at most every `BACKGROUND_CHECK_S`) and
        rebuilt in the background while the current one serves; a small one (tests, a new
        install) at once."""
        now = time.monotonic()
        with self._lock:
            current = self._index
            large = current is not None and current.size >= SYNC_REBUILD_MAX
            every = max(self.refresh_s, BACKGROUND_CHECK_S) if large else self.refresh_s
            if current is not None and now - self._checked < every:
                return current
            if current is not None and large:
                # a large index is checked and rebuilt in the background while it serves
                self._checked = now
                if not self._rebuilding:
                    self._rebuilding = True
                    threading.Thread(
                        target=self._refresh_index, daemon=True, name="feed-index"
                    ).start()
                return current
        mark = self.store.ranking.watermark()
        with self._lock:
            self._checked = now
            current = self._index
            if current is not None and mark == self._watermark:
                return current
        return self._rebuild(mark)

    def _refresh_index(self) -> None:
        try:
            mark = self.store.ranking.watermark()
            with self._lock:
                same = mark == self._watermark
            if not same:
                self._rebuild(mark)
        except Exception:  # the current index serves on; the next check tries again
            log.exception("refreshing the feed index failed")
        finally:
            with self._lock:
                self._rebuilding = False

    def _rebuild(self, mark: object) -> CandidateIndex:
        with self._build_lock:  # one build at a time; a second caller takes the first's
            try:
                with self._lock:
                    if self._index is not None and self._watermark == mark:
                        return self._index
                started = time.perf_counter()
                since = utcnow() - self.window
                signals = self.store.ranking.signals(since=since, limit=self.max_articles)
                if len(signals) < self.min_articles:
                    # a quiet install (or the demo): the newest articles, however old
                    signals = self.store.ranking.signals(limit=self.min_articles)
                else:
                    signals += self._slow_topics(signals, since)
                index = CandidateIndex(signals)
                story_ids = sorted({int(s) for s in index.story if s >= 0})
                sizes = self.store.ranking.story_sizes(story_ids)
                first: dict[int, float] = {}
                for row in np.flatnonzero(index.story >= 0).tolist():
                    sid, when = int(index.story[row]), float(index.when[row])
                    first[sid] = min(first.get(sid, when), when)
                stories = {
                    sid: (size, _utc(first.get(sid, last.timestamp())), last)
                    for sid, (size, last) in sizes.items()
                }
                with self._lock:
                    self._index, self._stories, self._watermark = index, stories, mark
                    self._articles, self._headlines = OrderedDict(), OrderedDict()
                del signals
                release_memory()  # the build's garbage (row objects, lists) goes back to the OS
                log.info(
                    "feed index: %d articles in %.2f s", index.size, time.perf_counter() - started
                )
                return index
            finally:
                with self._lock:
                    self._rebuilding = False

    def _slow_topics(self, signals: list[ArticleSignals], since: datetime) -> list[ArticleSignals]:
        """Older articles for the followed topics and entities the window holds little of: a
        reader who follows a topic that is written about once a week still sees its latest
        stories (ranked as old as they are)."""
        followed = set(self.store.ranking.followed_keys())
        if not followed:
            return []
        counts: dict[str, int] = dict.fromkeys(followed, 0)
        for s in signals:
            for key in {normalise_key(t[0]) for t in s.topics} | {
                normalise_key(e[0]) for e in s.entities
            }:
                if key in counts:
                    counts[key] += 1
        slow = [k for k, n in counts.items() if n < SLOW_TOPIC_MIN]
        if not slow:
            return []
        have = {s.id for s in signals}
        ids = self.store.ranking.newest_about(
            slow, since=since - SLOW_TOPIC_LOOKBACK, before=since, per_key=SLOW_TOPIC_MIN
        )
        ids = [a for a in ids if a not in have][:SLOW_TOPIC_MAX]
        log.info("feed index: %d older articles for %d slow topics", len(ids), len(slow))
        return self.store.ranking.signals(ids=ids) if ids else []

    def stats(self, now: datetime) -> _Stats:
        """Readership statistics, read again every `feed_stats_ttl_s`: by one background
        thread while requests go on with the previous ones (at once when the time to live is
        0, or when there are none yet)."""
        with self._lock:
            current = self._stats
            if current.at > 0 and self.stats_ttl > 0:
                if self._stats_busy or time.monotonic() - current.at < self.stats_ttl:
                    return current
                self._stats_busy = True
                threading.Thread(
                    target=self._refresh_stats, args=(now,), daemon=True, name="feed-stats"
                ).start()
                return current
        return self._read_stats(now)

    def _refresh_stats(self, now: datetime) -> None:
        try:
            self._read_stats(now)
        except Exception:  # the previous statistics serve on; the next request tries again
            log.exception("reading the feed statistics failed")
        finally:
            with self._lock:
                self._stats_busy = False

    def _read_stats(self, now: datetime) -> _Stats:
        opened = self.store.ranking.opened_counts(
            since=now - TRENDING_WINDOW, recent=now - VELOCITY_WINDOW
        )
        trending = sorted(opened, key=lambda a: (-(opened[a][1] * 6 + opened[a][0]), -a))[:200]
        previous = self._stats
        if (
            self.stats_ttl > 0
            and previous.quality_at > 0
            and time.monotonic() - previous.quality_at < SOURCE_QUALITY_TTL_S
        ):
            quality, quality_at = previous.source_quality, previous.quality_at
        else:  # a month of opens: slow to read and slow to change
            quality_at = time.monotonic()
            quality = {
                s: (reads + 2.0) / (n + 4.0)
                for s, (n, reads) in self.store.ranking.source_reads(
                    since=now - SOURCE_QUALITY_WINDOW
                ).items()
            }
        stats = _Stats(time.monotonic(), opened, trending, quality, quality_at)
        with self._lock:
            self._stats = stats
        return stats

    def _aligned(self, index: CandidateIndex, stats: _Stats, now: datetime) -> Aligned:
        """The readership statistics as arrays over the index, made once per index and
        statistics refresh."""
        key = (id(index), stats.at)
        with self._lock:
            if self._aligned_cache is not None and self._aligned_cache[0] == key:
                return self._aligned_cache[1]
        arrays = align(index, now, stats.opened, stats.source_quality, self._stories)
        with self._lock:
            self._aligned_cache = (key, arrays)
        return arrays

    def _profile(
        self, reader_id: int, marker: tuple[int, int], index: CandidateIndex, now: datetime
    ) -> _Reader:
        """The reader's profile, the subjects of their "fewer like this" stories and the
        articles nearest their interests. A profile is built from the reader's events once
        and stored, for every serving process and restart; it is built again when the reader
        does something new (their event marker moves) or it is older than
        `PROFILE_MAX_AGE`. This process keeps the last `PROFILE_CACHE` readers' in memory."""
        with self._lock:
            hit = self._profiles.get(reader_id)
            if hit is not None:
                self._profiles.move_to_end(reader_id)
        if hit is not None and (hit.marker != marker or not _fresh(hit.built_at, now)):
            hit = None
        if hit is not None and hit.index_id == id(index):
            return hit
        if hit is not None:  # a new index: the same profile over its rows
            profile, disliked, built_at = hit.profile, hit.disliked, hit.built_at
        else:
            profile, disliked, built_at = self._stored_or_built(reader_id, marker, index, now)
        state = _Reader(
            profile,
            disliked,
            reader_arrays(index, profile, per_interest=PER_INTEREST),
            marker,
            built_at,
            id(index),
        )
        with self._lock:
            self._profiles[reader_id] = state
            self._profiles.move_to_end(reader_id)
            while len(self._profiles) > PROFILE_CACHE:
                self._profiles.popitem(last=False)
        return state

    def _stored_or_built(
        self, reader_id: int, marker: tuple[int, int], index: CandidateIndex, now: datetime
    ) -> tuple[ReaderProfile, frozenset[str], datetime]:
        store = self.store
        stored = store.ranking.stored_profile(reader_id)
        if (
            stored is not None
            and stored.marker == marker
            and stored.format == PROFILE_FORMAT
            and _fresh(stored.built_at, now)
        ):
            try:
                profile, disliked = decode_profile(stored.data)
                return profile, disliked, stored.built_at
            except ProfileFormatError as exc:
                log.warning(
                    "reader %d: stored profile unreadable (%s); building it", reader_id, exc
                )
        events = store.events.for_reader(reader_id, newest=PROFILE_EVENTS)
        named = {e.article_id for e in events if e.article_id is not None}
        missing = sorted(a for a in named if a not in index.row_of)
        older = CandidateIndex(store.ranking.signals(ids=missing)) if missing else None
        indexes = [index] + ([older] if older is not None else [])
        profile = build_profile(events, indexes, now)
        disliked = frozenset(_subjects(indexes, profile.fewer) if profile.fewer else ())
        store.ranking.save_profile(
            StoredProfile(
                reader_id, marker, now, PROFILE_FORMAT, encode_profile(profile, disliked)
            ),
            defer=True,
        )
        return profile, disliked, now

    def _resolved(self, follows: list[Follow], index: CandidateIndex) -> list[Follow]:
        """Entity follows made before their entity was known under its full name ("SpaceX",
        "Lavrov") match that entity ("Sergey Lavrov") once enrichment has seen both names
        (looked up once per index: enrichment that learns a name changes the index too)."""
        names = tuple(sorted({f.value for f in follows if f.kind is FollowKind.ENTITY}))
        if not names:
            return follows
        with self._lock:
            if self._canonical[0] != id(index):
                self._canonical = (id(index), {})
            canonical = self._canonical[1].get(names)
        if canonical is None:
            canonical = self.store.understanding.canonical_keys(list(names))
            with self._lock:
                if self._canonical[0] == id(index) and len(self._canonical[1]) < PROFILE_CACHE:
                    self._canonical[1][names] = canonical
        return [
            replace(f, value=canonical[f.value]) if f.value in canonical else f for f in follows
        ]

    def _articles_of(self, ids: list[int], *, full: bool) -> dict[int, StoredArticle]:
        """The articles of a feed page (without bodies and entities), or with `full` false
        their other coverage (headlines only), from caches kept until the index is rebuilt
        (when an article may have been enriched again)."""
        with self._lock:
            cache = self._articles if full else self._headlines
            found = {a: cache[a] for a in ids if a in cache}
            for a in found:
                cache.move_to_end(a)
        missing = [a for a in ids if a not in found]
        if missing:
            repo = self.store.articles
            loaded = repo.by_ids(missing, with_entities=False) if full else repo.headlines(missing)
            found.update((art.id, art) for art in loaded)
            with self._lock:
                if cache is self._articles or cache is self._headlines:
                    for art in loaded:
                        cache[art.id] = art
                    while len(cache) > (ARTICLE_CACHE if full else HEADLINE_CACHE):
                        cache.popitem(last=False)
        return found

    def scorer(self) -> Scorer:
        """The current model, reloaded when `tidings train` names a new one (checked at most
        every few seconds)."""
        if self.model_dir is None:
            return self._scorer
        now = time.monotonic()
        if now - self._scorer_checked < 5.0 and self._scorer_stamp is not None:
            return self._scorer
        self._scorer_checked = now
        pointer = self.model_dir / "current.json"
        try:
            stamp: object = pointer.stat().st_mtime_ns
        except OSError:
            stamp = "none"
        try:
            stamp = (stamp, (self.model_dir / COREAD).stat().st_mtime_ns)
        except OSError:
            stamp = (stamp, "none")
        if stamp != self._scorer_stamp:
            self._scorer = load_scorer(self.model_dir)
            self._coread = load_coread(self.model_dir)
            self._coread_items = None
            self._scorer_stamp = stamp
            log.info(
                "feed scorer: %s; co-read model: %s",
                self._scorer.name,
                "none" if self._coread is None else f"{len(self._coread.reader_ids)} readers",
            )
        return self._scorer

    def coread(
        self, index: CandidateIndex, reader_id: int
    ) -> tuple[np.ndarray | None, np.ndarray | None]:
        """The reader's co-read factors and the index rows' (None without a model or when the
        reader was not in its training data)."""
        model = self._coread
        if model is None:
            return None, None
        user = model.reader(reader_id)
        if user is None:
            return None, None
        with self._lock:
            cached = self._coread_items
            if cached is None or cached[0] != id(index):
                cached = (id(index), model.items_for(index))
                self._coread_items = cached
        return user, cached[1]

    # -- one reader -----------------------------------------------------------------------

    def feed(
        self,
        reader_id: int,
        *,
        limit: int = 50,
        offset: int = 0,
        now: datetime | None = None,
        log_impressions: bool = True,
    ) -> list[RankedItem]:
        """The ranked feed page of one reader (NotFoundError for an unknown reader)."""
        with self._slots:
            return self._feed(
                reader_id, limit=limit, offset=offset, now=now, log_impressions=log_impressions
            )

    async def run(self, fn: Callable[..., _T], *args: object) -> _T:
        """`fn(*args)`, the blocking work of one feed request (reading, ranking and shaping the
        page), in a worker thread, at most `feed_concurrency` at once in this process. The
        others wait on the event loop, not in threads of their own: fifty feed requests in
        flight as fifty threads spend the cores taking the interpreter lock from each other."""
        if self._limiter is None:
            self._limiter = CapacityLimiter(self._concurrency)
        return await anyio.to_thread.run_sync(fn, *args, limiter=self._limiter)

    def warm(self) -> None:
        """Build the candidate index and read the statistics now (a server does this at start,
        not on its first request)."""
        try:
            self.index()
            self.stats(utcnow())
        except Exception:  # the first request will try again and report the error
            log.exception("building the feed index at start failed")

    def _feed(
        self,
        reader_id: int,
        *,
        limit: int,
        offset: int,
        now: datetime | None,
        log_impressions: bool,
    ) -> list[RankedItem]:
        store = self.store
        marker = store.events.marker(reader_id)  # NotFoundError for an unknown reader
        when = now or utcnow()
        index = self.index()
        follows = self._resolved(store.readers.follows(reader_id), index)
        state = self._profile(reader_id, marker, index, when)
        profile = state.profile
        stats = self.stats(when)
        scorer = self.scorer()
        collab_user, collab_items = self.coread(index, reader_id)
        ctx = FeedContext(
            now=when,
            opened_counts=stats.opened,
            trending=stats.trending,
            source_quality=stats.source_quality,
            stories=self._stories,
            aligned=self._aligned(index, stats, when),
            shown=store.ranking.shown_counts(
                reader_id, since=when - SHOWN_WINDOW, until=when - SHOWN_SETTLE
            ),
            disliked_subjects=state.disliked,
            collab_user=collab_user,
            collab_items=collab_items,
        )
        picks = rank_index(
            index,
            profile,
            follows,
            ctx,
            scorer,
            limit=limit,
            offset=offset,
            explore=self.explore,
            reader=state.arrays,
        )
        ids = [p.article_id for p in picks]
        also = sorted({a for p in picks for a in p.also})
        found = self._articles_of(ids, full=True)
        found.update(self._articles_of([a for a in also if a not in found], full=False))
        items = [
            RankedItem(
                article=found[p.article_id],
                score=p.score,
                reason=p.reason,
                matched=p.matched,
                also=tuple(found[a] for a in p.also if a in found),
                features=p.features,
                explore=p.explore,
            )
            for p in picks
            if p.article_id in found
        ]
        if log_impressions and items:
            feats = np.vstack([it.features for it in items if it.features is not None])
            store.ranking.log_impressions(
                reader_id,
                [it.article.id for it in items],
                features=feats.astype("<f2").tobytes(),
                model=scorer.name,
                at=when,
                defer=True,
            )
        return items


def _fresh(built_at: datetime, now: datetime) -> bool:
    return abs(now - built_at) <= PROFILE_MAX_AGE


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=UTC)


def _subjects(indexes: list[CandidateIndex], ids: frozenset[int]) -> set[str]:
    """The subjects of these articles (tags, places, salient entities), by key."""
    out: set[str] = set()
    for index in indexes:
        for a in ids:
            row = index.row_of.get(a)
            if row is not None:
                out.update(index.subjects_of(row))
    return out


_SERVICES: weakref.WeakKeyDictionary[Store, FeedService] = weakref.WeakKeyDictionary()
_SERVICES_LOCK = threading.Lock()


def feed_service(store: Store, settings: Settings | None = None) -> FeedService:
    """The feed service of this store in this process (made on first use)."""
    with _SERVICES_LOCK:
        service = _SERVICES.get(store)
        if service is None:
            service = FeedService(store, settings)
            _SERVICES[store] = service
        return service


def reader_feed(
    store: Store,
    reader_id: int,
    *,
    limit: int = 50,
    offset: int = 0,
    now: datetime | None = None,
    log_impressions: bool = True,
) -> list[RankedItem]:
    """The ranked feed of one reader (raises NotFoundError for an unknown reader)."""
    return feed_service(store).feed(
        reader_id, limit=limit, offset=offset, now=now, log_impressions=log_impressions
    )
