"""Polite polling, as pure functions: when to come back to a source.

- After a success, every source is polled at an interval that follows its posting rate (the
  median gap between its recent items, longer when it has gone quiet), never more often than its
  cache headers (Cache-Control max-age, Expires) say the answer stays fresh, and always within
  the configured minimum and maximum.
- After 429 or 503 with Retry-After, the server's wish is honoured (up to the maximum).
- After any other error, exponential backoff with jitter, capped.
"""

from __future__ import annotations

import itertools
import random
import re
import statistics
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

RECENT_ITEMS = 20  # how many of the newest items the posting rate is taken from
QUIET_FACTOR = 4  # a quiet feed is polled at least every (time since newest item) / this
JITTER = 0.2  # backoff delays are stretched by up to this fraction, at random

_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)\"?\s*(?:,|$)", re.I)
_NO_CACHE = re.compile(r"(?:^|,)\s*(no-cache|no-store)\b", re.I)


def clamp(seconds: float, minimum: float, maximum: float) -> float:
    """`seconds` within [minimum, maximum] (a maximum below the minimum counts as the minimum)."""
    return min(max(seconds, minimum), max(minimum, maximum))


def http_date(value: str | None) -> datetime | None:
    """An HTTP-date ("Wed, 21 Oct 2026 07:28:00 GMT") as an aware datetime, else None."""
    if not value or not value.strip():
        return None
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def retry_after_s(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header: delay-seconds or an HTTP-date (a date in the
    past means now, 0). None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(int(text))
    when = http_date(text)
    if when is None:
        return None
    return max(0.0, (when - now).total_seconds())


def freshness_s(
    cache_control: str | None,
    expires: str | None,
    date: str | None,
    now: datetime,
    age: str | None = None,
) -> float | None:
    """How long the response stays fresh, in seconds: max-age (less Age) takes precedence over
    Expires, which is read against the server's Date when given (clock skew cancels out).
    0 for no-cache/no-store or an invalid Expires, None when the headers say nothing."""
    if cache_control:
        if _NO_CACHE.search(cache_control):
            return 0.0
        match = _MAX_AGE.search(cache_control)
        if match is not None:
            spent = int(age) if age and age.strip().isdigit() else 0
            return float(max(0, int(match.group(1)) - spent))
    if expires is not None:
        until = http_date(expires)
        if until is None:
            return 0.0  # an invalid Expires means "already expired"
        base = http_date(date) or now
        return max(0.0, (until - base).total_seconds())
    return None


def posting_interval_s(
    published: Iterable[datetime | None],
    now: datetime,
    *,
    minimum: float,
    maximum: float,
) -> float | None:
    """The poll interval that fits how often a feed posts: the median gap between its newest
    items, at least a quarter of the time since its newest item (a feed that has gone quiet is
    polled less), clamped to [minimum, maximum]. None with fewer than two dated items."""
    horizon = now + timedelta(hours=1)  # items dated in the future are ignored
    dates = sorted({d for d in published if d is not None and d <= horizon}, reverse=True)
    dates = dates[: RECENT_ITEMS + 1]
    if len(dates) < 2:
        return None
    gaps = [(a - b).total_seconds() for a, b in itertools.pairwise(dates)]
    interval = statistics.median(gaps)
    quiet = (now - dates[0]).total_seconds() / QUIET_FACTOR
    return clamp(max(interval, quiet), minimum, maximum)


def success_delay_s(
    interval: float, fresh_for: float | None, *, minimum: float, maximum: float
) -> float:
    """Seconds until the next poll after a success: the interval, but not before the answer
    goes stale by its cache headers, within [minimum, maximum]."""
    return clamp(max(interval, fresh_for or 0.0), minimum, maximum)


def backoff_s(errors: int, base: float, *, cap: float, rng: random.Random | None = None) -> float:
    """Seconds until the next poll after `errors` failures in a row: base, 2×base, 4×base …,
    stretched by up to JITTER at random (so failing sources do not all come back at once),
    never more than `cap`."""
    step = min(max(errors, 1) - 1, 30)
    delay = min(cap, base * 2.0**step)
    stretch = 1.0 + JITTER * float((rng or random).random())
    return min(cap, delay * stretch)
