"""Small text helpers shared by every stage."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

_SPACE = re.compile(r"\s+")
_EDGE_PUNCT = " \t\n\"'“”‘’.,;:!?()[]{}"


def normalise_key(value: str) -> str:
    """The lookup key of a topic, entity or author: NFKC, case-folded, single-spaced, trimmed of
    edge punctuation. "  The  Taliban's " and "the taliban's" share a key."""
    text = unicodedata.normalize("NFKC", value)
    text = _SPACE.sub(" ", text).strip(_EDGE_PUNCT)
    return text.casefold()


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """Attach UTC to naive datetimes (SQLite returns them naive) and convert aware ones."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
