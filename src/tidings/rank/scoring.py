"""Scorers of candidate feature rows: the hand-set scorer that serves until enough events
exist, and the learned LightGBM LambdaRank model that `tidings train` writes. Model files
are versioned; a missing or bad model falls back to the hand-set scorer with a warning."""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from tidings.rank.coread import CoReadModel
from tidings.rank.features import FEATURES, F

log = logging.getLogger(__name__)

CURRENT = "current.json"  # names the ranking model in use, in the model folder
COREAD = "coread.json"  # names the co-read model in use
MODEL_FORMAT = 1

# Hand-set weights: a follow's match counts fully; the rest are nudges of a few tenths.
FRESHNESS_WEIGHT = 0.25
POPULAR_WEIGHT = 0.3  # at most this much for a story many readers opened lately
POPULAR_FULL = 20  # readers for the whole popularity bonus (log-scaled below it)
STORY_WEIGHT = 0.3  # at most this much for a big fresh story (many reports of one event)
STORY_FULL = 8  # reports for the whole bonus (log-scaled below it)
INTEREST_WEIGHT = 1.2  # times how far the best interest cosine is above INTEREST_FLOOR
INTEREST_FLOOR = 0.25
ENTITY_WEIGHT = 0.5  # of Σ salience × affinity × specificity (idf) of the entities
TOPIC_WEIGHT = 0.6
SOURCE_WEIGHT = 0.2
COLLAB_WEIGHT = 0.1
BREAKING_WEIGHT = 0.3
SHOWN_PENALTY = 0.03  # per showing without a click (at most 10)
# Rules applied after any scorer, as factors on exp(score):
SEEN_FACTOR = 0.5  # stories already opened sink below unread ones
FEWER_FACTOR = 0.6  # per subject shared with a story marked "fewer like this"


class Scorer(Protocol):
    @property
    def name(self) -> str: ...

    def score(self, x: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class HandScorer:
    name: str = "hand-set"

    def score(self, x: np.ndarray) -> np.ndarray:
        fresh = x[:, F["freshness"]]
        age_days = np.expm1(x[:, F["age_h"]]) / 24.0
        s = (
            x[:, F["follow"]]
            + FRESHNESS_WEIGHT * fresh
            + POPULAR_WEIGHT * np.minimum(x[:, F["popularity"]] / math.log1p(POPULAR_FULL), 1.0)
            + STORY_WEIGHT * fresh * np.minimum(x[:, F["story_size"]] / math.log(STORY_FULL), 1.0)
            + INTEREST_WEIGHT * np.maximum(x[:, F["interest_max"]] - INTEREST_FLOOR, 0.0)
            + ENTITY_WEIGHT * np.clip(x[:, F["entity_affinity"]], -1.0, 1.0)
            + TOPIC_WEIGHT * np.clip(x[:, F["topic_affinity"]], -1.0, 1.0)
            + SOURCE_WEIGHT * np.clip(x[:, F["source_affinity"]], -1.0, 1.0)
            + COLLAB_WEIGHT * np.clip(x[:, F["collaborative"]], 0.0, 1.0)
            + BREAKING_WEIGHT * x[:, F["breaking"]]
            - SHOWN_PENALTY * np.minimum(x[:, F["shown_no_click"]], 10.0)
            # a tiny, monotonic recency term keeps old stories in date order
            + 1e-3 / (1.0 + age_days)
        )
        return np.asarray(s, dtype=np.float64)


class LearnedScorer:
    """A LightGBM ranker over (a subset of) `FEATURES`, read from a model file."""

    def __init__(self, booster: Any, features: list[str], version: str) -> None:
        self.booster = booster
        self.columns = [F[f] for f in features]
        self.version = version
        self.name = f"lightgbm:{version}"

    def score(self, x: np.ndarray) -> np.ndarray:
        if len(x) == 0:
            return np.zeros(0)
        out = self.booster.predict(x[:, self.columns], num_threads=1)
        return np.asarray(out, dtype=np.float64)


def rules(x: np.ndarray) -> np.ndarray:
    """The re-ranking rules every scorer's output gets, as log factors to add: opened
    stories sink; stories sharing subjects with "fewer like this" sink per shared subject."""
    return x[:, F["opened"]] * math.log(SEEN_FACTOR) + x[:, F["fewer_overlap"]] * math.log(
        FEWER_FACTOR
    )


def load_scorer(folder: Path | None) -> Scorer:
    """The model named by `folder/current.json`, else the hand-set scorer. A missing folder
    or pointer means no model was trained yet (silently hand-set); an unreadable or
    incompatible model is logged as a warning and also falls back."""
    if folder is None or not (folder / CURRENT).exists():
        return HandScorer()
    try:
        meta = json.loads((folder / CURRENT).read_text(encoding="utf-8"))
        if meta.get("format") != MODEL_FORMAT:
            raise ValueError(f"model format {meta.get('format')!r}, expected {MODEL_FORMAT}")
        features = list(meta["features"])
        unknown = [f for f in features if f not in F]
        if unknown:
            raise ValueError(f"model uses unknown features {unknown}")
        path = folder / str(meta["file"])
        import lightgbm as lgb

        booster = lgb.Booster(model_file=str(path))
        if booster.num_feature() != len(features):
            raise ValueError(
                f"model has {booster.num_feature()} features, its record {len(features)}"
            )
        scorer = LearnedScorer(booster, features, str(meta["version"]))
        scorer.score(np.zeros((1, len(FEATURES)), dtype=np.float32))  # it must run
        return scorer
    except Exception as exc:  # any broken model: serve with the hand-set scorer
        log.warning("ranking model in %s unusable (%s); using the hand-set scorer", folder, exc)
        return HandScorer()


def load_coread(folder: Path | None) -> CoReadModel | None:
    """The co-read model named by `folder/coread.json`, if any (a broken one is logged and
    left out)."""
    if folder is None or not (folder / COREAD).exists():
        return None
    try:
        meta = json.loads((folder / COREAD).read_text(encoding="utf-8"))
        if meta.get("format") != MODEL_FORMAT:
            raise ValueError(f"model format {meta.get('format')!r}, expected {MODEL_FORMAT}")
        return CoReadModel.load(folder / str(meta["file"]))
    except Exception as exc:
        log.warning("co-read model in %s unusable (%s); feeds go without it", folder, exc)
        return None
