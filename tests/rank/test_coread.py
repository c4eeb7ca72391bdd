"""Co-reading (ALS over readers × articles and entities): readers who read alike find each
other's stories, and a fresh story nobody opened is placed by its entities."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from rankkit import NOW, sig

from tidings.core import Event, EventKind
from tidings.rank import CandidateIndex, FeedContext, build_profile, rank_index
from tidings.rank.coread import CoReadModel, fit_coread
from tidings.rank.features import F

# Two reading communities: football readers (articles 1-10) and Kabul readers (11-20).
FOOTBALL = {a: [("liverpool", 0.9), ("mohamed salah", 0.6)] for a in range(1, 11)}
KABUL = {a: [("taliban", 0.9), ("kabul", 0.7)] for a in range(11, 21)}


def _log(seed: int = 1) -> list[tuple[int, int, float]]:
    rng = np.random.default_rng(seed)
    out = []
    for reader in range(40):
        mine = range(1, 11) if reader < 20 else range(11, 21)
        for a in rng.choice(list(mine), size=6, replace=False):
            out.append((reader, int(a), 1.0))
    return out


def test_readers_find_what_readers_like_them_read(tmp_path: Path) -> None:
    model = fit_coread(_log(), {**FOOTBALL, **KABUL}, factors=8, iterations=20)
    assert model is not None
    index = CandidateIndex([sig(a, age_h=a) for a in range(1, 21)])
    items = model.items_for(index)
    fan = model.reader(3)
    assert fan is not None
    scores = items @ fan
    football_rows = [index.row_of[a] for a in range(1, 11)]
    kabul_rows = [index.row_of[a] for a in range(11, 21)]
    assert scores[football_rows].mean() > scores[kabul_rows].mean() + 0.2
    # saved and loaded, the same
    model.save(tmp_path / "coread.npz")
    again = CoReadModel.load(tmp_path / "coread.npz")
    assert np.allclose(again.items_for(index), items)
    assert model.reader(999) is None  # unknown reader: no co-read signal


def test_a_fresh_story_nobody_opened_is_placed_by_its_entities() -> None:
    model = fit_coread(_log(), {**FOOTBALL, **KABUL}, factors=8, iterations=20)
    assert model is not None
    fresh_match = sig(100, entities=(("Liverpool", 0.8),))
    fresh_other = sig(101, entities=(("Taliban", 0.8),))
    index = CandidateIndex([fresh_match, fresh_other, sig(102)])
    items = model.items_for(index)
    fan = model.reader(3)
    assert fan is not None
    s = items @ fan
    assert s[index.row_of[100]] > s[index.row_of[101]]
    assert not items[index.row_of[102]].any()  # no entities the model knows: no factors
    # in the feed, the football fan's co-read score favours the Liverpool story
    profile = build_profile([Event(3, 1, EventKind.CLICK, at=NOW)], [index], NOW)
    ctx = FeedContext(now=NOW, collab_user=fan, collab_items=items)
    picks = {p.article_id: p for p in rank_index(index, profile, [], ctx)}
    assert picks[100].features[F["collaborative"]] > picks[101].features[F["collaborative"]]


def test_nothing_to_learn_from_is_no_model() -> None:
    assert fit_coread([], {}) is None
    assert fit_coread([(1, 1, 1.0)], {}) is None  # one reader: no co-reading
