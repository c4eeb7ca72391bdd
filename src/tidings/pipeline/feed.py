"""A reader's feed: the serving state (candidate index over the ranking window, readership
statistics, the scorer) kept in the process, the reader's own state read per request, and
`rank.rank_index` to order it. Every feed page served is logged as an impression."""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

import anyio.to_thread
import numpy as np
from anyio import CapacityLimiter

from tidings.core import Follow, FollowKind, Reader, Settings, StoredArticle
from tidings.core.lru import Lru
from tidings.core.text import utcnow
from tidings.pipeline.feedstate import FeedState
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
from tidings.store.stories import StoryRow

log = logging.getLogger(__name__)
_T = TypeVar("_T")

SHOWN_WINDOW = timedelta(days=3)
# Pages served this recently do not count as showings yet: paging through a feed, or coming
# back to it a minute later, does not reshuffle it.
SHOWN_SETTLE = timedelta(minutes=10)
PROFILE_EVENTS = 1000  # a reader's newest events that make their profile
PROFILE_CACHE = 5000  # readers whose profiles each process keeps (about 20 kB each)
# A profile is built again after this long even without a new event. Time decay scales every
# weight of a profile alike, so an hour changes its affinities by well under 1 %.
PROFILE_MAX_AGE = timedelta(hours=1)
PER_INTEREST = 100  # nearest articles of each interest vector that are candidates
# Articles of feed pages each process keeps (about 2 kB each), and other coverage as headlines
# (under 1 kB each): 2,000 active readers' first pages name ~26k articles and ~42k copies.
ARTICLE_CACHE = 50_000
HEADLINE_CACHE = 100_000
SHOWN_REUSE_S = 300.0  # a reader's settled showings are read again after this long


@dataclass(frozen=True)
class _Reader:
    """What one reader's feed needs of their history, kept between their requests."""

    profile: ReaderProfile  # slim: the interests (the rest is in `arrays`)
    disliked: frozenset[str]  # subjects of their "fewer like this" stories
    arrays: ReaderArrays  # the profile as arrays over the index (nearest articles included)
    marker: tuple[int, int]  # the reader's events it was built from (count, newest id)
    built_at: datetime  # the time its decay was computed for
    index_id: int  # the index `arrays` is over (its serial)
    model: int  # the co-read model its co-read candidates came from (its serial)


@dataclass(frozen=True)
class FeedPage:
    """One page of a reader's feed, with the stories its articles belong to."""

    reader: Reader
    items: list[RankedItem]
    stories: dict[int, StoryRow]
    # the index the page was ranked over: its articles and stories are as loaded under it
    # (enrichment that changes an article changes the index too)
    serial: int = 0


@dataclass(frozen=True)
class _Follows:
    version: int  # the reader's follows version they were read at
    index_id: int  # the index their entity names were resolved against (its serial)
    follows: list[Follow]


@dataclass(frozen=True)
class _Shown:
    at: float  # monotonic time they were read
    until: datetime  # the settling cut-off they were read for
    counts: tuple[np.ndarray, np.ndarray]  # article ids (sorted) and times shown


class FeedService:
    """The feed ranking state of one process. Thread-safe; the index is rebuilt when the
    store's articles change (checked on every request: one small query)."""

    def __init__(self, store: Store, settings: Settings | None = None) -> None:
        self.store = store
        s = settings or Settings()
        self.state = FeedState(store, s)
        self.model_dir: Path | None = s.model_dir
        self.explore = s.feed_exploration
        self._lock = threading.Lock()
        # Feeds computed at once in this process: more would only share the same cores and
        # the interpreter lock, and make every one of them slower.
        self._concurrency = s.feed_concurrency or (1 if store.backend == "sqlite" else 2)
        self._slots = threading.BoundedSemaphore(self._concurrency)
        self._limiter: CapacityLimiter | None = None  # made in the server's event loop
        self._scorer: Scorer = HandScorer()
        self._scorer_stamp: object = None
        self._scorer_checked = 0.0
        self._profiles: Lru[int, _Reader] = Lru(PROFILE_CACHE)
        self._coread: CoReadModel | None = None
        self._coread_serial = 0  # moves with every model loaded
        # articles, other coverage (headlines) and stories of feed pages, kept while the index
        # they were loaded under serves (a rebuild may follow enrichment that changed them)
        self._cached_under = 0  # the serial of that index
        self._articles: Lru[int, StoredArticle] = Lru(ARTICLE_CACHE)
        self._headlines: Lru[int, StoredArticle] = Lru(HEADLINE_CACHE)
        self._story_rows: Lru[int, StoryRow] = Lru(ARTICLE_CACHE)
        self._follows: Lru[int, _Follows] = Lru(PROFILE_CACHE)
        self._shown: Lru[int, _Shown] = Lru(PROFILE_CACHE)
        self._coread_items: tuple[int, np.ndarray] | None = None  # (id of index, factors)
        # canonical keys of followed entity names, per index: (id of index, names → keys)
        self._canonical: tuple[int, dict[tuple[str, ...], dict[str, str]]] = (0, {})

    def _profile(
        self,
        reader_id: int,
        marker: tuple[int, int],
        index: CandidateIndex,
        now: datetime,
        collab: tuple[np.ndarray | None, np.ndarray | None] = (None, None),
    ) -> _Reader:
        """The reader's profile, the subjects of their "fewer like this" stories and the
        articles nearest their interests. A profile is built from the reader's events once
        and stored, for every serving process and restart; it is built again when the reader
        does something new (their event marker moves) or it is older than
        `PROFILE_MAX_AGE`. This process keeps the last `PROFILE_CACHE` readers' in memory."""
        hit = self._profiles.get(reader_id)
        if hit is not None and (hit.marker != marker or not _fresh(hit.built_at, now)):
            hit = None
        if hit is not None and hit.index_id == index.serial and hit.model == self._coread_serial:
            return hit
        # a new reader here, or a new index (the profile is read again: only the part a
        # request needs is kept in memory)
        profile, disliked, built_at = self._stored_or_built(reader_id, marker, index, now)
        state = _Reader(
            _slim(profile),
            disliked,
            reader_arrays(
                index, profile, per_interest=PER_INTEREST, disliked=disliked, collab=collab
            ),
            marker,
            built_at,
            index.serial,
            self._coread_serial,
        )
        self._profiles.put(reader_id, state)
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
            if self._canonical[0] != index.serial:
                self._canonical = (index.serial, {})
            canonical = self._canonical[1].get(names)
        if canonical is None:
            canonical = self.store.understanding.canonical_keys(list(names))
            with self._lock:
                if self._canonical[0] == index.serial and len(self._canonical[1]) < PROFILE_CACHE:
                    self._canonical[1][names] = canonical
        return [
            replace(f, value=canonical[f.value]) if f.value in canonical else f for f in follows
        ]

    def _follows_of(self, reader_id: int, version: int, index: CandidateIndex) -> list[Follow]:
        """The reader's follows (entity names resolved), kept until their follows version
        moves or the index is rebuilt."""
        hit = self._follows.get(reader_id)
        if hit is not None and hit.version == version and hit.index_id == index.serial:
            return hit.follows
        follows = self._resolved(self.store.readers.follows(reader_id), index)
        self._follows.put(reader_id, _Follows(version, index.serial, follows))
        return follows

    def _shown_of(self, reader_id: int, when: datetime) -> tuple[np.ndarray, np.ndarray]:
        """How often each article was shown to the reader on pages that have settled (served
        `SHOWN_SETTLE` ago or earlier), read again after `SHOWN_REUSE_S`: a page settles
        ten minutes after it was served and counts for three days, so a few minutes' delay
        changes nothing a reader sees."""
        until = when - SHOWN_SETTLE
        hit = self._shown.get(reader_id)
        if (
            hit is not None
            and time.monotonic() - hit.at < SHOWN_REUSE_S
            and abs((hit.until - until).total_seconds()) < SHOWN_REUSE_S
        ):
            return hit.counts
        shown = self.store.ranking.shown_counts(reader_id, since=when - SHOWN_WINDOW, until=until)
        ids = np.fromiter(shown.keys(), np.int64, len(shown))
        order = np.argsort(ids)
        counts = (ids[order], np.fromiter(shown.values(), np.int64, len(shown))[order])
        self._shown.put(reader_id, _Shown(time.monotonic(), until, counts))
        return counts

    def _caches_for(self, index: CandidateIndex) -> None:
        """Empty the page caches when a new index serves."""
        with self._lock:
            if self._cached_under != index.serial:
                self._cached_under = index.serial
                self._articles = Lru(ARTICLE_CACHE)
                self._headlines = Lru(HEADLINE_CACHE)
                self._story_rows = Lru(ARTICLE_CACHE)

    def stories_of(self, story_ids: list[int]) -> dict[int, StoryRow]:
        """These stories (size, lead article and title), from a cache kept until the index is
        rebuilt (new articles change stories)."""
        cache = self._story_rows  # a new index replaces it: a late put goes to the old one
        found = cache.get_many(story_ids)
        missing = [s for s in story_ids if s not in found]
        if missing:
            loaded = self.store.stories.stories_of(missing)
            found.update(loaded)
            cache.put_many(loaded.items())
        return found

    def _articles_of(self, ids: list[int], *, full: bool) -> dict[int, StoredArticle]:
        """The articles of a feed page (without bodies and entities), or with `full` false
        their other coverage (headlines only), from caches kept until the index is rebuilt
        (when an article may have been enriched again)."""
        cache = self._articles if full else self._headlines  # see stories_of
        found = cache.get_many(ids)
        missing = [a for a in ids if a not in found]
        if missing:
            repo = self.store.articles
            loaded = repo.by_ids(missing, with_entities=False) if full else repo.headlines(missing)
            pairs = [(art.id, art) for art in loaded]
            found.update(pairs)
            cache.put_many(pairs)
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
            self._coread_serial += 1
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
            if cached is None or cached[0] != index.serial:
                cached = (index.serial, model.items_for(index))
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
        return self.page(
            reader_id, limit=limit, offset=offset, now=now, log_impressions=log_impressions
        ).items

    def page(
        self,
        reader_id: int,
        *,
        limit: int = 50,
        offset: int = 0,
        now: datetime | None = None,
        log_impressions: bool = True,
    ) -> FeedPage:
        """The reader, their ranked feed page and its stories (NotFoundError for an unknown
        reader)."""
        with self._slots:
            reader, items, serial = self._feed(
                reader_id, limit=limit, offset=offset, now=now, log_impressions=log_impressions
            )
        stories = self.stories_of(
            sorted({it.article.story_id for it in items if it.article.story_id is not None})
        )
        return FeedPage(reader, items, stories, serial)

    async def run(self, fn: Callable[..., _T], *args: object) -> _T:
        """`fn(*args)`, the blocking work of one feed request (reading, ranking and shaping the
        page), in a worker thread, at most `feed_concurrency` at once in this process. The
        others wait on the event loop, not in threads of their own: fifty feed requests in
        flight as fifty threads spend the cores taking the interpreter lock from each other."""
        if self._limiter is None:
            self._limiter = CapacityLimiter(self._concurrency)
        return await anyio.to_thread.run_sync(fn, *args, limiter=self._limiter)

    def warm(self) -> None:
        """Build the candidate index and read the statistics now (see `FeedState.warm`)."""
        self.state.warm()

    def _feed(
        self,
        reader_id: int,
        *,
        limit: int,
        offset: int,
        now: datetime | None,
        log_impressions: bool,
    ) -> tuple[Reader, list[RankedItem], int]:
        store = self.store
        # the reader, their event marker and follows version (NotFoundError when unknown)
        seen = store.readers.state(reader_id)
        when = now or utcnow()
        index = self.state.index()
        self._caches_for(index)
        follows = self._follows_of(reader_id, seen.follows_version, index)
        scorer = self.scorer()
        collab_user, collab_items = self.coread(index, reader_id)
        state = self._profile(reader_id, seen.marker, index, when, (collab_user, collab_items))
        profile = state.profile
        stats = self.state.stats(when)
        ctx = FeedContext(
            now=when,
            opened_counts=stats.opened,
            trending=stats.trending,
            source_quality=stats.source_quality,
            stories=self.state.stories(index),
            aligned=self.state.aligned(index, stats, when),
            shown=self._shown_of(reader_id, when),
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
        return seen.reader, items, index.serial


def _slim(profile: ReaderProfile) -> ReaderProfile:
    """What a feed request needs of a profile once its arrays over the index are made: the
    interest vectors and whether anything is known (a full profile holds hundreds of
    affinities by name, ten times the memory)."""
    return ReaderProfile(
        interests=profile.interests,
        interest_weights=profile.interest_weights,
        positive_weight=profile.positive_weight,
    )


def _fresh(built_at: datetime, now: datetime) -> bool:
    return abs(now - built_at) <= PROFILE_MAX_AGE


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
