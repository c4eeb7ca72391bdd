"""Story clusters: articles about the same event, from any source, grouped into one story.

Clustering is incremental and single-pass: articles arrive in time order and each joins the
most similar open story, or starts a new one. A story is open while its newest article is
within `window` of the newcomer. Similarity is the cosine between the article's embedding and
the story's centroid (the normalised mean of its members' embeddings), helped by the salient
entities they share:

- cosine ≥ `alone` joins on its own (the same event told in near the same words);
- cosine ≥ `with_entity` joins when the article and the story share a salient person,
  organisation or event (a place alone is not enough: many stories happen in Kabul);
- cosine ≥ `with_entities` joins when they share two salient entities of any kind.

A near duplicate (ingestion's MinHash link) always joins the story of the article it copies.
The lead of a story is the member closest to its centroid, the earliest on a tie: the most
typical telling, not merely the first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

__all__ = ["StoryIndex", "StoryInput", "Thresholds"]


@dataclass(frozen=True, slots=True)
class Thresholds:
    alone: float = 0.80
    with_entity: float = 0.62
    with_entities: float = 0.55


@dataclass(frozen=True, slots=True)
class StoryInput:
    article_id: int
    vector: np.ndarray | None  # L2-normalised embedding; None when the article has no text
    at: datetime
    entities: tuple[str, ...] = ()  # keys of salient people, organisations and events
    places: tuple[str, ...] = ()  # keys of salient places
    duplicate_of: int | None = None


@dataclass
class _Story:
    key: int | str  # stored id, or a temporary name for a story not stored yet
    total: np.ndarray  # sum of member vectors
    last_at: datetime
    members: list[tuple[int, np.ndarray | None, datetime]] = field(default_factory=list)
    entities: Counter[str] = field(default_factory=Counter)
    places: Counter[str] = field(default_factory=Counter)

    _centroid: np.ndarray | None = None  # cached; reset when a member is added

    def centroid(self) -> np.ndarray:
        if self._centroid is None:
            norm = float(np.linalg.norm(self.total))
            self._centroid = self.total / norm if norm > 0 else self.total
        return self._centroid

    def lead(self) -> int:
        c = self.centroid()
        best = max(
            self.members,
            key=lambda m: (float(m[1] @ c) if m[1] is not None else -1.0, -m[2].timestamp()),
        )
        return best[0]


class StoryIndex:
    """Open stories in memory. `add` stored members first (to resume), then `assign` new
    articles in time order."""

    def __init__(
        self, *, window: timedelta = timedelta(hours=72), thresholds: Thresholds | None = None
    ) -> None:
        self.window = window
        self.t = thresholds or Thresholds()
        self._stories: dict[int | str, _Story] = {}
        self._story_of: dict[int, int | str] = {}
        self._new = 0
        self._dim = 0

    def __len__(self) -> int:
        return len(self._stories)

    def story_of(self, article_id: int) -> int | str | None:
        return self._story_of.get(article_id)

    def add(self, story_key: int | str, item: StoryInput) -> None:
        """Put an article into a known story (a stored member, or a forced assignment)."""
        vec = item.vector
        if vec is not None and not self._dim:
            self._dim = vec.shape[0]
        story = self._stories.get(story_key)
        if story is None:
            zero = np.zeros(self._dim or (vec.shape[0] if vec is not None else 1), np.float32)
            story = self._stories[story_key] = _Story(key=story_key, total=zero, last_at=item.at)
        if vec is not None and story.total.shape == vec.shape:
            story.total = story.total + vec
            story._centroid = None
        story.last_at = max(story.last_at, item.at)
        story.members.append((item.article_id, vec, item.at))
        story.entities.update(item.entities)
        story.places.update(item.places)
        self._story_of[item.article_id] = story_key

    def assign(self, item: StoryInput) -> int | str:
        """The story this article belongs to (a new temporary name when it starts one)."""
        self._expire(item.at)
        key = self._match(item)
        if key is None:
            self._new += 1
            key = f"new-{self._new}"
        self.add(key, item)
        return key

    def assign_all(self, items: Iterable[StoryInput]) -> list[tuple[int, int | str]]:
        return [(i.article_id, self.assign(i)) for i in sorted(items, key=lambda i: i.at)]

    def clear(self) -> None:
        """Forget every story (to load them again from the store)."""
        self._stories.clear()
        self._story_of.clear()

    def rekey(self, names: dict[str, int]) -> None:
        """Give new stories their stored ids (temporary name → id)."""
        for name, story_id in names.items():
            story = self._stories.pop(name, None)
            if story is None:
                continue
            story.key = story_id
            self._stories[story_id] = story
            for aid, _, _ in story.members:
                self._story_of[aid] = story_id

    def leads(self, keys: Iterable[int | str]) -> dict[int | str, int]:
        """Lead article of each of these stories."""
        return {k: self._stories[k].lead() for k in set(keys) if k in self._stories}

    def _expire(self, now: datetime) -> None:
        old = [k for k, s in self._stories.items() if now - s.last_at > self.window]
        for k in old:
            for aid, _, _ in self._stories[k].members:
                self._story_of.pop(aid, None)
            del self._stories[k]

    def _match(self, item: StoryInput) -> int | str | None:
        if item.duplicate_of is not None and item.duplicate_of in self._story_of:
            return self._story_of[item.duplicate_of]
        if item.vector is None or not self._stories:
            return None
        keys = [k for k, s in self._stories.items() if s.total.shape == item.vector.shape]
        if not keys:
            return None
        centroids = np.stack([self._stories[k].centroid() for k in keys])
        sims = centroids @ item.vector
        best: tuple[float, int | str] | None = None
        for idx in np.argsort(-sims)[:20]:
            sim = float(sims[idx])
            if sim < self.t.with_entities:
                break
            story = self._stories[keys[idx]]
            shared = sum(1 for e in item.entities if e in story.entities)
            shared_places = sum(1 for p in item.places if p in story.places)
            if (
                sim >= self.t.alone
                or (sim >= self.t.with_entity and shared >= 1)
                or (sim >= self.t.with_entities and shared + shared_places >= 2)
            ):
                score = sim + 0.05 * min(shared + shared_places, 3)
                if best is None or score > best[0]:
                    best = (score, keys[idx])
        return best[1] if best else None
