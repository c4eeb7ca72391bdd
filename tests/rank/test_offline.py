"""The offline replay on a synthetic click log where some stories are simply more appealing:
models that learn from past clicks must beat random, and no feature may see the future."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np
import pytest

from tidings.rank.offline import (
    _ALS,
    FEATURES,
    Impression,
    MindNews,
    _Content,
    _features,
    _Log,
    evaluate,
)

START = datetime(2019, 11, 9)


def synthetic_log(seed: int = 3) -> tuple[list[Impression], dict[str, MindNews]]:
    rng = np.random.default_rng(seed)
    news = {
        f"N{i}": MindNews(f"N{i}", "sports" if i % 2 else "news", "x", f"Story {i}", "")
        for i in range(80)
    }
    appeal = {nid: rng.beta(1, 6) for nid in news}
    ids = list(news)
    out = []
    for k in range(1500):
        when = START + timedelta(minutes=5 * k)  # about 5.2 days
        cands = tuple(rng.choice(ids, size=12, replace=False))
        labels = tuple(int(rng.random() < appeal[c]) for c in cands)
        history = tuple(rng.choice(ids, size=5, replace=False))
        out.append(Impression(str(k), f"U{k % 300}", when, history, cands, labels))
    return out, news


def test_models_that_learn_from_past_clicks_beat_random() -> None:
    impressions, news = synthetic_log()
    test_from = datetime(2019, 11, 14)
    result = evaluate(impressions, news, {}, test_from)
    assert result.impressions == sum(1 for i in impressions if i.time >= test_from)
    assert set(result.models) == {
        "random",
        "popularity",
        "recency",
        "content",
        "collaborative",
        "tidings",
    }
    for scores in result.models.values():
        assert set(scores) == {"auc", "mrr", "ndcg5", "ndcg10"}
        assert all(0.0 <= v <= 1.0 for v in scores.values())
    m = result.models
    assert m["popularity"]["auc"] > m["random"]["auc"] + 0.1
    assert m["tidings"]["auc"] > m["random"]["auc"] + 0.1
    assert m["tidings"]["ndcg10"] > m["random"]["ndcg10"]
    assert 1 <= result.train_days <= 3 and result.train_impressions > 100
    assert set(result.feature_importance) == set(FEATURES)
    # no text at all: the content model has nothing to go on
    assert abs(m["content"]["auc"] - 0.5) < 0.05


def test_an_impressions_features_ignore_what_happened_after_it() -> None:
    impressions, news = synthetic_log()
    target = impressions[700]
    # flip every click after the target impression
    later = [
        replace(i, labels=tuple(1 - y for y in i.labels)) if i.time > target.time else i
        for i in impressions
    ]
    als = _ALS(impressions, target.time, seed=1)
    als_later = _ALS(later, target.time, seed=1)
    before = _features(target, _Log(impressions), _Content({}), als, news)
    after = _features(target, _Log(later), _Content({}), als_later, news)
    age = FEATURES.index("age_h")
    keep = [k for k in range(len(FEATURES)) if k != age]  # first-seen time counts showings
    np.testing.assert_allclose(before[:, keep], after[:, keep], rtol=1e-5, atol=1e-5)


def test_no_test_impressions_is_a_clear_error() -> None:
    impressions, news = synthetic_log()
    with pytest.raises(ValueError, match="no impressions on or after 2030-01-01"):
        evaluate(impressions, news, {}, datetime(2030, 1, 1))
