"""The part of the feed's serving state that every reader shares, one per process: the
candidate index over the ranking window (rebuilt when the store's articles change), the size
and span of each of its stories, and the readership statistics (readers per article lately,
source quality) with their arrays over the index. Refreshed by background threads while
requests go on with the current ones."""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np

from tidings.core import ArticleSignals, Settings
from tidings.core.text import normalise_key, utcnow
from tidings.pipeline.memory import release_memory
from tidings.rank import CandidateIndex
from tidings.rank.aligned import Aligned, align
from tidings.rank.features import TRENDING
from tidings.rank.readership import OpenCounts, OpenLog
from tidings.store import Store

log = logging.getLogger(__name__)

TRENDING_WINDOW = timedelta(hours=24)  # readers who opened a story in this window make it popular
VELOCITY_WINDOW = timedelta(hours=1)
SOURCE_QUALITY_WINDOW = timedelta(days=30)
SOURCE_QUALITY_TTL_S = 900.0  # source quality is read again this often (with statistics on)
# The opens behind the statistics are read as they come; all of them again this often (an
# open committed out of id order, or a deleted reader's, is set right then).
OPENS_RELOAD_S = 900.0
# A followed topic or entity with fewer articles than this in the window is slow: its newest
# this many articles of the lookback before the window join the index too (at most MAX).
SLOW_TOPIC_MIN = 10
SLOW_TOPIC_LOOKBACK = timedelta(days=30)
SLOW_TOPIC_MAX = 20_000
BACKGROUND_CHECK_S = 15.0  # a large index looks for new articles at most this often
SYNC_REBUILD_MAX = 5000  # an index this big is rebuilt in the background

Story = tuple[int, datetime, datetime]  # reports, first report, newest report


@dataclass
class Stats:
    """The readership statistics at one moment."""

    at: float = 0.0  # when they were read (monotonic; 0: never)
    opened: OpenCounts = field(default_factory=OpenCounts.empty)
    trending: list[int] = field(default_factory=list)
    source_quality: dict[int, float] = field(default_factory=dict)
    quality_at: float = 0.0  # when source_quality was read (monotonic)


class FeedState:
    """The candidate index and the readership statistics of one process; thread-safe."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.window = timedelta(hours=settings.feed_window_hours)
        self.min_articles = settings.feed_min_articles
        self.max_articles = settings.feed_max_articles
        self.stats_ttl = settings.feed_stats_ttl_s
        self.refresh_s = settings.feed_refresh_s
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()
        self._checked = 0.0
        self._rebuilding = False
        self._stats_busy = False
        self._index: CandidateIndex | None = None
        self._watermark: object = None
        self._stories: dict[int, Story] = {}
        # the index before the current one (not kept alive for this) and its stories
        self._previous: tuple[Callable[[], CandidateIndex | None], dict[int, Story]] = (
            lambda: None,
            {},
        )
        self._stats = Stats()
        self._opens = OpenLog()
        self._opens_lock = threading.Lock()
        self._opens_loaded = 0.0
        self._aligned_cache: dict[tuple[int, float], Aligned] = {}

    def stories(self, index: CandidateIndex) -> dict[int, Story]:
        """Each story of this index: its size and the times of its first and newest reports
        (those of the index before it too, for a request that began before the swap)."""
        with self._lock:
            if self._index is index:
                return self._stories
            if self._previous[0]() is index:
                return self._previous[1]
            return {}

    def warm(self) -> None:
        """Build the candidate index and read the statistics now (a server does this at start,
        not on its first request)."""
        try:
            self.index()
            self.stats(utcnow())
        except Exception:  # the first request will try again and report the error
            log.exception("building the feed index at start failed")

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
                    self._in_background(
                        self._refresh_index, "refreshing the feed index", "_rebuilding"
                    )
                return current
        mark = self.store.ranking.watermark()
        with self._lock:
            self._checked = now
            current = self._index
            if current is not None and mark == self._watermark:
                return current
        return self._rebuild(mark)

    def _refresh_index(self) -> None:
        mark = self.store.ranking.watermark()
        with self._lock:
            same = mark == self._watermark
        if not same:
            self._rebuild(mark)

    def _in_background(self, work: Callable[[], object], what: str, busy: str) -> None:
        """`work` in a thread of its own; the busy flag named `busy` (set by the caller) is
        cleared when it ends. A failure is logged: what is current serves on, the next check
        tries again."""

        def run() -> None:
            try:
                work()
            except Exception:
                log.exception("%s failed", what)
            finally:
                with self._lock:
                    setattr(self, busy, False)

        threading.Thread(target=run, daemon=True, name=f"feed-{busy.strip('_')}").start()

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
                stats = self._stats
                if stats.at > 0:  # its statistics' arrays before it serves
                    self._align(index, stories, stats, utcnow())
                with self._lock:
                    if self._index is not None:
                        self._previous = (weakref.ref(self._index), self._stories)
                    self._index, self._stories, self._watermark = index, stories, mark
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

    def stats(self, now: datetime) -> Stats:
        """Readership statistics, read again every `feed_stats_ttl_s`: by one background
        thread while requests go on with the previous ones (at once when the time to live is
        0, or when there are none yet)."""
        with self._lock:
            current = self._stats
            if current.at > 0 and self.stats_ttl > 0:
                if self._stats_busy or time.monotonic() - current.at < self.stats_ttl:
                    return current
                self._stats_busy = True
                self._in_background(
                    lambda: self._read_stats(now), "reading the feed statistics", "_stats_busy"
                )
                return current
        return self._read_stats(now)

    def _read_stats(self, now: datetime) -> Stats:
        opened = self._read_opens(now)
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
        stats = Stats(time.monotonic(), opened, opened.trending(TRENDING), quality, quality_at)
        with self._lock:
            index, stories = self._index, self._stories
        if index is not None:  # made here, not in the request that first needs it
            self._align(index, stories, stats, now)
        with self._lock:
            self._stats = stats
        return stats

    def _read_opens(self, now: datetime) -> OpenCounts:
        """Readers per article over the trending window: the opens since the last look are
        added and the expired ones dropped (all of them are read again every
        `OPENS_RELOAD_S`, or when the window starts before what is held)."""
        since = now - TRENDING_WINDOW
        with self._opens_lock:
            opens = self._opens
            if (
                not opens.covers(since.timestamp())
                or time.monotonic() - self._opens_loaded > OPENS_RELOAD_S
            ):
                opens.reset(since.timestamp())
                self._opens_loaded = time.monotonic()
            ids, at, article, reader = self.store.ranking.opens(after_id=opens.last_id, since=since)
            opens.add(
                np.asarray(ids, np.int64), np.asarray(at), np.asarray(article), np.asarray(reader)
            )
            opens.forget_before(since.timestamp())
            return opens.counts(since.timestamp(), (now - VELOCITY_WINDOW).timestamp())

    def _align(
        self,
        index: CandidateIndex,
        stories: dict[int, tuple[int, datetime, datetime]],
        stats: Stats,
        now: datetime,
    ) -> Aligned:
        arrays = align(index, now, stats.opened, stats.source_quality, stories, stats.trending)
        with self._lock:
            # the current index's and a new one's, while it is being swapped in
            self._aligned_cache[(index.serial, stats.at)] = arrays
            while len(self._aligned_cache) > 2:
                del self._aligned_cache[next(iter(self._aligned_cache))]
        return arrays

    def aligned(self, index: CandidateIndex, stats: Stats, now: datetime) -> Aligned:
        """The readership statistics as arrays over the index, made once per index and
        statistics refresh (by the thread that read the statistics or built the index)."""
        with self._lock:
            found = self._aligned_cache.get((index.serial, stats.at))
        if found is not None:
            return found
        return self._align(index, self.stories(index), stats, now)


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=UTC)
