"""Candidate generation and ranking features for one reader, as array operations over the
candidate index. Pure: the index, the profile, the follows and the readership context are
passed in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property

import numpy as np
from scipy import sparse

from tidings.core import ArticleSignals, Follow, FollowKind
from tidings.core.text import normalise_key
from tidings.rank.aligned import FRESHNESS_HALF_LIFE_H, Aligned, align
from tidings.rank.index import SUBJECT_SALIENCE, CandidateIndex, Entries, take_entries
from tidings.rank.profile import ReaderProfile
from tidings.rank.readership import OpenCounts

# How strongly one kind of follow matches one kind of evidence in an article.
TOPIC_TAG = 1.0  # the article is about the followed topic (by its strength)
TOPIC_AS_ENTITY = 0.6  # a followed topic appears as an entity (scaled by salience)
ENTITY_BASE = 0.35  # a followed entity is mentioned at all...
ENTITY_SALIENCE = 0.65  # ...plus this much times its salience
ENTITY_AS_TOPIC = 0.8  # a followed entity is one of the article's topics (a place)
SOURCE = 0.6
AUTHOR = 0.9
MUTE_THRESHOLD = 0.3  # a muted thing matching at least this strongly hides the story
# Candidate sources (a bit each, for the record of why a row was considered)
FROM_FOLLOWS = 1
FROM_INTERESTS = 2
FROM_TRENDING = 4
FROM_COREAD = 8
FROM_LEADS = 16
FROM_RECENT = 32
FROM_AFFINITY = 64
TRENDING = 200  # the articles the readership opens most lately that are candidates
COREAD = 100  # the articles the co-read model likes best for the reader that are candidates

FEATURES = (
    "follow",  # Σ weight × match over the reader's follows
    "interest_max",  # best cosine to one of the reader's interest vectors
    "interest_mean",  # cosine to the interests, weighted by their share
    "entity_affinity",  # Σ salience × the reader's affinity to each entity
    "topic_affinity",
    "source_affinity",
    "freshness",  # halves every 36 h
    "age_h",  # log1p(hours)
    "popularity",  # log1p(readers who opened it in 24 h)
    "velocity",  # readers in the last hour against the 24 h hourly rate, log
    "story_size",  # log(reports of its event)
    "breaking",  # 1 for a big, new, fast-growing story
    "source_quality",  # share of the source's opens that became reads (smoothed)
    "length",  # log1p(words)
    "shown_no_click",  # times shown to this reader without being opened
    "collaborative",  # co-read model score (ALS), 0 without a model
    "fewer_overlap",  # subjects shared with stories marked "fewer like this" (≤ 3)
    "opened",  # the reader opened it already
    "has_embedding",
)
F = {name: i for i, name in enumerate(FEATURES)}


@dataclass(frozen=True)
class FeedContext:
    """What the whole readership and the serving state say, at one moment."""

    now: datetime
    # id → readers who opened it in 24 h and in the last hour (or the same as arrays)
    opened_counts: Mapping[int, tuple[int, int]] | OpenCounts = field(default_factory=dict)
    trending: Sequence[int] = ()  # article ids the readership opens most lately, best first
    source_quality: Mapping[int, float] = field(default_factory=dict)
    stories: Mapping[int, tuple[int, datetime, datetime]] = field(default_factory=dict)
    # id → times shown to this reader (or as sorted ids and their times)
    shown: Mapping[int, int] | tuple[np.ndarray, np.ndarray] = field(default_factory=dict)
    collab_user: np.ndarray | None = None  # the reader's co-read factors
    collab_items: np.ndarray | None = None  # (index rows × factors), aligned to the index
    disliked_subjects: frozenset[str] = frozenset()  # subjects of "fewer like this" stories
    aligned: Aligned | None = None  # the above as arrays over the index (else computed)

    @cached_property
    def shown_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """`shown` as (sorted article ids, times), made once per context."""
        if isinstance(self.shown, tuple):
            return self.shown
        return _sorted_pairs(self.shown)

    def arrays(self, index: CandidateIndex) -> Aligned:
        if self.aligned is not None and len(self.aligned.day) == index.size:
            return self.aligned
        return align(
            index,
            self.now,
            self.opened_counts,
            self.source_quality,
            self.stories,
            list(self.trending)[:TRENDING],
        )


@dataclass(frozen=True)
class Features:
    rows: np.ndarray  # index rows of the candidates
    x: np.ndarray  # (rows × FEATURES)
    origin: np.ndarray  # FROM_* bits
    best_follow: np.ndarray  # index into the positive follows, -1 for none
    weighted: np.ndarray  # (rows × positive follows): weight × match
    entity_w: Weights | None  # the reader's weight per entity column (None: no affinity)
    topic_w: Weights | None  # ...per topic column
    follows: Sequence[Follow]

    def best_entity(self, index: CandidateIndex, pos: int) -> int:
        """The entity column of this candidate with the most affinity, -1 for none (found for
        the few stories explained, not for every candidate)."""
        return _best(index.entities, int(self.rows[pos]), self.entity_w, minus_one=True)

    def best_topic(self, index: CandidateIndex, pos: int) -> int:
        return _best(index.topics, int(self.rows[pos]), self.topic_w, minus_one=False)


def _best(m: sparse.csr_matrix, row: int, w: Weights | None, *, minus_one: bool) -> int:
    if w is None:
        return -1
    a, b = int(m.indptr[row]), int(m.indptr[row + 1])
    if a == b:
        return -1
    cols = m.indices[a:b]
    data = np.maximum(m.data[a:b] - 1.0, 0.0) if minus_one else m.data[a:b]
    contrib = data * w.of(cols)
    k = int(np.argmax(contrib))
    return int(cols[k]) if contrib[k] > 0 else -1


@dataclass(frozen=True)
class Weights:
    """A reader's weights over some of an index's columns, kept sparse (a reader has a few
    hundred; an index can have hundreds of thousands of entities)."""

    cols: np.ndarray  # sorted columns
    vals: np.ndarray  # their weights
    dense: np.ndarray | None = None  # the same over every column (for one request)

    def __len__(self) -> int:
        return len(self.cols)

    def densified(self, width: int) -> Weights:
        """The same weights with a dense vector over `width` columns for quick lookups: made
        per request (a serving process keeps the sparse form of thousands of readers)."""
        dense = np.zeros(width, np.float32)
        dense[self.cols] = self.vals
        return Weights(self.cols, self.vals, dense)

    def of(self, cols: np.ndarray) -> np.ndarray:
        """The weight of each of these columns (0 for the others)."""
        if self.dense is not None:
            out: np.ndarray = self.dense[cols]
            return out
        if len(self.cols) == 0:
            return np.zeros(len(cols), np.float32)
        at = np.minimum(np.searchsorted(self.cols, cols), len(self.cols) - 1)
        out = np.where(self.cols[at] == cols, self.vals[at], 0.0)
        return out


@dataclass(frozen=True)
class ReaderArrays:
    """A reader's profile as arrays over one index: made once per profile and index (the
    serving process keeps it with the profile), used by every request until either changes.
    Compact: a serving process keeps thousands."""

    entity_w: Weights  # affinity × idf per entity column
    topic_w: Weights  # affinity per topic column
    opened_groups: np.ndarray  # stories (groups) the reader opened, sorted
    gone_groups: np.ndarray  # stories read or hidden, sorted
    interest_rows: np.ndarray  # rows nearest the interest vectors
    strongest: tuple[str, ...] = ()  # the reader's (up to) 5 strongest positive entity keys
    # rows the co-read model likes best for the reader (None: made without the model)
    coread_rows: np.ndarray | None = None
    source_w: np.ndarray | None = None  # affinity per source code (None: no affinity)
    # the "fewer like this" subjects these were made for, and their subject columns (sorted)
    disliked: frozenset[str] = frozenset()
    disliked_cols: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def for_request(self, index: CandidateIndex) -> ReaderArrays:
        """These arrays with dense weights for one request's lookups (too big to keep for
        every reader)."""
        return replace(
            self,
            entity_w=self.entity_w.densified(len(index.entity_keys)),
            topic_w=self.topic_w.densified(len(index.topic_keys)),
        )


def reader_arrays(
    index: CandidateIndex,
    profile: ReaderProfile,
    *,
    per_interest: int = 100,
    disliked: frozenset[str] = frozenset(),
    collab: tuple[np.ndarray | None, np.ndarray | None] | None = None,
) -> ReaderArrays:
    """The profile over this index; with `disliked` (the subjects of the reader's "fewer like
    this" stories) their columns too; with `collab` (the reader's co-read factors and the
    index rows', as in FeedContext) the rows it likes best."""
    entity_w = _weights(index.entity_col, profile.entity_affinity)
    gone = profile.read | profile.hidden
    return ReaderArrays(
        entity_w=Weights(
            entity_w.cols, (entity_w.vals * index.entity_idf[entity_w.cols]).astype(np.float32)
        ),
        topic_w=_weights(index.topic_col, profile.topic_affinity),
        opened_groups=_groups_of(index, profile.opened),
        gone_groups=_groups_of(index, gone),
        interest_rows=(
            index.nearest(profile.interests, per_interest)
            if len(profile.interests)
            else np.zeros(0, np.int64)
        ),
        strongest=tuple(
            k
            for k, aff in sorted(profile.entity_affinity.items(), key=lambda kv: -kv[1])[:5]
            if aff > 0
        ),
        source_w=(
            _lookup(index.source_ids, profile.source_affinity) if profile.source_affinity else None
        ),
        disliked=disliked,
        disliked_cols=_subject_cols(index, disliked),
        coread_rows=None if collab is None else _coread_rows(*collab),
    )


def _coread_rows(user: np.ndarray | None, items: np.ndarray | None, k: int = COREAD) -> np.ndarray:
    """The `k` rows the co-read model scores highest for the reader (a pass over every row:
    made once per reader and index, not per request)."""
    if user is None or items is None or len(items) == 0:
        return np.zeros(0, np.int64)
    scores = items @ user
    k = min(k, len(scores))
    out: np.ndarray = np.argpartition(-scores, k - 1)[:k].astype(np.int64)
    return out


def _subject_cols(index: CandidateIndex, subjects: frozenset[str]) -> np.ndarray:
    return np.unique(
        np.fromiter((c for k in subjects if (c := index.subject_col.get(k)) is not None), np.int64)
    )


def subjects_of(s: ArticleSignals) -> set[str]:
    """What an article is specifically about: its tags, places and salient entities (not the
    broad taxonomy topics)."""
    keys = {normalise_key(k) for k, _l, kind, _s in s.topics if kind != "taxonomy"}
    keys.update(normalise_key(k) for k, _n, sal in s.entities if sal >= SUBJECT_SALIENCE)
    keys.discard("")
    return keys


def candidates(
    index: CandidateIndex,
    profile: ReaderProfile,
    follows: Sequence[Follow],
    ctx: FeedContext,
    al: Aligned | None = None,
    *,
    per_interest: int = 100,
    recent: int = 150,
    per_follow: int = 300,
    expand: bool = True,
    ra: ReaderArrays | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Rows worth scoring for this reader and where each came from: followed topics,
    entities and sources; neighbours of each interest vector; what the readership opens
    (trending); co-read articles; the leads of the biggest fresh stories; the newest; the
    reader's strongest entity affinities. Read and hidden stories (any copy) are left out.
    With `expand`, the other copies of every candidate's story are added (one of them will be
    shown); `rank_index` adds them only for the stories that reach the top (`copies_of`)."""
    n = index.size
    origin = np.zeros(n, dtype=np.uint8)  # FROM_* bits
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    for f in follows:
        if f.weight <= 0:
            continue
        if f.kind is FollowKind.SOURCE:
            rows = np.flatnonzero(index.source == int(f.value)) if f.value.isdigit() else None
        elif f.kind is FollowKind.AUTHOR:
            rows = np.asarray(
                [i for i, b in enumerate(index.bylines) if b and f.value in b], np.int64
            )
        else:
            # the newest matches of each (column rows are sorted, and rows are newest first)
            origin[index.rows_with_topic(f.value)[:per_follow]] |= FROM_FOLLOWS
            origin[index.rows_with_entity(f.value)[:per_follow]] |= FROM_FOLLOWS
            continue
        if rows is not None and len(rows):
            origin[rows[:per_follow]] |= FROM_FOLLOWS
    ra = ra or reader_arrays(index, profile, per_interest=per_interest)
    origin[ra.interest_rows] |= FROM_INTERESTS
    al = al or ctx.arrays(index)
    origin[al.trending] |= FROM_TRENDING
    if ra.coread_rows is not None:
        origin[ra.coread_rows] |= FROM_COREAD
    else:
        origin[_coread_rows(ctx.collab_user, ctx.collab_items)] |= FROM_COREAD
    origin[: min(recent, n)] |= FROM_RECENT
    origin[al.leads] |= FROM_LEADS
    for key in ra.strongest:
        origin[index.rows_with_entity(key)[:100]] |= FROM_AFFINITY
    rows = np.flatnonzero(origin)
    if expand:
        # every copy of a candidate story, so that the copy that suits the reader best is shown
        rows = np.union1d(rows, index.rows_in_groups(np.unique(index.group[rows])))
    if len(ra.gone_groups):
        rows = rows[~in_sorted(index.group[rows], ra.gone_groups)]
    return rows, origin[rows].astype(np.int64)


def _groups_of(index: CandidateIndex, ids: frozenset[int]) -> np.ndarray:
    """The groups (stories) of these articles, sorted."""
    if not ids:
        return np.zeros(0, np.int64)
    out = np.unique(index.group[index.rows_of(sorted(ids))])
    # a copy outside the window still names its story by its canonical id
    return np.union1d(out, np.fromiter((a * 2 + 1 for a in ids), np.int64, len(ids)))


def copies_of(index: CandidateIndex, groups: np.ndarray, have: np.ndarray) -> np.ndarray:
    """The rows of these groups' articles not among `have` (sorted rows)."""
    rows = index.rows_in_groups(np.unique(groups))
    seen = np.zeros(index.size, dtype=bool)
    seen[have] = True
    out: np.ndarray = np.sort(rows[~seen[rows]])
    return out


def compute(
    index: CandidateIndex,
    rows: np.ndarray,
    origin: np.ndarray,
    profile: ReaderProfile,
    follows: Sequence[Follow],
    ctx: FeedContext,
    al: Aligned | None = None,
    ra: ReaderArrays | None = None,
) -> tuple[Features, np.ndarray]:
    """Feature rows of the candidates, and a mask of those a mute hides."""
    al = al or ctx.arrays(index)
    ra = ra or reader_arrays(index, replace(profile, interests=profile.interests[:0]))
    m = len(rows)
    x = np.zeros((m, len(FEATURES)), dtype=np.float32)
    positives = [f for f in follows if f.weight > 0]
    mutes = [f for f in follows if f.weight < 0]
    topics = take_entries(index.topics, rows)
    ents = take_entries(index.entities, rows)
    match = _matches(index, rows, topics, ents, positives)  # (m × follows)
    muted = np.zeros(m, dtype=bool)
    if mutes:
        muted = _matches(index, rows, topics, ents, mutes).max(axis=1) >= MUTE_THRESHOLD
    weighted = match * np.asarray([f.weight for f in positives], np.float32)[None, :]
    x[:, F["follow"]] = weighted.sum(axis=1)
    best_follow = (
        np.where(weighted.max(axis=1) > 0, weighted.argmax(axis=1), -1)
        if positives
        else np.full(m, -1)
    )
    if len(profile.interests):
        sims = index.sims(rows, profile.interests)
        sims[~index.has_emb[rows]] = 0.0
        x[:, F["interest_max"]] = sims.max(axis=1)
        x[:, F["interest_mean"]] = sims @ profile.interest_weights
    if len(ra.entity_w):
        # salience is stored plus one (so that a mention of salience 0 is still stored)
        x[:, F["entity_affinity"]] = _affinity(ents, ra.entity_w, minus_one=True)
    if len(ra.topic_w):
        x[:, F["topic_affinity"]] = _affinity(topics, ra.topic_w, minus_one=False)
    if ra.source_w is not None:
        x[:, F["source_affinity"]] = ra.source_w[index.source_code[rows]]
    fresh = index.freshness(rows, ctx.now, FRESHNESS_HALF_LIFE_H)
    x[:, F["freshness"]] = fresh
    x[:, F["age_h"]] = np.log1p(np.maximum(ctx.now.timestamp() - index.when[rows], 0.0) / 3600.0)
    ids = index.ids[rows]
    day, hour = al.day[rows], al.hour[rows]
    x[:, F["popularity"]] = np.log1p(day)
    x[:, F["velocity"]] = np.log((hour + 1.0) / (day / 24.0 + 1.0))
    x[:, F["story_size"]] = np.log(np.maximum(al.story_size[rows], 1.0))
    x[:, F["breaking"]] = al.breaking[rows]
    x[:, F["source_quality"]] = al.quality[rows]
    x[:, F["length"]] = np.log1p(index.words[rows])
    opened = np.zeros(m, dtype=bool)
    if len(ra.opened_groups):  # opening any copy of a story counts for the whole story
        opened = in_sorted(index.group[rows], ra.opened_groups)
    x[:, F["opened"]] = opened
    if len(ctx.shown_arrays[0]):
        x[:, F["shown_no_click"]] = np.where(opened, 0.0, _lookup_sorted(ids, *ctx.shown_arrays))
    if ctx.collab_user is not None and ctx.collab_items is not None and len(ctx.collab_items):
        x[:, F["collaborative"]] = ctx.collab_items[rows] @ ctx.collab_user
    if ctx.disliked_subjects:
        cols = (
            ra.disliked_cols
            if ra.disliked == ctx.disliked_subjects
            else _subject_cols(index, ctx.disliked_subjects)
        )
        if len(cols):
            subj = take_entries(index.subjects, rows)
            disliked = np.zeros(len(index.subject_keys), dtype=bool)
            disliked[cols] = True
            shared = np.bincount(subj.pos[disliked[subj.col]], minlength=m)
            x[:, F["fewer_overlap"]] = np.minimum(shared, 3)
    x[:, F["has_embedding"]] = index.has_emb[rows]
    feats = Features(
        rows=rows,
        x=x,
        origin=origin,
        best_follow=np.asarray(best_follow, np.int64),
        weighted=weighted,
        entity_w=ra.entity_w if len(ra.entity_w) else None,
        topic_w=ra.topic_w if len(ra.topic_w) else None,
        follows=positives,
    )
    return feats, muted


def merge(a: Features, b: Features) -> Features:
    """The feature rows of two sets of candidates (over the same follows) as one."""
    return Features(
        rows=np.concatenate([a.rows, b.rows]),
        x=np.vstack([a.x, b.x]),
        origin=np.concatenate([a.origin, b.origin]),
        best_follow=np.concatenate([a.best_follow, b.best_follow]),
        weighted=np.vstack([a.weighted, b.weighted]),
        entity_w=a.entity_w,
        topic_w=a.topic_w,
        follows=a.follows,
    )


def in_sorted(values: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """values ∈ sorted_keys, elementwise (np.isin without sorting the keys again)."""
    if len(sorted_keys) == 0:
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, values), len(sorted_keys) - 1)
    out: np.ndarray = sorted_keys[at] == values
    return out


def _weights(col_of: Mapping[str, int], weights: Mapping[str, float]) -> Weights:
    """The reader's weights over the index's columns they name."""
    pairs = [(c, w) for k, w in weights.items() if (c := col_of.get(k)) is not None]
    if not pairs:
        return Weights(np.zeros(0, np.int64), np.zeros(0, np.float32))
    cols = np.fromiter((c for c, _ in pairs), np.int64, len(pairs))
    vals = np.fromiter((w for _, w in pairs), np.float32, len(pairs))
    order = np.argsort(cols)
    return Weights(cols[order], vals[order])


def _affinity(entries: Entries, w: Weights, *, minus_one: bool) -> np.ndarray:
    """Per row (the candidates' entities or topics): Σ value × weight over its columns."""
    data = np.maximum(entries.val - 1.0, 0.0) if minus_one else entries.val
    out: np.ndarray = np.bincount(
        entries.pos, weights=data * w.of(entries.col), minlength=entries.m
    )
    return out


def _lookup(keys: np.ndarray, values: Mapping[int, float] | Mapping[int, int]) -> np.ndarray:
    """values[key] for every key (0 for those missing), without a Python loop over `keys`."""
    return _lookup_sorted(keys, *_sorted_pairs(values))


def _sorted_pairs(values: Mapping[int, float] | Mapping[int, int]) -> tuple[np.ndarray, np.ndarray]:
    k = np.fromiter(values.keys(), np.int64, len(values))
    v = np.fromiter(values.values(), np.float64, len(values))
    order = np.argsort(k)
    return k[order], v[order]


def _lookup_sorted(keys: np.ndarray, k: np.ndarray, v: np.ndarray) -> np.ndarray:
    if len(k) == 0:
        return np.zeros(len(keys), np.float32)
    at = np.clip(np.searchsorted(k, keys), 0, len(k) - 1)
    return np.where(k[at] == keys, v[at], 0.0).astype(np.float32)


def _matches(
    index: CandidateIndex,
    rows: np.ndarray,
    topics: Entries,
    ents: Entries,
    follows: Sequence[Follow],
) -> np.ndarray:
    """How strongly each follow matches each candidate (0..1), rows × follows."""
    m = len(rows)
    out = np.zeros((m, len(follows)), dtype=np.float32)
    t = _follow_columns(topics, index.topic_col, len(index.topic_keys), follows)
    e = _follow_columns(ents, index.entity_col, len(index.entity_keys), follows)
    sal = np.maximum(e - 1.0, 0.0)
    for j, f in enumerate(follows):
        if f.kind is FollowKind.SOURCE:
            if f.value.isdigit():
                out[:, j] = np.where(index.source[rows] == int(f.value), SOURCE, 0.0)
        elif f.kind is FollowKind.AUTHOR:
            out[:, j] = [
                AUTHOR if b and f.value in b else 0.0 for b in (index.bylines[r] for r in rows)
            ]
        elif f.kind is FollowKind.TOPIC:
            tj, ej = t[:, j], e[:, j]
            out[:, j] = np.where(
                tj > 0,
                TOPIC_TAG * tj,
                np.where(ej > 0, TOPIC_AS_ENTITY * np.maximum(sal[:, j], 0.2), 0.0),
            )
        elif f.kind is FollowKind.ENTITY:
            tj, ej = t[:, j], e[:, j]
            out[:, j] = np.where(
                ej > 0,
                ENTITY_BASE + ENTITY_SALIENCE * sal[:, j],
                np.where(tj > 0, ENTITY_AS_TOPIC * tj, 0.0),
            )
    return out


def _follow_columns(
    entries: Entries, col_of: Mapping[str, int], width: int, follows: Sequence[Follow]
) -> np.ndarray:
    """The candidates' values in the columns the follows name, rows × follows (0 where a
    follow names no column or a row has no entry), in one pass over the entries."""
    out = np.zeros((entries.m, len(follows)), np.float32)
    named = [
        (j, c)
        for j, f in enumerate(follows)
        if f.kind in (FollowKind.TOPIC, FollowKind.ENTITY)
        and (c := col_of.get(f.value)) is not None
    ]
    if not named:
        return out
    follow_of = np.full(width, -1, np.int64)
    for j, c in named:  # two follows of one key (a topic and an entity) share its column
        follow_of[c] = j
    which = follow_of[entries.col]
    hit = np.flatnonzero(which >= 0)
    out[entries.pos[hit], which[hit]] = entries.val[hit]
    by_col: dict[int, list[int]] = {}
    for j, c in named:
        by_col.setdefault(c, []).append(j)
    for js in by_col.values():
        for j in js[:-1]:
            out[:, j] = out[:, js[-1]]
    return out
