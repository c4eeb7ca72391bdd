"""What the whole readership opens, over a sliding window, as arrays: kept up to date from the
newest events only (a serving process reads the opens since its last look, not the whole
day again), and counted per article as distinct readers ("Trending now", velocity)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

_READER_BITS = 31  # reader ids below 2**31 pack with their article into one int64


@dataclass(frozen=True)
class OpenCounts:
    """Per article: readers who opened it in the window and in the recent part of it."""

    ids: np.ndarray  # article ids, sorted
    day: np.ndarray  # distinct readers in the whole window
    hour: np.ndarray  # distinct readers in the recent part

    @staticmethod
    def empty() -> OpenCounts:
        z = np.zeros(0, np.int64)
        return OpenCounts(z, z, z)

    @staticmethod
    def of(counts: Mapping[int, tuple[int, int]]) -> OpenCounts:
        """From a mapping article id → (window, recent)."""
        ids = np.fromiter(counts.keys(), np.int64, len(counts))
        both = np.asarray(list(counts.values()), np.int64).reshape(-1, 2)
        order = np.argsort(ids)
        return OpenCounts(ids[order], both[order, 0], both[order, 1])

    def as_dict(self) -> dict[int, tuple[int, int]]:
        return dict(
            zip(
                self.ids.tolist(),
                zip(self.day.tolist(), self.hour.tolist(), strict=True),
                strict=True,
            )
        )

    def trending(self, k: int) -> list[int]:
        """The `k` articles opened most lately: recent readers count six times (velocity),
        then the whole window; newer ids first among equals."""
        if len(self.ids) == 0:
            return []
        order = np.lexsort((-self.ids, -(self.hour * 6 + self.day)))[:k]
        out: list[int] = self.ids[order].tolist()
        return out


class OpenLog:
    """The opens (event id, time, article, reader) of a window of time, newest added as they
    come. Not thread-safe: one refresher owns it."""

    def __init__(self) -> None:
        self.last_id = 0  # the newest event id read
        self.since = float("inf")  # every open at or after this time (and ≤ last_id) is held
        self._at = np.zeros(0, np.float64)
        self._article = np.zeros(0, np.int64)
        self._reader = np.zeros(0, np.int64)

    def __len__(self) -> int:
        return len(self._at)

    def covers(self, since: float) -> bool:
        """Whether the log holds every open from `since` on (up to `last_id`)."""
        return since >= self.since

    def reset(self, since: float) -> None:
        """Forget everything: the next `add` starts a window at `since`."""
        self.__init__()  # type: ignore[misc]
        self.since = since

    def add(self, ids: np.ndarray, at: np.ndarray, article: np.ndarray, reader: np.ndarray) -> None:
        """Opens read since the last look (their ids above `last_id`)."""
        if len(ids) == 0:
            return
        self._at = np.concatenate([self._at, np.asarray(at, np.float64)])
        self._article = np.concatenate([self._article, np.asarray(article, np.int64)])
        self._reader = np.concatenate([self._reader, np.asarray(reader, np.int64)])
        self.last_id = max(self.last_id, int(np.max(ids)))

    def forget_before(self, since: float) -> None:
        """Drop the opens older than `since` (the window moved on)."""
        keep = self._at >= since
        if not keep.all():
            self._at, self._article, self._reader = (
                self._at[keep],
                self._article[keep],
                self._reader[keep],
            )
        self.since = max(self.since, since) if self.since != float("inf") else self.since

    def counts(self, since: float, recent: float) -> OpenCounts:
        """Distinct readers per article who opened it at or after `since`, and at or after
        `recent`."""
        in_window = self._at >= since
        if not in_window.any():
            return OpenCounts.empty()
        pairs = np.unique((self._article[in_window] << _READER_BITS) | self._reader[in_window])
        ids, day = np.unique(pairs >> _READER_BITS, return_counts=True)
        lately = self._at >= max(recent, since)
        hour = np.zeros(len(ids), np.int64)
        if lately.any():
            recent_pairs = np.unique((self._article[lately] << _READER_BITS) | self._reader[lately])
            r_ids, r_counts = np.unique(recent_pairs >> _READER_BITS, return_counts=True)
            hour[np.searchsorted(ids, r_ids)] = r_counts
        return OpenCounts(ids, day.astype(np.int64), hour)
