"""Co-reading: implicit-feedback ALS (`implicit`) over readers × (articles ∪ entities), so that
readers who open the same stories, or stories about the same people and places, find each
other's reading. An article nobody has opened yet is placed by its entities' factors (the
reader × entity half of the model), which is what makes it useful for fresh news."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tidings.rank.index import CandidateIndex
from tidings.rank.learners import fit_als

FACTORS = 32
ITERATIONS = 12


@dataclass(frozen=True)
class CoReadModel:
    reader_ids: np.ndarray  # (R,)
    reader_factors: np.ndarray  # (R × k)
    article_ids: np.ndarray  # (A,)
    article_factors: np.ndarray  # (A × k)
    entity_keys: tuple[str, ...]
    entity_factors: np.ndarray  # (E × k)

    def reader(self, reader_id: int) -> np.ndarray | None:
        i = np.searchsorted(self.reader_ids, reader_id)
        if i < len(self.reader_ids) and self.reader_ids[i] == reader_id:
            return np.asarray(self.reader_factors[i])
        return None

    def items_for(self, index: CandidateIndex) -> np.ndarray:
        """Factors of every row of the index: the article's own when it was in the training
        data, else the salience-weighted mean of its entities' factors (zeros without)."""
        k = self.reader_factors.shape[1] if len(self.reader_factors) else FACTORS
        out = np.zeros((index.size, k), dtype=np.float32)
        ent_col = {key: i for i, key in enumerate(self.entity_keys)}
        # index entity column → model entity row
        mapping = np.asarray([ent_col.get(key, -1) for key in index.entity_keys], np.int64)
        known = mapping >= 0
        if known.any():
            sal = index.entities.copy()
            sal.data = np.maximum(sal.data - 1.0, 0.05)  # present at all counts a little
            sal = sal[:, np.flatnonzero(known)]
            weights = np.asarray(sal.sum(axis=1)).ravel()
            mixed = sal @ self.entity_factors[mapping[known]]
            ok = weights > 0
            out[ok] = mixed[ok] / weights[ok, None]
        pos = np.searchsorted(self.article_ids, index.ids)
        pos = np.clip(pos, 0, max(len(self.article_ids) - 1, 0))
        if len(self.article_ids):
            hit = self.article_ids[pos] == index.ids
            out[hit] = self.article_factors[pos[hit]]
        return out

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            reader_ids=self.reader_ids,
            reader_factors=self.reader_factors,
            article_ids=self.article_ids,
            article_factors=self.article_factors,
            entity_keys=np.asarray(self.entity_keys, dtype=object),
            entity_factors=self.entity_factors,
        )

    @classmethod
    def load(cls, path: Path) -> CoReadModel:
        with np.load(path, allow_pickle=True) as z:
            return cls(
                reader_ids=z["reader_ids"],
                reader_factors=z["reader_factors"].astype(np.float32),
                article_ids=z["article_ids"],
                article_factors=z["article_factors"].astype(np.float32),
                entity_keys=tuple(str(k) for k in z["entity_keys"]),
                entity_factors=z["entity_factors"].astype(np.float32),
            )


def fit_coread(
    interactions: Sequence[tuple[int, int, float]],
    entities_of: Mapping[int, Sequence[tuple[str, float]]],
    *,
    factors: int = FACTORS,
    iterations: int = ITERATIONS,
    seed: int = 7,
) -> CoReadModel | None:
    """ALS on (reader, article, weight) interactions; each interaction also counts for the
    article's entities, times their salience. None when there is nothing to learn from."""
    pairs: dict[tuple[int, int], float] = defaultdict(float)
    readers: dict[int, int] = {}
    items: dict[tuple[str, object], int] = {}
    for reader, article, weight in interactions:
        if weight <= 0:
            continue
        r = readers.setdefault(reader, len(readers))
        pairs[(r, items.setdefault(("a", article), len(items)))] += weight
        for key, salience in entities_of.get(article, ()):
            if salience > 0:
                e = items.setdefault(("e", key), len(items))
                pairs[(r, e)] += weight * salience
    if len(readers) < 2 or not pairs:
        return None
    from scipy.sparse import csr_matrix

    rows, cols = zip(*pairs, strict=True)
    matrix = csr_matrix(
        (np.asarray(list(pairs.values()), np.float32), (rows, cols)),
        shape=(len(readers), len(items)),
    )
    user_f, item_f = fit_als(matrix, factors=factors, iterations=iterations, alpha=10.0, seed=seed)
    reader_ids = np.asarray(sorted(readers), dtype=np.int64)
    arts = sorted((key[1], i) for key, i in items.items() if key[0] == "a")
    ents = sorted((str(key[1]), i) for key, i in items.items() if key[0] == "e")
    return CoReadModel(
        reader_ids=reader_ids,
        reader_factors=user_f[[readers[r] for r in reader_ids]],
        article_ids=np.asarray([a for a, _ in arts], dtype=np.int64),
        article_factors=item_f[[i for _, i in arts]]
        if arts
        else np.zeros((0, factors), np.float32),
        entity_keys=tuple(k for k, _ in ents),
        entity_factors=item_f[[i for _, i in ents]] if ents else np.zeros((0, factors), np.float32),
    )
