"""MIND's ranking metrics, against hand-computed values and scikit-learn's AUC."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from tidings.rank.metrics import auc, mrr, ndcg


def test_hand_computed_values() -> None:
    labels = [0, 1, 0, 0, 1]
    scores = [0.9, 0.8, 0.1, 0.2, 0.3]
    # ranking by score: 0.9(0) 0.8(1) 0.3(1) 0.2(0) 0.1(0)
    assert mrr(labels, scores) == pytest.approx((1 / 2 + 1 / 3) / 2)
    dcg5 = 1 / math.log2(3) + 1 / math.log2(4)
    idcg = 1 / math.log2(2) + 1 / math.log2(3)
    assert ndcg(labels, scores, 5) == pytest.approx(dcg5 / idcg)
    assert ndcg(labels, scores, 1) == 0.0
    # positives 0.8, 0.3 against negatives 0.9, 0.1, 0.2: 0.8 beats 2, 0.3 beats 2 → 4/6
    assert auc(labels, scores) == pytest.approx(4 / 6)


def test_perfect_and_degenerate_impressions() -> None:
    assert auc([1, 0, 0], [3, 2, 1]) == 1.0 and auc([1, 0, 0], [1, 2, 3]) == 0.0
    assert auc([1, 1], [0.2, 0.1]) is None and auc([0, 0], [0.2, 0.1]) is None
    assert mrr([0, 0, 0], [1, 2, 3]) == 0.0 and ndcg([0, 0], [1, 2], 10) == 0.0
    assert ndcg([1, 0, 0], [9, 1, 1], 10) == 1.0
    with pytest.raises(ValueError, match="labels but"):
        mrr([1, 0], [1.0])


@given(
    st.lists(st.tuples(st.booleans(), st.integers(0, 5)), min_size=2, max_size=40).filter(
        lambda rows: 0 < sum(y for y, _ in rows) < len(rows)
    )
)
@settings(deadline=None)  # scikit-learn's first call is slow on a loaded machine
def test_auc_agrees_with_scikit_learn_ties_included(rows: list[tuple[bool, int]]) -> None:
    labels = np.asarray([int(y) for y, _ in rows])
    scores = np.asarray([float(s) for _, s in rows])
    assert auc(labels, scores) == pytest.approx(roc_auc_score(labels, scores))
