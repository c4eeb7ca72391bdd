"""The candidate index: every article in the ranking window as columns (numpy arrays and
sparse matrices), so that candidate generation and features are array operations, not loops.

Built from `ArticleSignals` (the store's compact rows); pure and immutable once built. The
serving process keeps one and rebuilds it when the store's articles change."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from scipy import sparse

from tidings.core import ArticleSignals
from tidings.core.text import normalise_key

DIM = 384  # all-MiniLM-L6-v2
TAXONOMY_WEIGHT = 0.8  # a taxonomy topic counts this much of its classifier score
SUBJECT_SALIENCE = 0.3  # an entity this salient is a subject of its article
ANN_MIN_ROWS = 20_000  # below this, nearest neighbours are found by brute force
SIMS_BLOCK = 256  # rows converted from int8 at a time when scoring candidates


def topic_strength(kind: str, score: float) -> float:
    """How strongly an article is about one of its topics (0..1): a source's own tag fully,
    a place by its score, a taxonomy topic by `TAXONOMY_WEIGHT` times the classifier's score
    (a broad section is weaker evidence than a tag)."""
    if kind == "tag":
        return 1.0
    if kind == "taxonomy":
        return min(TAXONOMY_WEIGHT * score, 1.0)
    return min(score, 1.0)


@dataclass(frozen=True, slots=True)
class Entries:
    """The stored entries of some rows of a row-compressed matrix, flat: for each entry the
    position (0..m-1) of its row among the rows asked for, its column and its value."""

    pos: np.ndarray
    col: np.ndarray
    val: np.ndarray
    m: int


def take_entries(mat: sparse.csr_matrix, rows: np.ndarray) -> Entries:
    """The entries of these rows of `mat` (cheaper than slicing out a sub-matrix: the
    candidates' features need only the flat entries)."""
    starts = mat.indptr[rows].astype(np.int64)
    lengths = mat.indptr[rows + 1] - starts
    pos = np.repeat(np.arange(len(rows)), lengths)
    # entry j (counting over all rows) lies at its row's start plus j less the entries before
    # that row
    at = np.arange(len(pos)) + np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return Entries(pos, mat.indices[at], mat.data[at], len(rows))


class CandidateIndex:
    """Rows are articles, newest first. Columns of `topics` (strengths), `entities`
    (1 + salience, so that a mention with salience 0 is still present) and `subjects` (what an
    article is specifically about: tags, places, salient entities; 0/1)."""

    _serials = itertools.count(1)

    def __init__(self, signals: Sequence[ArticleSignals], *, dim: int = DIM) -> None:
        # names this index for the lifetime of the process (what is computed over its rows is
        # kept under it; an id() can be reused once an old index is gone)
        self.serial = next(CandidateIndex._serials)
        ordered = sorted(signals, key=lambda s: (s.when, s.id), reverse=True)
        seen: set[int] = set()
        rows = [s for s in ordered if not (s.id in seen or seen.add(s.id))]  # type: ignore[func-returns-value]
        n = len(rows)
        self.size = n
        self.dim = dim
        self.ids = np.fromiter((s.id for s in rows), dtype=np.int64, count=n)
        self.row_of = {int(a): i for i, a in enumerate(self.ids)}
        self._id_rows = np.argsort(self.ids, kind="stable")  # rows in id order, for rows_of
        self._sorted_ids = self.ids[self._id_rows]
        self.when = np.fromiter((s.when.timestamp() for s in rows), dtype=np.float64, count=n)
        self.source = np.fromiter(
            (s.source_id if s.source_id is not None else -1 for s in rows), np.int64, n
        )
        # sources as dense codes (0..S-1), for per-source lookups without a dictionary
        self.source_ids, code = np.unique(self.source, return_inverse=True)
        self.source_code = code.astype(np.int32)
        self.story = np.fromiter(
            (s.story_id if s.story_id is not None else -1 for s in rows), np.int64, n
        )
        self.duplicate_of = np.fromiter(
            (s.duplicate_of if s.duplicate_of is not None else -1 for s in rows), np.int64, n
        )
        self.words = np.fromiter((s.words for s in rows), dtype=np.float32, count=n)
        self.bylines = [normalise_key(s.byline or "") for s in rows]
        # The story an article is shown under: its story cluster when enrichment found one
        # (even), else its near-duplicate group, named by the canonical article (odd).
        canonical = np.where(self.duplicate_of >= 0, self.duplicate_of, self.ids)
        self.group = np.where(self.story >= 0, self.story * 2, canonical * 2 + 1)
        # float16 as stored (half the memory); `vectors(rows)` gives float32 for arithmetic
        self.emb = np.zeros((n, dim), dtype=np.float16)
        self.has_emb = np.zeros(n, dtype=bool)
        for i, s in enumerate(rows):
            if s.embedding is not None and len(s.embedding) == 2 * dim:
                self.emb[i] = np.frombuffer(s.embedding, dtype="<f2")
                self.has_emb[i] = True
        for i in range(0, n, 20_000):
            chunk = self.emb[i : i + 20_000].astype(np.float32)
            norms = np.linalg.norm(chunk, axis=1)
            ok = norms > 0
            chunk[ok] /= norms[ok, None]
            self.emb[i : i + 20_000] = chunk
            self.has_emb[i : i + 20_000] &= ok
        self._emb32: np.ndarray | None = None
        self._build_sparse(rows)
        self.ann = _IVF(self.emb, self.has_emb) if int(self.has_emb.sum()) >= ANN_MIN_ROWS else None
        if self.ann is not None:  # the index keeps the vectors, in its lists' order
            self.emb = np.zeros((0, dim), dtype=np.float16)
        # the story clusters' rows, for "also reported by"
        order = np.argsort(self.group, kind="stable")
        g = self.group[order]
        starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]]) if n else np.zeros(0, np.int64)
        ends = np.r_[starts[1:], n] if n else np.zeros(0, np.int64)
        self._group_order = order
        self._group_keys = g[starts] if n else np.zeros(0, np.int64)
        self._group_starts = starts
        self._group_ends = ends

    def _build_sparse(self, rows: Sequence[ArticleSignals]) -> None:
        self.topic_col: dict[str, int] = {}
        self.topic_label: list[str] = []
        self.entity_col: dict[str, int] = {}
        self.entity_name: list[str] = []
        self.subject_col: dict[str, int] = {}
        self.section: list[str | None] = []  # the article's best taxonomy topic, for "Popular in"
        t_rows: list[int] = []
        t_cols: list[int] = []
        t_vals: list[float] = []
        e_rows: list[int] = []
        e_cols: list[int] = []
        e_vals: list[float] = []
        s_rows: list[int] = []
        s_cols: list[int] = []
        taxonomic: set[tuple[int, int]] = set()
        for i, s in enumerate(rows):
            strengths: dict[int, float] = {}
            subjects: set[int] = set()
            taxonomy_only: set[int] = set()
            specific: set[int] = set()
            best: tuple[float, str] | None = None
            for key, label, kind, score in s.topics:
                k = normalise_key(key)
                if not k:
                    continue
                col = self.topic_col.setdefault(k, len(self.topic_col))
                if col == len(self.topic_label):
                    self.topic_label.append(label)
                strengths[col] = max(strengths.get(col, 0.0), topic_strength(kind, score))
                if kind == "taxonomy":
                    taxonomy_only.add(col)
                    if best is None or score > best[0]:
                        best = (score, label)
                else:
                    specific.add(col)
                    subjects.add(self.subject_col.setdefault(k, len(self.subject_col)))
            self.section.append(best[1] if best else None)
            taxonomic.update((i, col) for col in taxonomy_only - specific)
            for col, v in strengths.items():
                t_rows.append(i)
                t_cols.append(col)
                t_vals.append(v)
            mentioned: dict[int, float] = {}
            for key, name, salience in s.entities:
                k = normalise_key(key)
                if not k:
                    continue
                col = self.entity_col.setdefault(k, len(self.entity_col))
                if col == len(self.entity_name):
                    self.entity_name.append(name)
                mentioned[col] = max(mentioned.get(col, 0.0), float(salience))
                if salience >= SUBJECT_SALIENCE:
                    subjects.add(self.subject_col.setdefault(k, len(self.subject_col)))
            for col, v in mentioned.items():
                e_rows.append(i)
                e_cols.append(col)
                e_vals.append(1.0 + v)
            for col in subjects:
                s_rows.append(i)
                s_cols.append(col)
        n = len(rows)
        self.topic_keys = list(self.topic_col)
        self.entity_keys = list(self.entity_col)
        self.subject_keys = list(self.subject_col)
        self.topics = _csr(t_rows, t_cols, t_vals, (n, len(self.topic_col)))
        # the same without taxonomy topics: what a hide or "fewer like this" speaks against
        self.specific_topics = _csr(
            [r for r, c, v in zip(t_rows, t_cols, t_vals, strict=True) if (r, c) not in taxonomic],
            [c for r, c, v in zip(t_rows, t_cols, t_vals, strict=True) if (r, c) not in taxonomic],
            [v for r, c, v in zip(t_rows, t_cols, t_vals, strict=True) if (r, c) not in taxonomic],
            (n, len(self.topic_col)),
        )
        self.entities = _csr(e_rows, e_cols, e_vals, (n, len(self.entity_col)))
        self.subjects = _csr(s_rows, s_cols, [1.0] * len(s_rows), (n, len(self.subject_col)))
        self.topics_by_col = self.topics.tocsc()
        self.entities_by_col = self.entities.tocsc()
        # How specific each entity is (inverse document frequency in the window, 0..1): an
        # affinity to "United States", named in a quarter of the news, says less about a
        # reader than one to "Wang Yi".
        df = np.diff(self.entities_by_col.indptr).astype(np.float32)
        self.entity_idf = np.log((n + 1.0) / (df + 1.0)) / np.log(n + 2.0)

    # -- lookups ----------------------------------------------------------------------------

    def rows_of(self, ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """Rows of the ids that are in the index, in the order given (others are left out)."""
        return self.locate(np.asarray(ids, dtype=np.int64))[0]

    def locate(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The rows of those of `ids` that are in the index, and a mask of which are."""
        want = np.asarray(ids, dtype=np.int64).ravel()
        if len(want) == 0 or self.size == 0:
            return np.zeros(0, np.int64), np.zeros(len(want), dtype=bool)
        at = np.minimum(np.searchsorted(self._sorted_ids, want), self.size - 1)
        found = self._sorted_ids[at] == want
        rows: np.ndarray = self._id_rows[at[found]]
        return rows, found

    def rows_with_topic(self, key: str) -> np.ndarray:
        """Rows about this topic, newest first."""
        return _column_rows(self.topics_by_col, self.topic_col.get(key))

    def rows_with_entity(self, key: str) -> np.ndarray:
        """Rows naming this entity, newest first."""
        return _column_rows(self.entities_by_col, self.entity_col.get(key))

    def group_rows(self, group: int) -> np.ndarray:
        """Every row shown under one story (near duplicates and the story cluster)."""
        return self.rows_in_groups(np.asarray([group], np.int64))

    def rows_in_groups(self, groups: np.ndarray) -> np.ndarray:
        """Every row shown under any of these stories, each group's rows newest first."""
        keys = self._group_keys
        if len(keys) == 0 or len(groups) == 0:
            return np.zeros(0, np.int64)
        at = np.clip(np.searchsorted(keys, groups), 0, len(keys) - 1)
        at = at[keys[at] == groups]
        lengths = self._group_ends[at] - self._group_starts[at]
        if not len(lengths):
            return np.zeros(0, np.int64)
        offsets = np.repeat(self._group_starts[at] - np.r_[0, np.cumsum(lengths)[:-1]], lengths)
        rows: np.ndarray = self._group_order[offsets + np.arange(int(lengths.sum()))]
        return rows

    def subjects_of(self, row: int) -> set[str]:
        """What the row's article is specifically about, by key."""
        m = self.subjects
        return {self.subject_keys[c] for c in m.indices[m.indptr[row] : m.indptr[row + 1]]}

    def vectors(self, rows: np.ndarray) -> np.ndarray:
        """The rows' embeddings as float32 (zeros for rows without one)."""
        if self._emb32 is not None:
            out: np.ndarray = self._emb32[rows]
            return out
        if self.ann is not None:
            return self.ann.vectors(rows)
        out = self.emb[rows].astype(np.float32)
        return out

    def sims(self, rows: np.ndarray, queries: np.ndarray) -> np.ndarray:
        """Cosine of each row's embedding to each query vector (rows × queries; 0 for rows
        without an embedding)."""
        if self.ann is not None:
            return self.ann.sims(rows, queries)
        out: np.ndarray = self.vectors(rows) @ queries.T
        return out

    def freshness(self, rows: np.ndarray, now: datetime, half_life_h: float) -> np.ndarray:
        age_h = np.maximum(now.timestamp() - self.when[rows], 0.0) / 3600.0
        out: np.ndarray = np.power(0.5, age_h / half_life_h)
        return out

    def nearest(self, vectors: np.ndarray, k: int) -> np.ndarray:
        """Rows of the (about) `k` articles nearest each vector, all vectors' together."""
        if self.size == 0 or len(vectors) == 0:
            return np.zeros(0, np.int64)
        if self.ann is not None:
            return self.ann.search(vectors, k)
        if self._emb32 is None:  # small enough to keep as float32 for brute force
            self._emb32 = self.emb.astype(np.float32)
        sims = self._emb32 @ vectors.T  # rows without an embedding score 0
        sims[~self.has_emb] = -2.0
        k = min(k, self.size)
        found = [np.argpartition(-sims[:, j], k - 1)[:k] for j in range(sims.shape[1])]
        top = np.unique(np.concatenate(found))
        return top[self.has_emb[top]]


class _IVF:
    """Inverted-file nearest-neighbour index over unit vectors: spherical k-means centroids,
    each article listed under its nearest; a query scans the lists of its `probe` nearest
    centroids only (a few percent of the corpus)."""

    def __init__(self, emb: np.ndarray, has: np.ndarray, *, seed: int = 7, probe: int = 8) -> None:
        rows = np.flatnonzero(has)
        rng = np.random.default_rng(seed)
        n_lists = int(np.clip(np.sqrt(len(rows)), 16, 1024))
        sample = emb[rng.choice(rows, size=min(len(rows), 40 * n_lists), replace=False)].astype(
            np.float32
        )
        centroids = sample[rng.choice(len(sample), size=n_lists, replace=False)].copy()
        for _ in range(8):
            assign = np.argmax(sample @ centroids.T, axis=1)
            for c in range(n_lists):
                members = sample[assign == c]
                if len(members):
                    v = members.sum(axis=0)
                    centroids[c] = v / max(float(np.linalg.norm(v)), 1e-9)
        self.centroids = centroids
        self.probe = min(probe, n_lists)
        assign = np.empty(len(rows), dtype=np.int64)
        for i in range(0, len(rows), 20_000):
            chunk = emb[rows[i : i + 20_000]].astype(np.float32)
            assign[i : i + 20_000] = np.argmax(chunk @ centroids.T, axis=1)
        order = np.argsort(assign, kind="stable")
        self.lists_rows = rows[order]
        self.offsets = np.searchsorted(assign[order], np.arange(n_lists + 1))
        # The vectors in list order, so that a probed list is one contiguous block, as int8
        # with a scale per vector: a quarter of float32's memory and of the memory a request
        # reads to score its candidates, for an error in a cosine of about 1e-3.
        self.vec = np.empty((len(rows), emb.shape[1]), dtype=np.int8)
        self.scale = np.empty(len(rows), dtype=np.float32)
        for i in range(0, len(rows), 20_000):
            chunk = emb[self.lists_rows[i : i + 20_000]].astype(np.float32)
            top = np.maximum(np.abs(chunk).max(axis=1), 1e-12) / 127.0
            self.vec[i : i + 20_000] = np.rint(chunk / top[:, None]).astype(np.int8)
            self.scale[i : i + 20_000] = top
        self.pos = np.full(len(emb), -1, dtype=np.int64)  # index row → position in `vec`
        self.pos[self.lists_rows] = np.arange(len(rows))

    def vectors(self, rows: np.ndarray) -> np.ndarray:
        pos = self.pos[rows]
        at = np.maximum(pos, 0)
        out: np.ndarray = self.vec[at].astype(np.float32)
        out *= self.scale[at, None]
        out[pos < 0] = 0.0
        return out

    def sims(self, rows: np.ndarray, queries: np.ndarray) -> np.ndarray:
        pos = self.pos[rows]
        at = np.maximum(pos, 0)
        out = np.empty((len(rows), len(queries)), np.float32)
        qt = queries.T
        # a few hundred rows at a time: their float32 copy stays in the cache
        for i in range(0, len(rows), SIMS_BLOCK):
            block = np.take(self.vec, at[i : i + SIMS_BLOCK], axis=0)
            out[i : i + SIMS_BLOCK] = block.astype(np.float32) @ qt
        out *= self.scale[at, None]
        out[pos < 0] = 0.0
        return out

    def search(self, vectors: np.ndarray, k: int) -> np.ndarray:
        found: list[np.ndarray] = []
        near = np.argsort(-(vectors @ self.centroids.T), axis=1)[:, : self.probe]
        for q, lists in zip(vectors, near, strict=True):
            spans = [(int(self.offsets[c]), int(self.offsets[c + 1])) for c in lists]
            spans = [(a, b) for a, b in spans if b > a]
            if not spans:
                continue
            # list by list: each is a contiguous block, converted without a gather
            sims = np.concatenate(
                [(self.vec[a:b].astype(np.float32) @ q) * self.scale[a:b] for a, b in spans]
            )
            where = np.concatenate([np.arange(a, b) for a, b in spans])
            kk = min(k, len(sims))
            found.append(self.lists_rows[where[np.argpartition(-sims, kk - 1)[:kk]]])
        return np.unique(np.concatenate(found)) if found else np.zeros(0, np.int64)


def _column_rows(by_col: sparse.csc_matrix, col: int | None) -> np.ndarray:
    if col is None:
        return np.zeros(0, np.int64)
    return np.asarray(by_col.indices[by_col.indptr[col] : by_col.indptr[col + 1]], np.int64)


def _csr(
    rows: list[int], cols: list[int], vals: list[float], shape: tuple[int, int]
) -> sparse.csr_matrix:
    return sparse.csr_matrix(
        (
            np.asarray(vals, dtype=np.float32),
            (np.asarray(rows, np.int64), np.asarray(cols, np.int64)),
        ),
        shape=shape,
    )
