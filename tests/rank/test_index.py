"""The candidate index's nearest-neighbour search: brute force on a small index, the
inverted-file index (and its int8 vectors in list order) on a large one."""

from __future__ import annotations

import numpy as np
from rankkit import sig

from tidings.rank import CandidateIndex
from tidings.rank.index import ANN_MIN_ROWS, DIM


def _clustered(n: int, seed: int = 3) -> tuple[CandidateIndex, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(60, DIM)).astype(np.float32)
    vecs = centres[rng.integers(0, 60, n)] + rng.normal(0, 0.6, (n, DIM)).astype(np.float32)
    signals = [sig(i + 1, vec=vecs[i] if i % 50 else None) for i in range(n)]
    index = CandidateIndex(signals)
    return index, vecs[index.ids - 1]  # the vectors by index row


def _brute(index: CandidateIndex, vecs: np.ndarray, queries: np.ndarray, k: int) -> set[int]:
    unit = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    sims = unit @ queries.T
    sims[~index.has_emb] = -2.0
    return {int(r) for j in range(len(queries)) for r in np.argsort(-sims[:, j])[:k]}


def test_large_index_finds_nearly_all_true_neighbours() -> None:
    index, vecs = _clustered(ANN_MIN_ROWS + 500)
    assert index.ann is not None
    rng = np.random.default_rng(9)
    queries = vecs[rng.integers(0, len(vecs), 4)]
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    found = {int(r) for r in index.nearest(queries, 100)}
    truth = _brute(index, vecs, queries, 100)
    recall = len(found & truth) / len(truth)
    assert recall >= 0.8, recall
    assert all(index.has_emb[r] for r in found)  # never an article without an embedding


def test_vectors_come_back_normalised_in_row_order_whatever_the_storage() -> None:
    for n in (500, ANN_MIN_ROWS + 500):  # brute force, then the inverted file
        index, vecs = _clustered(n)
        rows = np.asarray([0, 1, 7, 50, n - 1, int(index.row_of[51])])
        got = index.vectors(rows)
        unit = vecs[rows] / np.linalg.norm(vecs[rows], axis=1, keepdims=True)
        assert not index.has_emb[rows[-1]]  # every 50th article has no embedding
        unit[~index.has_emb[rows]] = 0.0
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, unit, atol=2e-3)


def test_small_index_search_is_exact() -> None:
    index, vecs = _clustered(800)
    assert index.ann is None
    q = vecs[:2] / np.linalg.norm(vecs[:2], axis=1, keepdims=True)
    assert {int(r) for r in index.nearest(q, 20)} == _brute(index, vecs, q, 20)
