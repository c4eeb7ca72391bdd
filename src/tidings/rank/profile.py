"""A reader's profile from what they did: time-decayed affinities to entities, topics and
sources, several interest vectors (the read history clustered), and the stories to leave
out or sink. Pure: events and the signals of the articles they name are passed in."""

from __future__ import annotations

import json
import math
import struct
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from tidings.core import Event, EventKind
from tidings.rank.index import DIM, CandidateIndex

HALF_LIFE_DAYS = 14.0  # an interaction counts half as much two weeks later
READ_MIN_DWELL_S = 10.0  # a read at least this long is a read (the story leaves the feed)
BOUNCE_DWELL_S = 5.0  # an open shorter than this says little
MAX_INTERESTS = 4
MIN_INTEREST_SHARE = 0.15  # of the reader's weight, for a cluster to be an interest
_ENTITY_MIN_SALIENCE = 0.1  # passing mentions do not make an interest

# How much one interaction says about the reader's interest (negative: against it).
EVENT_WEIGHT = {
    EventKind.CLICK: 1.0,
    EventKind.READ: 1.0,  # plus up to 2 for a long read (dwell_weight)
    EventKind.SAVE: 3.0,
    EventKind.HIDE: -1.0,
    EventKind.FEWER_LIKE_THIS: -2.0,
}


def dwell_weight(dwell_s: float | None) -> float:
    """A read's weight from its dwell time: a bounce counts 0.2, a read 1 plus up to 2 more
    for a minute or two of reading; unknown dwell counts 1."""
    if dwell_s is None:
        return 1.0
    if dwell_s < BOUNCE_DWELL_S:
        return 0.2
    return 1.0 + min(dwell_s / 60.0, 2.0)


def decay(at: datetime | None, now: datetime, half_life_days: float = HALF_LIFE_DAYS) -> float:
    if at is None:
        return 1.0
    age_d = max((now - at).total_seconds(), 0.0) / 86400.0
    return math.pow(0.5, age_d / half_life_days)


@dataclass(frozen=True)
class ReaderProfile:
    interests: np.ndarray = field(default_factory=lambda: np.zeros((0, DIM), np.float32))
    interest_weights: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    entity_affinity: Mapping[str, float] = field(default_factory=dict)
    topic_affinity: Mapping[str, float] = field(default_factory=dict)
    source_affinity: Mapping[int, float] = field(default_factory=dict)
    opened: frozenset[int] = frozenset()  # clicked (sinks)
    read: frozenset[int] = frozenset()  # read or saved (left out of the feed)
    hidden: frozenset[int] = frozenset()  # hidden or "fewer like this" (left out)
    fewer: frozenset[int] = frozenset()  # "fewer like this": its subjects sink
    saved: frozenset[int] = frozenset()
    positive_weight: float = 0.0  # decayed sum of positive interactions (0: nothing known)

    @property
    def cold(self) -> bool:
        return self.positive_weight <= 0.0


def build_profile(
    events: Sequence[Event],
    indexes: Sequence[CandidateIndex],
    now: datetime,
    *,
    half_life_days: float = HALF_LIFE_DAYS,
    max_interests: int = MAX_INTERESTS,
) -> ReaderProfile:
    """The profile of one reader from their events (any order). The articles the events name
    are looked up in `indexes` (the serving window, and a small index of older articles);
    those found in none count for exclusion only."""
    opened: set[int] = set()
    read: set[int] = set()
    hidden: set[int] = set()
    fewer: set[int] = set()
    saved: set[int] = set()
    weights: dict[int, float] = defaultdict(float)
    # A read carries what a click only hints at (how long the story kept the reader): when
    # an article was read, its click adds nothing, so a click and a bounce stay a bounce.
    read_any = {e.article_id for e in events if e.kind is EventKind.READ}
    for e in events:
        a = e.article_id
        if a is None:
            continue
        base = EVENT_WEIGHT.get(e.kind)
        if base is None:
            continue
        if e.kind is EventKind.CLICK:
            opened.add(a)
            if a in read_any:
                continue
        elif e.kind is EventKind.READ:
            opened.add(a)
            if e.dwell_s is None or e.dwell_s >= READ_MIN_DWELL_S:
                read.add(a)
            base = dwell_weight(e.dwell_s)
        elif e.kind is EventKind.SAVE:
            saved.add(a)
            read.add(a)
        elif e.kind is EventKind.HIDE:
            hidden.add(a)
        elif e.kind is EventKind.FEWER_LIKE_THIS:
            hidden.add(a)
            fewer.add(a)
        weights[a] += base * decay(e.at, now, half_life_days)

    positive = sum(w for w in weights.values() if w > 0)
    ent: dict[str, float] = defaultdict(float)
    top: dict[str, float] = defaultdict(float)
    src: dict[int, float] = defaultdict(float)
    vectors: list[np.ndarray] = []
    vweights: list[np.ndarray] = []
    left = dict(weights)
    for index in indexes:
        ids = [a for a in left if a in index.row_of]
        if not ids:
            continue
        rows = index.rows_of(ids)
        w = np.asarray([left.pop(a) for a in ids], dtype=np.float32)
        pos, neg = np.maximum(w, 0.0), np.minimum(w, 0.0)
        sal = index.entities[rows].copy()
        sal.data = np.where(sal.data - 1.0 >= _ENTITY_MIN_SALIENCE, sal.data - 1.0, 0.0)
        _accumulate(ent, index.entity_keys, w @ sal)
        # against a story: its specific topics only ("fewer like this" on one World story
        # is not against all of World)
        _accumulate(
            top, index.topic_keys, pos @ index.topics[rows] + neg @ index.specific_topics[rows]
        )
        for s, wt in zip(index.source[rows], pos, strict=True):
            if s >= 0 and wt > 0:  # a hidden story says nothing of its source
                src[int(s)] += float(wt)
        keep = (pos > 0) & index.has_emb[rows]
        if keep.any():
            vectors.append(index.vectors(rows[keep]))
            vweights.append(pos[keep])
    scale = 1.0 / (positive + 1.0)
    interests, iw = interest_vectors(
        np.vstack(vectors) if vectors else np.zeros((0, DIM), np.float32),
        np.concatenate(vweights) if vweights else np.zeros(0, np.float32),
        max_interests,
    )
    return ReaderProfile(
        interests=interests,
        interest_weights=iw,
        entity_affinity={k: v * scale for k, v in ent.items() if abs(v * scale) >= 1e-3},
        topic_affinity={k: v * scale for k, v in top.items() if abs(v * scale) >= 1e-3},
        source_affinity={k: v * scale for k, v in src.items()},
        opened=frozenset(opened),
        read=frozenset(read),
        hidden=frozenset(hidden),
        fewer=frozenset(fewer),
        saved=frozenset(saved),
        positive_weight=positive,
    )


def _accumulate(into: dict[str, float], keys: Sequence[str], values: np.ndarray) -> None:
    flat = np.asarray(values).ravel()
    cols = np.flatnonzero(flat)
    for col, v in zip(cols.tolist(), flat[cols].tolist(), strict=True):
        into[keys[col]] += v


# -- stored profiles ---------------------------------------------------------------------------

PROFILE_FORMAT = 1  # bumped when the encoding or what a profile holds changes
_MAGIC = b"TDPF"
_HEAD = struct.Struct("<4sBII")  # magic, format, JSON length, number of interests


class ProfileFormatError(ValueError):
    """Stored profile bytes that this version cannot read (another format, or damaged)."""


def encode_profile(profile: ReaderProfile, disliked: frozenset[str] = frozenset()) -> bytes:
    """A profile (and the subjects of its "fewer like this" stories) as bytes to store, so
    that every serving process and every restart reuses it until the reader does something
    new. `decode_profile` gives back an equal profile."""
    meta = {
        "dim": int(profile.interests.shape[1]) if profile.interests.ndim == 2 else DIM,
        "entity": [list(profile.entity_affinity), list(profile.entity_affinity.values())],
        "topic": [list(profile.topic_affinity), list(profile.topic_affinity.values())],
        "source": [list(profile.source_affinity), list(profile.source_affinity.values())],
        "opened": sorted(profile.opened),
        "read": sorted(profile.read),
        "hidden": sorted(profile.hidden),
        "fewer": sorted(profile.fewer),
        "saved": sorted(profile.saved),
        "positive": profile.positive_weight,
        "disliked": sorted(disliked),
    }
    text = json.dumps(meta, separators=(",", ":")).encode()
    k = len(profile.interests)
    return b"".join(
        (
            _HEAD.pack(_MAGIC, PROFILE_FORMAT, len(text), k),
            text,
            np.ascontiguousarray(profile.interests, dtype="<f4").tobytes(),
            np.ascontiguousarray(profile.interest_weights, dtype="<f4").tobytes(),
        )
    )


def decode_profile(data: bytes) -> tuple[ReaderProfile, frozenset[str]]:
    """The profile and disliked subjects `encode_profile` stored (ProfileFormatError when the
    bytes are of another format or damaged)."""
    try:
        magic, fmt, n, k = _HEAD.unpack_from(data)
        if magic != _MAGIC or fmt != PROFILE_FORMAT:
            raise ProfileFormatError(f"stored profile format {fmt!r} (this version reads 1)")
        start = _HEAD.size
        meta = json.loads(data[start : start + n])
        dim = int(meta["dim"])
        at = start + n
        interests = np.frombuffer(data, "<f4", k * dim, at).reshape(k, dim).astype(np.float32)
        weights = np.frombuffer(data, "<f4", k, at + 4 * k * dim).astype(np.float32)
        if at + 4 * k * (dim + 1) != len(data):
            raise ProfileFormatError("stored profile has trailing bytes")
        ent, top, src = meta["entity"], meta["topic"], meta["source"]
        profile = ReaderProfile(
            interests=interests,
            interest_weights=weights,
            entity_affinity=dict(zip(ent[0], ent[1], strict=True)),
            topic_affinity=dict(zip(top[0], top[1], strict=True)),
            source_affinity=dict(zip(src[0], src[1], strict=True)),
            opened=frozenset(meta["opened"]),
            read=frozenset(meta["read"]),
            hidden=frozenset(meta["hidden"]),
            fewer=frozenset(meta["fewer"]),
            saved=frozenset(meta["saved"]),
            positive_weight=float(meta["positive"]),
        )
        return profile, frozenset(meta["disliked"])
    except ProfileFormatError:
        raise
    except (struct.error, ValueError, KeyError, TypeError) as exc:
        raise ProfileFormatError(f"stored profile is damaged: {exc}") from exc


def interest_vectors(
    vectors: np.ndarray, weights: np.ndarray, max_k: int = MAX_INTERESTS
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster the read history into up to `max_k` interests (weighted spherical k-means,
    seeded by farthest points, so the same history always gives the same interests): one
    vector per interest and its share of the reader's weight. A reader who reads about
    football and about Afghanistan gets two vectors, not one average of both."""
    if len(vectors) == 0:
        return np.zeros((0, DIM), np.float32), np.zeros(0, np.float32)
    x = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1)
    keep = norms > 0
    x, w = x[keep] / norms[keep, None], np.asarray(weights, np.float32)[keep]
    if len(x) == 0:
        return np.zeros((0, DIM), np.float32), np.zeros(0, np.float32)
    k = int(min(max_k, 1 + len(x) // 8))
    # farthest-point seeding from the heaviest item
    centres = [x[int(np.argmax(w))]]
    for _ in range(1, k):
        sims = np.max(x @ np.vstack(centres).T, axis=1)
        far = int(np.argmin(sims))
        if sims[far] > 0.9:  # nothing different enough for another interest
            break
        centres.append(x[far])
    c = np.vstack(centres)
    for _ in range(10):
        assign = np.argmax(x @ c.T, axis=1)
        onehot = np.zeros((len(c), len(x)), dtype=np.float32)
        onehot[assign, np.arange(len(x))] = w
        new = onehot @ x
        n = np.linalg.norm(new, axis=1)
        ok = n > 0
        new[ok] /= n[ok, None]
        new[~ok] = c[~ok]
        if np.allclose(new, c, atol=1e-5):
            break
        c = new
    assign = np.argmax(x @ c.T, axis=1)
    share = np.bincount(assign, weights=w, minlength=len(c)).astype(np.float32)
    # an interest is a share of the reading, not a stray click or two
    used = share >= MIN_INTEREST_SHARE * float(share.sum())
    c, share = c[used], share[used]
    return c.astype(np.float32), share / float(share.sum())
