"""Story clustering over embeddings and shared entities (pure, synthetic vectors)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from tidings.enrich.stories import StoryIndex, StoryInput, Thresholds

T0 = datetime(2026, 11, 1, 12, tzinfo=UTC)
RNG = np.random.default_rng(7)


def unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


def near(base: np.ndarray, cos: float) -> np.ndarray:
    """A unit vector at exactly cosine `cos` from unit vector `base`."""
    other = RNG.normal(size=base.shape)
    other -= (other @ base) * base
    other = unit(other)
    return unit(cos * base + np.sqrt(1 - cos**2) * other)


def item(aid: int, vec: np.ndarray | None, hours: float = 0, **kw: object) -> StoryInput:
    return StoryInput(article_id=aid, vector=vec, at=T0 + timedelta(hours=hours), **kw)  # type: ignore[arg-type]


def test_same_event_in_near_the_same_words_joins_one_story() -> None:
    base = unit(RNG.normal(size=384))
    index = StoryIndex()
    first = index.assign(item(1, base))
    second = index.assign(item(2, near(base, 0.9), hours=2))
    assert first == second
    assert len(index) == 1


def test_unrelated_articles_start_their_own_stories() -> None:
    index = StoryIndex()
    keys = {index.assign(item(i, unit(RNG.normal(size=384)), hours=i)) for i in range(10)}
    assert len(keys) == 10


def test_moderate_similarity_needs_a_shared_salient_entity() -> None:
    base = unit(RNG.normal(size=384))
    t = Thresholds()
    cos = (t.with_entity + t.alone) / 2
    index = StoryIndex()
    a = index.assign(item(1, base, entities=("wang yi",), places=("kabul",)))
    # the same place alone is not enough
    b = index.assign(item(2, near(base, cos), hours=1, places=("kabul",)))
    assert b != a
    # a shared person is
    c = index.assign(item(3, near(base, cos), hours=1, entities=("wang yi",)))
    assert c == a


def test_two_shared_entities_of_any_kind_join_at_lower_similarity() -> None:
    base = unit(RNG.normal(size=384))
    t = Thresholds()
    cos = (t.with_entities + t.with_entity) / 2
    index = StoryIndex()
    a = index.assign(item(1, base, entities=("taliban",), places=("kabul",)))
    assert index.assign(item(2, near(base, cos), hours=1, entities=("taliban",))) != a
    assert (
        index.assign(item(3, near(base, cos), hours=1, entities=("taliban",), places=("kabul",)))
        == a
    )


def test_a_story_closes_after_the_window() -> None:
    base = unit(RNG.normal(size=384))
    index = StoryIndex(window=timedelta(hours=72))
    a = index.assign(item(1, base))
    assert index.assign(item(2, near(base, 0.95), hours=100)) != a


def test_near_duplicates_join_the_story_of_what_they_copy_whatever_their_vector() -> None:
    index = StoryIndex()
    a = index.assign(item(1, unit(RNG.normal(size=384))))
    assert index.assign(item(2, None, hours=1, duplicate_of=1)) == a
    # no vector and no duplicate link: its own story
    assert index.assign(item(3, None, hours=1)) != a


def test_lead_is_the_most_typical_member_and_rekey_keeps_membership() -> None:
    base = unit(RNG.normal(size=384))
    index = StoryIndex()
    key = index.assign(item(1, near(base, 0.85)))
    index.assign(item(2, base, hours=1))
    index.assign(item(3, near(base, 0.85), hours=2))
    assert index.leads([key]) == {key: 2}
    assert isinstance(key, str)
    index.rekey({key: 41})
    assert index.story_of(1) == 41 and index.story_of(3) == 41
    assert index.assign(item(4, near(base, 0.9), hours=3)) == 41


def test_stored_members_resume_the_index() -> None:
    base = unit(RNG.normal(size=384))
    index = StoryIndex()
    index.add(7, item(1, base))
    assert index.assign(item(2, near(base, 0.9), hours=1)) == 7
