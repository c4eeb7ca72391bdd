"""Learning the ranker from the platform's own feed log: labels from what readers did after
a feed page was served, LightGBM LambdaRank on the feature rows logged with it, and a
held-out comparison with the hand-set scorer. Pure: the log is passed in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from tidings.rank.features import FEATURES
from tidings.rank.learners import lambdarank
from tidings.rank.metrics import auc, ndcg
from tidings.rank.scoring import HandScorer

LABEL_WINDOW = timedelta(hours=6)  # an open this soon after a page was served answers it
GOOD_READ_S = 30.0  # a read this long (or a save) is a strong positive


@dataclass(frozen=True)
class ServedPage:
    reader_id: int
    at: datetime
    article_ids: Sequence[int]
    features: np.ndarray  # (articles × FEATURES)


@dataclass(frozen=True)
class Action:
    reader_id: int
    article_id: int
    kind: str  # click, read, save, hide, fewer_like_this
    at: datetime
    dwell_s: float | None = None


@dataclass
class TrainingReport:
    pages: int = 0  # feed pages in the log
    groups: int = 0  # pages with a clicked and an unclicked story (what LambdaRank learns from)
    train_groups: int = 0
    validation_groups: int = 0
    model: dict[str, float] = field(default_factory=dict)  # held-out metrics of the model
    hand_set: dict[str, float] = field(default_factory=dict)  # ...and of the hand-set scorer
    importance: dict[str, float] = field(default_factory=dict)
    accepted: bool = False
    reason: str = ""
    coread_readers: int = 0  # readers in the co-read model written alongside (0: none)
    coread_items: int = 0


def label_pages(pages: Sequence[ServedPage], actions: Sequence[Action]) -> list[np.ndarray]:
    """Per page, per story: 2 for a save or a read of `GOOD_READ_S`, 1 for an open, 0
    otherwise (a hide is 0 even when the story was opened), from the reader's actions on it
    within `LABEL_WINDOW` after the page was served."""
    by_pair: dict[tuple[int, int], list[Action]] = {}
    for a in actions:
        by_pair.setdefault((a.reader_id, a.article_id), []).append(a)
    out = []
    for p in pages:
        labels = np.zeros(len(p.article_ids), dtype=np.float32)
        end = p.at + LABEL_WINDOW
        for i, aid in enumerate(p.article_ids):
            acts = [a for a in by_pair.get((p.reader_id, aid), ()) if p.at <= a.at < end]
            if any(a.kind in ("hide", "fewer_like_this") for a in acts):
                continue
            for a in acts:
                if a.kind == "save" or (
                    a.kind == "read" and a.dwell_s is not None and a.dwell_s >= GOOD_READ_S
                ):
                    labels[i] = 2.0
                elif a.kind in ("click", "read"):
                    labels[i] = max(labels[i], 1.0)
        out.append(labels)
    return out


def _metrics(scores: Sequence[np.ndarray], labels: Sequence[np.ndarray]) -> dict[str, float]:
    aucs = [a for s, y in zip(scores, labels, strict=True) if (a := auc(y > 0, s)) is not None]
    nd = [ndcg(y, s, 10) for s, y in zip(scores, labels, strict=True)]
    return {
        "auc": round(float(np.mean(aucs)) if aucs else 0.0, 4),
        "ndcg10": round(float(np.mean(nd)) if nd else 0.0, 4),
    }


def train_ranker(
    pages: Sequence[ServedPage],
    actions: Sequence[Action],
    *,
    min_groups: int = 50,
    seed: int = 7,
) -> tuple[Any, TrainingReport]:
    """A LightGBM LambdaRank model on the pages' logged features, trained on the older 80 %
    of the pages with both clicked and unclicked stories and compared with the hand-set
    scorer on the newest 20 %. The model is `accepted` only when it is at least as good on
    held-out nDCG@10; returns (booster or None, report)."""
    report = TrainingReport(pages=len(pages))
    ordered = sorted(
        (p for p in pages if p.features.shape[1:] == (len(FEATURES),)), key=lambda p: p.at
    )
    labels = label_pages(ordered, actions)
    usable = [
        (p, y) for p, y in zip(ordered, labels, strict=True) if (y > 0).any() and (y == 0).any()
    ]
    report.groups = len(usable)
    if len(usable) < min_groups:
        report.reason = (
            f"{len(usable)} feed pages with a clicked and an unclicked story; {min_groups} "
            "are needed: the hand-set scorer stays"
        )
        return None, report
    cut = max(int(len(usable) * 0.8), 1)
    train, val = usable[:cut], usable[cut:] or usable[-1:]
    report.train_groups, report.validation_groups = len(train), len(val)
    x = np.vstack([p.features for p, _ in train]).astype(np.float32)
    y = np.concatenate([lab for _, lab in train]).astype(np.int32)
    model = lambdarank(seed=seed, n_estimators=200, num_leaves=15, min_child_samples=10)
    model.fit(x, y, group=[len(p.article_ids) for p, _ in train])
    booster = model.booster_
    val_labels = [lab for _, lab in val]
    report.model = _metrics(
        [np.asarray(booster.predict(p.features.astype(np.float32), num_threads=1)) for p, _ in val],
        val_labels,
    )
    hand = HandScorer()
    report.hand_set = _metrics([hand.score(p.features) for p, _ in val], val_labels)
    gains = booster.feature_importance(importance_type="gain")
    total = float(gains.sum()) or 1.0
    report.importance = {
        f: round(float(g) / total, 4) for f, g in zip(FEATURES, gains, strict=True) if g > 0
    }
    report.accepted = report.model["ndcg10"] >= report.hand_set["ndcg10"]
    report.reason = (
        "the model ranks the held-out pages at least as well as the hand-set scorer"
        if report.accepted
        else "the model ranks the held-out pages worse than the hand-set scorer: not used"
    )
    return booster, report
