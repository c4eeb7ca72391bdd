"""Hand-built ranking inputs: article signals with chosen embeddings, entities and topics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from tidings.core import ArticleSignals, Follow, FollowKind

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)
DIM = 384


def direction(i: int, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """A unit vector near the i-th axis (topics are orthogonal directions)."""
    v = np.zeros(DIM, dtype=np.float32)
    v[i] = 1.0
    if noise:
        v += np.random.default_rng(seed).normal(0, noise, DIM).astype(np.float32)
    return v / np.linalg.norm(v)


def sig(
    i: int,
    *,
    age_h: float = 1.0,
    source: int | None = 1,
    vec: np.ndarray | None = None,
    entities: tuple[tuple[str, float], ...] = (),
    topics: tuple[tuple[str, str, float], ...] = (),
    story: int | None = None,
    duplicate_of: int | None = None,
    words: int = 400,
    byline: str | None = None,
) -> ArticleSignals:
    return ArticleSignals(
        id=i,
        when=NOW - timedelta(hours=age_h),
        source_id=source,
        story_id=story,
        duplicate_of=duplicate_of,
        words=words,
        embedding=None if vec is None else np.asarray(vec, dtype="<f2").tobytes(),
        entities=tuple((k.lower(), k, s) for k, s in entities),
        topics=tuple((k.lower(), k, kind, score) for k, kind, score in topics),
        byline=byline,
    )


def follow(kind: FollowKind, value: str, weight: float = 1.0) -> Follow:
    return Follow(reader_id=1, kind=kind, value=value.lower(), weight=weight, label=value)
