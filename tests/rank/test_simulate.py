"""Synthetic readers (rank.simulate): relevance from hidden interests, the position-biased
click model and the measures of a served page, on hand-built values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tidings.core import TopicScore
from tidings.rank.simulate import (
    ClickModel,
    Interest,
    Shown,
    SyntheticReader,
    diversity,
    interest_pool,
    intra_list_distance,
    make_reader,
    ndcg_at,
    relevance,
    story_pool,
)

SPORT_FAN = SyntheticReader(
    (Interest("sport", "Sport", "taxonomy", 1.0), Interest("japan", "Japan", "place", 0.5))
)


def tax(key: str, score: float) -> TopicScore:
    return TopicScore(key, key.title(), "taxonomy", score)


def place(key: str, score: float) -> TopicScore:
    return TopicScore(key, key.title(), "place", score)


def test_relevance_is_graded_by_interest_weight_and_match_strength() -> None:
    assert relevance(SPORT_FAN, [tax("sport", 0.9)]) == 1.0
    # the best taxonomy topic of an article is a strong match, even with a low score
    assert relevance(SPORT_FAN, [tax("sport", 0.3), tax("business", 0.2)]) == 1.0
    # a lesser topic of the article: half
    assert relevance(SPORT_FAN, [tax("business", 0.8), tax("sport", 0.35)]) == 0.5
    # the secondary interest counts half of its weight
    assert relevance(SPORT_FAN, [tax("politics", 0.9), place("japan", 0.8)]) == 0.5
    assert relevance(SPORT_FAN, [place("china", 0.9), place("japan", 0.3)]) == 0.25
    # a source tag with the interest's key is a strong match
    assert relevance(SPORT_FAN, [TopicScore("japan", "Japan", "tag", 1.0)]) == 0.5
    assert relevance(SPORT_FAN, [tax("politics", 0.9), place("china", 0.9)]) == 0.0
    # the best interest wins
    assert relevance(SPORT_FAN, [tax("sport", 0.9), place("japan", 0.9)]) == 1.0


def test_readers_are_drawn_from_common_topics_and_seeded() -> None:
    corpus = [[tax("sport", 0.9)]] * 20 + [[tax("health", 0.8), place("japan", 0.7)]] * 5
    corpus += [[tax("politics", 0.9), place("united states", 0.6)]] * 10
    pool = interest_pool(corpus)
    keys = {c.key for c in pool}
    assert "united states" not in keys  # in more than a quarter of the corpus: too broad
    assert {"sport", "health", "japan", "politics"} <= keys
    for seed in range(20):
        a = make_reader(pool, np.random.default_rng(seed))
        assert a == make_reader(pool, np.random.default_rng(seed))
        assert a.main.key == "sport" and a.main.weight == 1.0  # the only topic of 15+ articles
        assert 1 <= len(a.interests) <= 3
        assert all(i.weight == 0.5 for i in a.interests[1:])
    with pytest.raises(ValueError):
        make_reader(interest_pool([[tax("sport", 0.9)]]), np.random.default_rng(0))


def test_click_model_is_position_biased() -> None:
    model = ClickModel()
    assert model.examine(0) == 1.0 and model.examine(1) == 0.5 and model.examine(9) == 0.1
    assert model.click_probability(0.0) == pytest.approx(0.05)
    assert model.click_probability(1.0) == pytest.approx(0.95)
    rng = np.random.default_rng(7)
    counts = np.zeros(10)
    trials = 4000
    for _ in range(trials):
        for p in model.clicks([1.0] * 10, rng):
            counts[p] += 1
    # equally relevant stories: clicks fall with position, as 1 / (1 + p)
    assert all(counts[i] > counts[i + 1] for i in range(4))
    assert counts[0] / trials == pytest.approx(0.95, abs=0.03)
    assert counts[3] / trials == pytest.approx(0.95 / 4, abs=0.03)
    assert counts[0] > 5 * counts[9]
    # relevance matters at the same position
    irrelevant = sum(len(model.clicks([0.0], rng)) for _ in range(trials))
    assert irrelevant / trials == pytest.approx(0.05, abs=0.015)
    # an opened story is not clicked again; same seed, same clicks
    assert model.clicks([1.0, 1.0], np.random.default_rng(1), [True, True]) == []
    assert model.clicks([0.5] * 5, np.random.default_rng(3)) == model.clicks(
        [0.5] * 5, np.random.default_rng(3)
    )
    # longer reads of more relevant stories
    dwell = [model.dwell(r, rng) for r in (0.0, 1.0) for _ in range(50)]
    assert max(dwell[:50]) < min(dwell[50:])


def test_ndcg_against_the_whole_pool() -> None:
    pool = [1.0, 1.0, 0.5, 0.0, 0.0, 0.0]
    assert ndcg_at([1.0, 1.0, 0.5], pool, 10) == pytest.approx(1.0)
    assert ndcg_at([0.0, 0.0, 0.0], pool, 10) == 0.0
    # served: 0, 1, 0.5 → gains 0, 1, 2^0.5 − 1 at ranks 1..3
    dcg = 1 / math.log2(3) + (math.sqrt(2) - 1) / math.log2(4)
    ideal = 1 + 1 / math.log2(3) + (math.sqrt(2) - 1) / math.log2(4)
    assert ndcg_at([0.0, 1.0, 0.5], pool, 10) == pytest.approx(dcg / ideal)
    # only the top k count
    assert ndcg_at([0.0, 1.0, 1.0], pool, 1) == 0.0
    assert ndcg_at([1.0, 0.0], pool, 1) == 1.0
    # nothing relevant in the pool: undefined
    assert ndcg_at([0.0], [0.0, 0.0], 10) is None


def test_story_pool_keeps_one_article_per_story() -> None:
    rels = {1: 1.0, 2: 0.5, 3: 0.5, 4: 0.0}
    assert sorted(story_pool(rels, {1: 10, 2: 10, 3: None, 4: 11})) == [0.0, 0.5, 1.0]


def unit(*xs: float) -> np.ndarray:
    v = np.asarray(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_diversity_of_the_top() -> None:
    same = [Shown(i, 1.0, "sport", 1, embedding=unit(1, 0)) for i in range(3)]
    assert intra_list_distance(same) == pytest.approx(0.0, abs=1e-6)
    mixed = [
        Shown(1, 1.0, "sport", 1, embedding=unit(1, 0)),
        Shown(2, 0.0, "politics", 1, explore=True, embedding=unit(0, 1)),
        Shown(3, 0.0, "health", 2, embedding=unit(1, 1)),
    ]
    # pairs: 1 − 0, 1 − cos45°, 1 − cos45°
    assert intra_list_distance(mixed) == pytest.approx((1 + 2 * (1 - math.sqrt(0.5))) / 3)
    d = diversity(mixed, 20)
    assert d.distinct_topics == 3 and d.explore_share == pytest.approx(1 / 3)
    assert diversity(mixed, 1).distinct_topics == 1 and diversity(mixed, 1).explore_share == 0
    # without embeddings: pairs of different topics count 1, same topic other source 0.5
    plain = [Shown(1, 1.0, "sport", 1), Shown(2, 1.0, "sport", 2), Shown(3, 1.0, "health", 1)]
    assert intra_list_distance(plain) == pytest.approx((0.5 + 1 + 1) / 3)
    assert intra_list_distance(plain[:1]) == 0.0
    assert diversity([], 20).distinct_topics == 0
