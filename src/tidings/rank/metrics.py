"""Ranking metrics of one impression, as the MIND paper defines them (Wu et al., ACL 2020, and
its evaluation script): AUC, MRR, nDCG@k with gain 2^rel − 1 and discount log2(rank + 1).
Each takes the 0/1 labels and the scores of one impression's candidates; averages are taken
over impressions by the caller."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["auc", "mrr", "ndcg"]


def _order(labels: Sequence[int] | np.ndarray, scores: Sequence[float] | np.ndarray) -> np.ndarray:
    y = np.asarray(labels, dtype=np.float64)
    s = np.asarray(scores, dtype=np.float64)
    if y.shape != s.shape:
        raise ValueError(f"{len(y)} labels but {len(s)} scores")
    # stable: candidates with equal scores keep their listed order
    return y[np.argsort(-s, kind="stable")]


def auc(labels: Sequence[int] | np.ndarray, scores: Sequence[float] | np.ndarray) -> float | None:
    """Area under the ROC curve (ties count half); None when the impression has only clicked
    or only unclicked candidates."""
    y = np.asarray(labels, dtype=np.float64)
    s = np.asarray(scores, dtype=np.float64)
    pos, neg = s[y > 0], s[y <= 0]
    if len(pos) == 0 or len(neg) == 0:
        return None
    # Mann-Whitney U with average ranks for ties
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    both = np.concatenate([pos, neg])[order]
    ranks = np.empty(len(both), dtype=np.float64)
    i = 0
    while i < len(both):
        j = i
        while j + 1 < len(both) and both[j + 1] == both[i]:
            j += 1
        ranks[i : j + 1] = (i + j) / 2.0 + 1.0
        i = j + 1
    rank_of = np.empty_like(ranks)
    rank_of[order] = ranks
    u = rank_of[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2.0
    return float(u / (len(pos) * len(neg)))


def mrr(labels: Sequence[int] | np.ndarray, scores: Sequence[float] | np.ndarray) -> float:
    """Mean reciprocal rank of the clicked candidates (MIND: Σ y_i / rank_i ÷ Σ y)."""
    y = _order(labels, scores)
    clicked = y.sum()
    if clicked == 0:
        return 0.0
    return float((y / np.arange(1, len(y) + 1)).sum() / clicked)


def ndcg(labels: Sequence[int] | np.ndarray, scores: Sequence[float] | np.ndarray, k: int) -> float:
    """nDCG@k: DCG of the ranking by score over DCG of the ideal ranking."""
    y = _order(labels, scores)[:k]
    ideal = np.sort(np.asarray(labels, dtype=np.float64))[::-1][:k]
    discounts = np.log2(np.arange(2, k + 2))
    best = float(((2**ideal - 1) / discounts[: len(ideal)]).sum())
    if best == 0:
        return 0.0
    return float(((2**y - 1) / discounts[: len(y)]).sum() / best)
