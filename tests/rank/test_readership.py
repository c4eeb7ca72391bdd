"""Readers per article over a sliding window, kept up to date from the newest opens only: the
counts must be what counting every open again gives."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tidings.rank.readership import OpenCounts, OpenLog

DAY = 86_400.0
HOUR = 3_600.0


def _brute(opens: list[tuple[int, float, int, int]], since: float, recent: float) -> dict:
    day: dict[int, set[int]] = defaultdict(set)
    hour: dict[int, set[int]] = defaultdict(set)
    for _id, at, article, reader in opens:
        if at >= since:
            day[article].add(reader)
            if at >= recent:
                hour[article].add(reader)
    return {a: (len(r), len(hour.get(a, ()))) for a, r in day.items()}


def _add(log: OpenLog, batch: list[tuple[int, float, int, int]]) -> None:
    if batch:
        ids, at, article, reader = (np.asarray(c) for c in zip(*batch, strict=True))
        log.add(ids, at, article, reader)


def test_distinct_readers_in_the_window_and_the_last_hour() -> None:
    log = OpenLog()
    log.reset(0.0)
    now = 10 * DAY
    _add(
        log,
        [
            (1, now - 2 * DAY, 7, 1),  # outside the day
            (2, now - 5 * HOUR, 7, 1),
            (3, now - 4 * HOUR, 7, 1),  # the same reader again: still one
            (4, now - 0.5 * HOUR, 7, 2),
            (5, now - 0.2 * HOUR, 8, 3),
            *((5 + r, now - 3 * HOUR, 9, r) for r in range(1, 6)),  # five readers, none lately
        ],
    )
    counts = log.counts(now - DAY, now - HOUR)
    assert counts.as_dict() == {7: (2, 1), 8: (1, 1), 9: (5, 0)}
    assert counts.trending(5) == [7, 8, 9]  # one recent reader weighs six of the day's
    assert log.last_id == 10
    log.forget_before(now - DAY)
    assert len(log) == 9 and log.covers(now - DAY) and not log.covers(now - 2 * DAY)


def test_empty_and_from_a_mapping() -> None:
    log = OpenLog()
    assert not log.covers(0.0)  # a new log holds nothing until it is reset
    assert log.counts(0.0, 0.0).as_dict() == {}
    assert OpenCounts.of({3: (4, 1), 1: (2, 0)}).ids.tolist() == [1, 3]
    assert OpenCounts.empty().trending(3) == []


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=3 * DAY),  # when
            st.integers(min_value=1, max_value=6),  # article
            st.integers(min_value=1, max_value=5),  # reader
        ),
        max_size=60,
    ),
    st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=5),
)
def test_incremental_counts_equal_counting_everything_again(
    opens: list[tuple[float, int, int]], cuts: list[int]
) -> None:
    """Opens arrive in batches (in id order, their times in any order); after each batch the
    window moves on to the newest time seen, as a serving process refreshes it."""
    rows = [(i + 1, at, a, r) for i, (at, a, r) in enumerate(opens)]
    log = OpenLog()
    log.reset(0.0)
    start = 0
    clock = DAY
    for cut in [*sorted(set(cuts)), len(rows)]:
        batch = rows[start:cut]
        start = max(start, cut)
        clock = max([clock] + [at for _i, at, _a, _r in batch])
        since = clock - DAY
        _add(log, [o for o in batch if o[1] >= since])  # as the store answers: in the window
        log.forget_before(since)
        got = log.counts(since, clock - HOUR).as_dict()
        assert got == _brute(rows[:start], since, clock - HOUR)
