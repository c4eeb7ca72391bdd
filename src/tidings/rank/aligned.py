"""The readership context as arrays over the candidate index's rows: computed once per index
and statistics refresh (a loop over every article and story), so that one request only
indexes arrays."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from tidings.rank.index import CandidateIndex
from tidings.rank.readership import OpenCounts

FRESHNESS_HALF_LIFE_H = 36.0
BREAKING_MIN_REPORTS = 3  # a story this big...
BREAKING_HOURS = 3.0  # ...whose newest report is this recent and...
BREAKING_SPAN_HOURS = 12.0  # ...that began this recently is breaking news
LEADS = 50  # the biggest fresh stories whose newest report is a candidate


@dataclass(frozen=True)
class Aligned:
    day: np.ndarray  # readers who opened the row's article in 24 h
    hour: np.ndarray  # ...in the last hour
    quality: np.ndarray  # the row's source's quality (0.5 unknown)
    story_size: np.ndarray  # reports of the row's story (1 without one)
    breaking: np.ndarray  # 1.0 when the row's story is breaking news
    leads: np.ndarray  # rows: newest report of each of the biggest fresh stories
    trending: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # rows, best first


def align(
    index: CandidateIndex,
    now: datetime,
    opened_counts: Mapping[int, tuple[int, int]] | OpenCounts,
    source_quality: Mapping[int, float],
    stories: Mapping[int, tuple[int, datetime, datetime]],
    trending: Sequence[int] = (),
) -> Aligned:
    n = index.size
    day = np.zeros(n, np.float32)
    hour = np.zeros(n, np.float32)
    opened = (
        opened_counts if isinstance(opened_counts, OpenCounts) else OpenCounts.of(opened_counts)
    )
    rows, found = index.locate(opened.ids)
    day[rows] = opened.day[found]
    hour[rows] = opened.hour[found]
    quality = np.full(n, 0.5, np.float32)
    if source_quality and n:
        uniq, inv = np.unique(index.source, return_inverse=True)
        quality = np.asarray([source_quality.get(int(s), 0.5) for s in uniq], np.float32)[inv]
    size = np.ones(n, np.float32)
    breaking = np.zeros(n, np.float32)
    leads = np.zeros(0, np.int64)
    if stories and n:
        t = now.timestamp()
        uniq, inv = np.unique(index.story, return_inverse=True)
        info = [stories.get(int(s)) if s >= 0 else None for s in uniq]
        s_size = np.asarray([i[0] if i else 1 for i in info], np.float32)
        s_first = np.asarray([i[1].timestamp() if i else -math.inf for i in info])
        s_last = np.asarray([i[2].timestamp() if i else -math.inf for i in info])
        s_break = (
            (s_size >= BREAKING_MIN_REPORTS)
            & (t - s_last <= BREAKING_HOURS * 3600)
            & (t - s_first <= BREAKING_SPAN_HOURS * 3600)
        )
        size, breaking = s_size[inv], s_break[inv].astype(np.float32)
        # the biggest fresh stories: size × freshness of the newest report
        fresh = np.power(0.5, np.maximum(t - s_last, 0.0) / 3600.0 / FRESHNESS_HALF_LIFE_H)
        weight = np.where((s_size >= 2) & (uniq >= 0), s_size * fresh, 0.0)
        top = [int(k) for k in np.argsort(-weight)[:LEADS] if weight[k] > 0]
        first_row: dict[int, int] = {}
        for r in np.flatnonzero(np.isin(inv, top)).tolist():  # rows are newest first
            first_row.setdefault(int(inv[r]), int(r))
        leads = np.asarray([first_row[k] for k in top if k in first_row], np.int64)
    return Aligned(day, hour, quality, size, breaking, leads, index.rows_of(list(trending)))
