"""Scorers: the learned ranker trained from a feed log, versioned model files, and the
fall-back to the hand-set scorer when a model is missing or broken."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from rankkit import NOW

from tidings.rank import HandScorer, LearnedScorer, load_scorer
from tidings.rank.features import FEATURES, F
from tidings.rank.scoring import CURRENT, MODEL_FORMAT
from tidings.rank.training import Action, ServedPage, label_pages, train_ranker


def _log(pages: int, seed: int = 3) -> tuple[list[ServedPage], list[Action]]:
    """Readers who open long articles, whatever else: a taste the hand-set scorer has no
    weight for, so only a learned model can rank by it."""
    rng = np.random.default_rng(seed)
    served, actions = [], []
    for p in range(pages):
        x = rng.random((20, len(FEATURES))).astype(np.float32)
        x[:, F["opened"]] = 0
        x[:, F["fewer_overlap"]] = 0
        at = NOW - timedelta(hours=pages - p)
        ids = list(range(p * 100, p * 100 + 20))
        served.append(ServedPage(reader_id=p % 7, at=at, article_ids=ids, features=x))
        for i, aid in enumerate(ids):
            if rng.random() < 0.05 + 0.6 * float(x[i, F["length"]]) ** 3:
                actions.append(Action(p % 7, aid, "click", at + timedelta(minutes=2)))
    return served, actions


def test_labels_come_from_what_readers_did_after_the_page() -> None:
    page = ServedPage(1, NOW, [10, 11, 12, 13, 14], np.zeros((5, len(FEATURES)), np.float32))
    actions = [
        Action(1, 10, "click", NOW + timedelta(minutes=1)),
        Action(1, 11, "read", NOW + timedelta(minutes=3), dwell_s=120),
        Action(1, 12, "click", NOW + timedelta(minutes=1)),
        Action(1, 12, "hide", NOW + timedelta(minutes=2)),  # opened, then hidden: not liked
        Action(1, 13, "click", NOW - timedelta(minutes=5)),  # before the page: not an answer
        Action(2, 14, "click", NOW + timedelta(minutes=1)),  # another reader
    ]
    assert label_pages([page], actions)[0].tolist() == [1, 2, 0, 0, 0]


def test_a_model_learns_a_taste_the_hand_set_scorer_cannot_see(tmp_path: Path) -> None:
    pages, actions = _log(300)
    booster, report = train_ranker(pages, actions, min_groups=50)
    assert booster is not None and report.accepted
    assert report.model["auc"] > report.hand_set["auc"] + 0.1
    assert max(report.importance, key=report.importance.get) == "length"


def test_too_little_to_learn_from_keeps_the_hand_set_scorer() -> None:
    pages, actions = _log(20)
    booster, report = train_ranker(pages, actions, min_groups=50)
    assert booster is None and not report.accepted
    assert "hand-set scorer stays" in report.reason


def _save(folder: Path, booster: object, features: list[str], **meta: object) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    booster.save_model(str(folder / "ranker-1.txt"))  # type: ignore[attr-defined]
    record = {"format": MODEL_FORMAT, "version": "1", "file": "ranker-1.txt", "features": features}
    record.update(meta)
    (folder / CURRENT).write_text(json.dumps(record), encoding="utf-8")


def test_a_saved_model_is_loaded_and_scores_like_the_trained_one(tmp_path: Path) -> None:
    pages, actions = _log(200)
    booster, _ = train_ranker(pages, actions, min_groups=50)
    _save(tmp_path, booster, list(FEATURES))
    scorer = load_scorer(tmp_path)
    assert isinstance(scorer, LearnedScorer) and scorer.name == "lightgbm:1"
    x = pages[0].features
    assert np.allclose(scorer.score(x), booster.predict(x))  # type: ignore[union-attr]


def test_no_model_means_the_hand_set_scorer_silently(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        assert isinstance(load_scorer(tmp_path / "nothing-here"), HandScorer)
        assert isinstance(load_scorer(None), HandScorer)
    assert not caplog.records


@pytest.mark.parametrize("fault", ["garbage pointer", "missing file", "bad model", "bad features"])
def test_a_broken_model_falls_back_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, fault: str
) -> None:
    pages, actions = _log(120)
    booster, _ = train_ranker(pages, actions, min_groups=50)
    _save(tmp_path, booster, list(FEATURES))
    if fault == "garbage pointer":
        (tmp_path / CURRENT).write_text("{not json", encoding="utf-8")
    elif fault == "missing file":
        (tmp_path / "ranker-1.txt").unlink()
    elif fault == "bad model":
        (tmp_path / "ranker-1.txt").write_text("tree\nnonsense=1\n", encoding="utf-8")
    else:
        _save(tmp_path, booster, [*FEATURES[:-1], "no_such_feature"])
    with caplog.at_level(logging.WARNING):
        scorer = load_scorer(tmp_path)
    assert isinstance(scorer, HandScorer)
    assert any("hand-set scorer" in r.getMessage() for r in caplog.records)
