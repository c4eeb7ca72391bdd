"""Offline evaluation by replaying a news-click log (MIND's format): for each test impression,
every model scores its candidates and the clicks are compared with the ranking.

Pure: the log, the news texts' embeddings and the split time are passed in; nothing is read
or written here. Every feature of an impression uses only what happened before it (clicks
and impressions earlier in the log, the user's history column), so the replay is honest.

Models (all in `evaluate`):
- random;
- popularity: clicks on the candidate in the preceding `POPULAR_HOURS` hours;
- recency: the candidate first seen most recently in the log is ranked first;
- content: cosine between the candidate's embedding and the mean of the user's history
  (candidates or users without text score 0);
- collaborative: ALS (`implicit`) on users × news from histories and training clicks;
- tidings: a LightGBM LambdaRank model over all of those signals plus category affinity,
  click-through rate, age, and how often the user was shown the candidate without clicking.
  It is trained on the last training day, with an ALS fitted on the days before it, so that
  its collaborative feature never saw the clicks it learns from.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from tidings.rank.learners import fit_als, lambdarank
from tidings.rank.metrics import auc, mrr, ndcg

__all__ = [
    "FEATURES",
    "Impression",
    "MindNews",
    "Result",
    "evaluate",
]

POPULAR_HOURS = 24.0
ALS_FACTORS = 48
ALS_ITERATIONS = 15
# How many days of impressions before the test day the ranker may learn from; the best is
# chosen by validating on the last training day.
TRAIN_DAYS = (1, 2, 3)
FEATURES = (
    "clicks_1h",
    "clicks_6h",
    "clicks_24h",
    "shows_24h",
    "ctr_24h",
    "clicks_all",
    "age_h",
    "content",
    "has_text",
    "als",
    "category_affinity",
    "subcategory_affinity",
    "history_len",
    "shown_before",
    "in_history",
    "candidates",
)


@dataclass(frozen=True, slots=True)
class MindNews:
    id: str
    category: str
    subcategory: str
    title: str
    abstract: str


@dataclass(frozen=True, slots=True)
class Impression:
    id: str
    user: str
    time: datetime
    history: tuple[str, ...]
    candidates: tuple[str, ...]
    labels: tuple[int, ...]


@dataclass
class Result:
    impressions: int  # test impressions scored
    models: dict[str, dict[str, float]] = field(default_factory=dict)
    train_impressions: int = 0
    train_days: int = 0
    feature_importance: dict[str, float] = field(default_factory=dict)


class _Log:
    """Clicks and showings of each news item, by time, for "before t" counts."""

    def __init__(self, impressions: Sequence[Impression]) -> None:
        clicks: dict[str, list[float]] = defaultdict(list)
        shows: dict[str, list[float]] = defaultdict(list)
        first: dict[str, float] = {}
        self.user_shows: dict[tuple[str, str], list[float]] = defaultdict(list)
        for imp in impressions:
            t = imp.time.timestamp()
            for nid, y in zip(imp.candidates, imp.labels, strict=True):
                shows[nid].append(t)
                if y:
                    clicks[nid].append(t)
                if nid not in first or t < first[nid]:
                    first[nid] = t
                self.user_shows[(imp.user, nid)].append(t)
        self.clicks = {k: sorted(v) for k, v in clicks.items()}
        self.shows = {k: sorted(v) for k, v in shows.items()}
        self.first = first
        for v in self.user_shows.values():
            v.sort()

    @staticmethod
    def _count(times: list[float] | None, start: float, end: float) -> int:
        if not times:
            return 0
        return bisect.bisect_left(times, end) - bisect.bisect_left(times, start)

    def clicks_between(self, nid: str, start: float, end: float) -> int:
        return self._count(self.clicks.get(nid), start, end)

    def shows_between(self, nid: str, start: float, end: float) -> int:
        return self._count(self.shows.get(nid), start, end)

    def shown_to_before(self, user: str, nid: str, t: float) -> int:
        return self._count(self.user_shows.get((user, nid)), -math.inf, t)


class _ALS:
    """Implicit-feedback ALS over users × news: histories plus clicks before a time."""

    def __init__(self, impressions: Sequence[Impression], before: datetime, seed: int) -> None:
        from scipy.sparse import csr_matrix

        users: dict[str, int] = {}
        items: dict[str, int] = {}
        pairs: Counter[tuple[int, int]] = Counter()
        for imp in impressions:
            u = users.setdefault(imp.user, len(users))
            for nid in imp.history:
                pairs[(u, items.setdefault(nid, len(items)))] = 1
            if imp.time < before:
                for nid, y in zip(imp.candidates, imp.labels, strict=True):
                    if y:
                        pairs[(u, items.setdefault(nid, len(items)))] += 1
        self.users, self.items = users, items
        self.user_f = np.zeros((max(len(users), 1), ALS_FACTORS), dtype=np.float32)
        self.item_f = np.zeros((max(len(items), 1), ALS_FACTORS), dtype=np.float32)
        if not pairs:
            return
        rows, cols = zip(*pairs.keys(), strict=True)
        data = np.asarray(list(pairs.values()), dtype=np.float32)
        matrix = csr_matrix((data, (rows, cols)), shape=(len(users), len(items)))
        self.user_f, self.item_f = fit_als(
            matrix, factors=ALS_FACTORS, iterations=ALS_ITERATIONS, alpha=20.0, seed=seed
        )

    def scores(self, user: str, candidates: Sequence[str]) -> np.ndarray:
        u = self.users.get(user)
        out = np.zeros(len(candidates), dtype=np.float32)
        if u is None:
            return out
        for i, nid in enumerate(candidates):
            j = self.items.get(nid)
            if j is not None:
                out[i] = float(self.user_f[u] @ self.item_f[j])
        return out


class _Content:
    def __init__(self, vectors: Mapping[str, np.ndarray]) -> None:
        self.vectors = vectors

    def profile(self, history: Sequence[str]) -> np.ndarray | None:
        found = [self.vectors[n] for n in history if n in self.vectors]
        if not found:
            return None
        mean = np.mean(found, axis=0)
        norm = float(np.linalg.norm(mean))
        return mean / norm if norm > 0 else None

    def scores(self, history: Sequence[str], candidates: Sequence[str]) -> np.ndarray:
        profile = self.profile(history)
        out = np.zeros(len(candidates), dtype=np.float32)
        if profile is None:
            return out
        for i, nid in enumerate(candidates):
            v = self.vectors.get(nid)
            if v is not None:
                out[i] = float(v @ profile)
        return out


def _features(
    imp: Impression,
    log: _Log,
    content: _Content,
    als: _ALS,
    news: Mapping[str, MindNews],
) -> np.ndarray:
    t = imp.time.timestamp()
    hour = 3600.0
    cats: Counter[str] = Counter()
    subs: Counter[str] = Counter()
    for nid in imp.history:
        n = news.get(nid)
        if n is not None:
            cats[n.category] += 1
            subs[n.subcategory] += 1
    known = sum(cats.values())
    history = set(imp.history)
    text = content.scores(imp.history, imp.candidates)
    collab = als.scores(imp.user, imp.candidates)
    rows = []
    for i, nid in enumerate(imp.candidates):
        c24 = log.clicks_between(nid, t - 24 * hour, t)
        s24 = log.shows_between(nid, t - 24 * hour, t)
        n = news.get(nid)
        first = log.first.get(nid, t)
        rows.append(
            [
                math.log1p(log.clicks_between(nid, t - hour, t)),
                math.log1p(log.clicks_between(nid, t - 6 * hour, t)),
                math.log1p(c24),
                math.log1p(s24),
                (c24 + 0.04 * 20) / (s24 + 20),  # smoothed towards MIND's ~4 % click rate
                math.log1p(log.clicks_between(nid, -math.inf, t)),
                max(t - first, 0.0) / hour,
                float(text[i]),
                1.0 if nid in content.vectors else 0.0,
                float(collab[i]),
                cats[n.category] / known if n is not None and known else -1.0,
                subs[n.subcategory] / known if n is not None and known else -1.0,
                math.log1p(len(imp.history)),
                float(log.shown_to_before(imp.user, nid, t)),
                1.0 if nid in history else 0.0,
                float(len(imp.candidates)),
            ]
        )
    return np.asarray(rows, dtype=np.float32)


def evaluate(
    impressions: Sequence[Impression],
    news: Mapping[str, MindNews],
    vectors: Mapping[str, np.ndarray],
    test_from: datetime,
    *,
    seed: int = 7,
    progress: Callable[[str], None] | None = None,
) -> Result:
    """Score every test impression (time ≥ `test_from`) with every model; metrics averaged
    over impressions (AUC over those with both clicked and unclicked candidates)."""
    say = progress or (lambda _m: None)
    ordered = sorted(impressions, key=lambda i: (i.time, i.id))
    test = [i for i in ordered if i.time >= test_from and i.candidates]
    if not test:
        raise ValueError(f"no impressions on or after {test_from:%Y-%m-%d}")
    log = _Log(ordered)
    content = _Content(vectors)
    say("fitting ALS on histories and training clicks")
    als = _ALS(ordered, test_from, seed)
    ranker, importance, trained_on, days = _train_ranker(
        ordered, test_from, log, content, news, seed, say
    )

    rng = np.random.default_rng(seed)
    hour = 3600.0
    models: dict[str, Callable[[Impression], np.ndarray]] = {
        "random": lambda imp: rng.random(len(imp.candidates)),
        "popularity": lambda imp: np.asarray(
            [
                log.clicks_between(
                    n, imp.time.timestamp() - POPULAR_HOURS * hour, imp.time.timestamp()
                )
                for n in imp.candidates
            ],
            dtype=np.float64,
        ),
        "recency": lambda imp: np.asarray(
            [log.first.get(n, imp.time.timestamp()) for n in imp.candidates], dtype=np.float64
        ),
        "content": lambda imp: content.scores(imp.history, imp.candidates),
        "collaborative": lambda imp: als.scores(imp.user, imp.candidates),
    }
    if ranker is not None:
        models["tidings"] = lambda imp: ranker.predict(_features(imp, log, content, als, news))
    sums: dict[str, dict[str, float]] = {m: defaultdict(float) for m in models}
    auc_counts: Counter[str] = Counter()
    say(f"scoring {len(test):,} test impressions")
    for imp in test:
        y = np.asarray(imp.labels)
        for name, score in models.items():
            s = np.asarray(score(imp), dtype=np.float64)
            a = auc(y, s)
            if a is not None:
                sums[name]["auc"] += a
                auc_counts[name] += 1
            sums[name]["mrr"] += mrr(y, s)
            sums[name]["ndcg5"] += ndcg(y, s, 5)
            sums[name]["ndcg10"] += ndcg(y, s, 10)
    result = Result(impressions=len(test), train_impressions=trained_on, train_days=days)
    for name in models:
        result.models[name] = {
            "auc": round(sums[name]["auc"] / max(auc_counts[name], 1), 4),
            "mrr": round(sums[name]["mrr"] / len(test), 4),
            "ndcg5": round(sums[name]["ndcg5"] / len(test), 4),
            "ndcg10": round(sums[name]["ndcg10"] / len(test), 4),
        }
    result.feature_importance = importance
    return result


def _fit(
    ordered: Sequence[Impression],
    end: datetime,
    days: int,
    log: _Log,
    content: _Content,
    news: Mapping[str, MindNews],
    seed: int,
) -> tuple[Any, int]:
    """LightGBM LambdaRank on the impressions of the `days` days before `end`, with an ALS
    fitted on the log before those days (so its feature never saw the clicks learnt from)."""
    start = end - timedelta(days=days)
    fit_on = [
        i
        for i in ordered
        if start <= i.time < end and i.candidates and any(i.labels) and not all(i.labels)
    ]
    if len(fit_on) < 20:
        return None, 0
    early_als = _ALS(ordered, start, seed)
    x = np.concatenate([_features(i, log, content, early_als, news) for i in fit_on])
    y = np.concatenate([np.asarray(i.labels) for i in fit_on])
    model = lambdarank(seed=seed, n_estimators=300, num_leaves=31, min_child_samples=20)
    model.fit(x, y, group=[len(i.candidates) for i in fit_on])
    return model, len(fit_on)


def _train_ranker(
    ordered: Sequence[Impression],
    test_from: datetime,
    log: _Log,
    content: _Content,
    news: Mapping[str, MindNews],
    seed: int,
    say: Callable[[str], None],
) -> tuple[Any, dict[str, float], int, int]:
    """The ranker for the test day, and how many days of training impressions it learns
    from: chosen among `TRAIN_DAYS` by validating on the last training day (trained on the
    days before it), never by looking at the test day."""
    val_start = test_from - timedelta(days=1)
    val = [i for i in ordered if val_start <= i.time < test_from and i.candidates]
    best_days, best_auc = TRAIN_DAYS[0], -1.0
    if val:
        val_als = _ALS(ordered, val_start, seed)
        for days in TRAIN_DAYS:
            model, n = _fit(ordered, val_start, days, log, content, news, seed)
            if model is None:
                continue
            aucs = [
                a
                for i in val
                if (a := auc(i.labels, model.predict(_features(i, log, content, val_als, news))))
                is not None
            ]
            mean = float(np.mean(aucs)) if aucs else 0.0
            say(f"validation on the last training day: {days} day(s) of training, AUC {mean:.4f}")
            if mean > best_auc:
                best_days, best_auc = days, mean
    model, n = _fit(ordered, test_from, best_days, log, content, news, seed)
    if model is None:
        return None, {}, 0, best_days
    say(f"trained the ranker on {n:,} impressions of the last {best_days} training day(s)")
    gains = model.booster_.feature_importance(importance_type="gain")
    total = float(gains.sum()) or 1.0
    importance = {f: round(float(g) / total, 4) for f, g in zip(FEATURES, gains, strict=True)}
    return model, importance, n, best_days
