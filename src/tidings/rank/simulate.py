"""Synthetic readers for tuning the feed: hidden interests, a position-biased click model and
the measures of a served page (nDCG@10 against the hidden interests, diversity of the top).

Pure: the caller (`pipeline.simulation`) serves the pages and records the events.

- A reader has one main interest (a taxonomy topic, weight 1) and up to two secondary ones
  (taxonomy topics or places, weight 0.5). An article's relevance to the reader, in [0, 1], is
  the best over the interests of weight × match, where match is 1 when the article is clearly
  about it (the topic's score is at least `STRONG_MATCH`, or it is the article's best topic of
  that kind) and 0.5 when the topic is only among its lesser ones; 0 otherwise.
- Clicks follow the position-based model: a reader examines position p (0 at the top) with
  probability 1 / (1 + p)^η and clicks an examined story with probability
  `base + gain · relevance`; a click is followed by a read whose dwell grows with relevance.
- nDCG@k uses gain 2^rel − 1 and discount log2(rank + 1); the ideal DCG is that of the best
  possible ordering of the given pool (the whole corpus, one article per story, or what is
  left unread), so a feed that shows the reader's most relevant stories first scores 1.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from tidings.core import TopicScore

__all__ = [
    "STRONG_MATCH",
    "ClickModel",
    "Diversity",
    "Interest",
    "Shown",
    "SyntheticReader",
    "best_topic",
    "diversity",
    "interest_pool",
    "intra_list_distance",
    "make_reader",
    "mean",
    "ndcg_at",
    "relevance",
    "story_pool",
]

TAXONOMY_KIND = "taxonomy"
PLACE_KIND = "place"
STRONG_MATCH = 0.5  # a topic score from which the article is clearly about the topic
SECONDARY_WEIGHT = 0.5
MIN_MAIN_ARTICLES = 15  # a main interest is the best topic of at least this many articles
MIN_SECONDARY_ARTICLES = 4
MAX_PLACE_SHARE = 0.25  # places named by more of the corpus (the United States) are too broad


@dataclass(frozen=True, slots=True)
class Interest:
    key: str  # topic key, as in `TopicScore.key`: "science", "china"
    label: str
    kind: str  # "taxonomy" or "place"
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class SyntheticReader:
    interests: tuple[Interest, ...]  # main interest first

    @property
    def main(self) -> Interest:
        return self.interests[0]


def _match(interest: Interest, topics: Sequence[TopicScore]) -> float:
    best_of_kind = next((t.key for t in topics if t.kind == interest.kind), None)
    for t in topics:
        if t.key == interest.key and t.kind in (interest.kind, "tag"):
            strong = t.score >= STRONG_MATCH or (t.kind == interest.kind and t.key == best_of_kind)
            return 1.0 if strong else 0.5
    return 0.0


def relevance(reader: SyntheticReader, topics: Iterable[TopicScore]) -> float:
    """How relevant an article with these topics (best first, as stored) is to the reader."""
    ts = list(topics)
    return max((i.weight * _match(i, ts) for i in reader.interests), default=0.0)


@dataclass(frozen=True, slots=True)
class _Candidate:
    key: str
    label: str
    kind: str
    articles: int  # articles having the topic
    main: int  # articles whose best topic of the kind it is


def interest_pool(corpus: Iterable[Sequence[TopicScore]]) -> list[_Candidate]:
    """The topics a synthetic reader can be interested in, from the corpus' articles' topics:
    taxonomy topics and places, with how many articles have each."""
    having: dict[tuple[str, str], int] = {}
    main: dict[tuple[str, str], int] = {}
    labels: dict[tuple[str, str], str] = {}
    n = 0
    for topics in corpus:
        n += 1
        seen: set[str] = set()
        for t in topics:
            if t.kind not in (TAXONOMY_KIND, PLACE_KIND):
                continue
            k = (t.kind, t.key)
            having[k] = having.get(k, 0) + 1
            labels.setdefault(k, t.label)
            if t.kind not in seen:
                seen.add(t.kind)
                main[k] = main.get(k, 0) + 1
    out = []
    for (kind, key), count in sorted(having.items()):
        if kind == PLACE_KIND and count > MAX_PLACE_SHARE * n:
            continue
        out.append(_Candidate(key, labels[(kind, key)], kind, count, main.get((kind, key), 0)))
    return out


def make_reader(pool: Sequence[_Candidate], rng: np.random.Generator) -> SyntheticReader:
    """A reader with one main taxonomy interest and 0–2 secondary ones, drawn from the pool
    (ValueError when no topic is common enough to be a main interest)."""
    mains = [c for c in pool if c.kind == TAXONOMY_KIND and c.main >= MIN_MAIN_ARTICLES]
    if not mains:
        raise ValueError("no topic is the main topic of enough articles for a synthetic reader")
    first = mains[int(rng.integers(len(mains)))]
    rest = [c for c in pool if c.articles >= MIN_SECONDARY_ARTICLES and c.key != first.key]
    extra = min(int(rng.integers(3)), len(rest))
    picked: list[int] = [int(i) for i in rng.choice(len(rest), size=extra, replace=False)]
    interests = [Interest(first.key, first.label, first.kind, 1.0)]
    for i in picked:
        c = rest[i]
        interests.append(Interest(c.key, c.label, c.kind, SECONDARY_WEIGHT))
    return SyntheticReader(tuple(interests))


@dataclass(frozen=True, slots=True)
class ClickModel:
    """Position-based clicks: P(click at p) = (1 + p)^-eta × (base + gain · relevance)."""

    eta: float = 1.0
    base: float = 0.05
    gain: float = 0.9
    dwell_min_s: float = 8.0
    dwell_max_s: float = 180.0

    def examine(self, position: int) -> float:
        return float((1.0 + position) ** -self.eta)

    def click_probability(self, rel: float) -> float:
        return min(1.0, max(0.0, self.base + self.gain * rel))

    def clicks(
        self,
        relevances: Sequence[float],
        rng: np.random.Generator,
        opened: Sequence[bool] | None = None,
    ) -> list[int]:
        """The positions clicked on a page with these relevances, top first. Stories the
        reader has opened before (`opened`) are examined but not clicked again."""
        n = len(relevances)
        if n == 0:
            return []
        p = np.asarray(
            [self.examine(i) * self.click_probability(r) for i, r in enumerate(relevances)]
        )
        if opened is not None:
            p[np.asarray(opened, dtype=bool)] = 0.0
        return [int(i) for i in np.flatnonzero(rng.random(n) < p)]

    def dwell(self, rel: float, rng: np.random.Generator) -> float:
        """Seconds spent reading a clicked story: longer the more relevant (±30 % noise)."""
        mean = self.dwell_min_s + (self.dwell_max_s - self.dwell_min_s) * rel
        return float(max(1.0, mean * rng.uniform(0.7, 1.3)))


def _dcg(gains: np.ndarray) -> float:
    discounts = np.log2(np.arange(2, len(gains) + 2))
    return float(((2.0**gains - 1.0) / discounts).sum())


def ndcg_at(page: Sequence[float], pool: Sequence[float], k: int = 10) -> float | None:
    """nDCG@k of a served page (relevances in served order) against the best ordering of the
    pool's relevances (the page's stories should be among them); None when the pool holds
    nothing relevant."""
    served = np.asarray(page, dtype=np.float64)[:k]
    ideal = np.sort(np.asarray(pool, dtype=np.float64))[::-1][:k]
    best = _dcg(ideal)
    if best <= 0.0:
        return None
    return min(1.0, _dcg(served) / best)


@dataclass(frozen=True, slots=True)
class Shown:
    """One story of a served page, as the measures need it."""

    article_id: int
    relevance: float
    topic: str | None  # its best taxonomy topic
    source_id: int | None = None
    explore: bool = False
    embedding: np.ndarray | None = None  # L2-normalised


@dataclass(frozen=True, slots=True)
class Diversity:
    intra_list_distance: float  # mean pairwise 1 − cosine (or the topic/source fallback)
    distinct_topics: int  # distinct best taxonomy topics
    explore_share: float  # share of "Something different" stories


def intra_list_distance(items: Sequence[Shown]) -> float:
    """Mean over pairs of 1 − cosine of the embeddings; when some story has none, the share of
    pairs that differ in topic, plus half the share of same-topic pairs from different
    sources. 0 for fewer than two stories."""
    n = len(items)
    if n < 2:
        return 0.0
    if all(it.embedding is not None for it in items):
        m = np.vstack([np.asarray(it.embedding, dtype=np.float64) for it in items])
        norms = np.linalg.norm(m, axis=1, keepdims=True)
        m = m / np.where(norms > 0, norms, 1.0)
        sims = m @ m.T
        upper = sims[np.triu_indices(n, 1)]
        return float(np.mean(1.0 - upper))
    total = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            a, b = items[i], items[j]
            if a.topic is None or b.topic is None or a.topic != b.topic:
                total += 1.0
            elif a.source_id != b.source_id:
                total += 0.5
    return total / (n * (n - 1) / 2)


def diversity(items: Sequence[Shown], k: int = 20) -> Diversity:
    """Diversity of the top k of a served page."""
    top = list(items[:k])
    if not top:
        return Diversity(0.0, 0, 0.0)
    topics = {it.topic for it in top if it.topic is not None}
    return Diversity(
        intra_list_distance=intra_list_distance(top),
        distinct_topics=len(topics),
        explore_share=sum(it.explore for it in top) / len(top),
    )


def mean(values: Iterable[float | None]) -> float | None:
    """The mean of the defined values (None when there are none)."""
    xs = [v for v in values if v is not None and not math.isnan(v)]
    return sum(xs) / len(xs) if xs else None


def best_topic(topics: Iterable[TopicScore]) -> str | None:
    return next((t.key for t in topics if t.kind == TAXONOMY_KIND), None)


def story_pool(relevances: Mapping[int, float], story_of: Mapping[int, int | None]) -> list[float]:
    """One relevance per story (its most relevant article), the ideal a feed showing each
    story once can reach."""
    best: dict[object, float] = {}
    for aid, rel in relevances.items():
        sid = story_of.get(aid)
        key: object = ("a", aid) if sid is None else sid
        best[key] = max(best.get(key, 0.0), rel)
    return list(best.values())
