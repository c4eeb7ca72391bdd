"""Polite polling decisions, as pure functions of headers, dates and error counts."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from tidings.ingest.polling import (
    JITTER,
    backoff_s,
    clamp,
    freshness_s,
    http_date,
    posting_interval_s,
    retry_after_s,
    success_delay_s,
)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
MIN, MAX = 900.0, 86400.0


def test_retry_after_in_seconds_or_as_an_http_date() -> None:
    assert retry_after_s("120", NOW) == 120.0
    assert retry_after_s(" 0 ", NOW) == 0.0
    assert retry_after_s("Mon, 02 Mar 2026 13:30:00 GMT", NOW) == 5400.0
    assert retry_after_s("Mon, 02 Mar 2026 11:00:00 GMT", NOW) == 0.0  # already past
    for unreadable in (None, "", "soon", "-5", "1.5"):
        assert retry_after_s(unreadable, NOW) is None


def test_http_dates() -> None:
    assert http_date("Mon, 02 Mar 2026 12:00:00 GMT") == NOW
    assert http_date("garbage") is None and http_date(None) is None


def test_freshness_from_cache_control_and_expires() -> None:
    assert freshness_s("public, max-age=3600", None, None, NOW) == 3600.0
    assert freshness_s('max-age="600"', None, None, NOW) == 600.0
    assert freshness_s("max-age=3600", None, None, NOW, age="600") == 3000.0
    # max-age wins over Expires
    assert freshness_s("max-age=60", "Mon, 02 Mar 2026 20:00:00 GMT", None, NOW) == 60.0
    assert freshness_s("no-cache", None, None, NOW) == 0.0
    assert freshness_s("private, no-store, max-age=600", None, None, NOW) == 0.0
    # Expires is read against the server's Date, so clock skew does not matter
    assert (
        freshness_s(None, "Mon, 02 Mar 2026 20:00:00 GMT", "Mon, 02 Mar 2026 18:00:00 GMT", NOW)
        == 7200.0
    )
    assert freshness_s(None, "Mon, 02 Mar 2026 13:00:00 GMT", None, NOW) == 3600.0
    assert freshness_s(None, "0", None, NOW) == 0.0  # invalid Expires: already stale
    assert freshness_s("public", None, None, NOW) is None
    assert freshness_s(None, None, None, NOW) is None


def _hourly(n: int, newest: datetime) -> list[datetime | None]:
    return [newest - timedelta(hours=i) for i in range(n)]


def test_posting_interval_follows_the_median_gap_between_recent_items() -> None:
    got = posting_interval_s(_hourly(10, NOW - timedelta(minutes=5)), NOW, minimum=MIN, maximum=MAX)
    assert got == 3600.0
    # 3-hourly items, one undated and a duplicate date: median gap of 3 h
    dates: list[datetime | None] = [NOW - timedelta(hours=3 * i) for i in range(6)]
    dates += [None, dates[0]]
    assert posting_interval_s(dates, NOW, minimum=MIN, maximum=MAX) == 3 * 3600.0


def test_posting_interval_is_bounded_and_needs_two_dates() -> None:
    busy = [NOW - timedelta(minutes=i) for i in range(30)]
    assert posting_interval_s(busy, NOW, minimum=MIN, maximum=MAX) == MIN
    yearly = [NOW - timedelta(days=365 * i) for i in range(3)]
    assert posting_interval_s(yearly, NOW, minimum=MIN, maximum=MAX) == MAX
    assert posting_interval_s([NOW], NOW, minimum=MIN, maximum=MAX) is None
    assert posting_interval_s([None, None], NOW, minimum=MIN, maximum=MAX) is None
    future = [NOW + timedelta(days=30), NOW + timedelta(days=31)]
    assert posting_interval_s(future, NOW, minimum=MIN, maximum=MAX) is None


def test_a_feed_that_went_quiet_is_polled_less_often() -> None:
    # hourly items, but the newest is 2 days old: a quarter of that, 12 h
    stale = _hourly(10, NOW - timedelta(days=2))
    assert posting_interval_s(stale, NOW, minimum=MIN, maximum=MAX) == 12 * 3600.0


def test_only_the_newest_items_count() -> None:
    recent = [NOW - timedelta(minutes=30 * i) for i in range(25)]  # half-hourly lately
    older = [recent[-1] - timedelta(days=i) for i in range(1, 200)]  # daily before that
    assert posting_interval_s(recent + older, NOW, minimum=MIN, maximum=MAX) == 1800.0


def test_cache_freshness_is_a_lower_bound_within_the_limits() -> None:
    assert success_delay_s(3600, None, minimum=MIN, maximum=MAX) == 3600
    assert success_delay_s(3600, 7200, minimum=MIN, maximum=MAX) == 7200
    assert success_delay_s(3600, 60, minimum=MIN, maximum=MAX) == 3600
    assert success_delay_s(3600, 10**9, minimum=MIN, maximum=MAX) == MAX
    assert success_delay_s(10, 0, minimum=MIN, maximum=MAX) == MIN


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    rng = random.Random(7)
    for errors, plain in [(1, 600), (2, 1200), (3, 2400), (4, 4800)]:
        for _ in range(50):
            got = backoff_s(errors, 600, cap=MAX, rng=rng)
            assert plain <= got <= plain * (1 + JITTER)
    delays = {backoff_s(3, 600, cap=MAX, rng=rng) for _ in range(20)}
    assert len(delays) > 1  # jittered: failing sources do not come back in step
    assert backoff_s(40, 600, cap=MAX, rng=rng) == MAX
    assert backoff_s(0, 600, cap=MAX, rng=random.Random(1)) >= 600


@pytest.mark.parametrize(
    ("value", "lo", "hi", "want"),
    [(5, 10, 20, 10), (15, 10, 20, 15), (25, 10, 20, 20), (25, 10, 5, 10)],
)
def test_clamp(value: float, lo: float, hi: float, want: float) -> None:
    assert clamp(value, lo, hi) == want
