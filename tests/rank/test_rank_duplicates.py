"""Near duplicates in the ranking: one story, shown once, carrying its other copies."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from tidings.core import Article, Event, EventKind, Follow, FollowKind, StoredArticle
from tidings.rank import rank_feed, story_key
from tidings.rank.features import F

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)


def art(
    i: int, *, source: int, of: int | None = None, topics: tuple[str, ...] = ()
) -> StoredArticle:
    return StoredArticle(
        id=i,
        article=Article(title=f"Story {i}", topics=topics, published=NOW - timedelta(hours=i)),
        source_id=source,
        canonical_url=None,
        content_hash=str(i),
        fetched_at=NOW,
        duplicate_of=of,
    )


def follow(kind: FollowKind, value: str, weight: float = 1.0) -> Follow:
    return Follow(reader_id=1, kind=kind, value=value.lower(), weight=weight, label=value)


STORIES = [
    art(1, source=1, topics=("Space",)),
    art(2, source=2, of=1, topics=("Space",)),
    art(3, source=3, of=1, topics=("Space",)),
    art(4, source=2),
]


def test_a_story_is_shown_once_as_its_canonical_copy_with_the_others() -> None:
    assert [story_key(a) for a in STORIES] == [1, 1, 1, 4]
    ranked = rank_feed(STORIES, [follow(FollowKind.TOPIC, "Space")], [], NOW)
    assert [r.article.id for r in ranked] == [1, 4]
    assert [a.id for a in ranked[0].also] == [2, 3] and ranked[1].also == ()
    assert ranked[0].reason == "Because you follow Space"
    # order of the candidates does not matter
    again = rank_feed(list(reversed(STORIES)), [follow(FollowKind.TOPIC, "Space")], [], NOW)
    assert [(r.article.id, [a.id for a in r.also]) for r in again] == [(1, [2, 3]), (4, [])]


def test_a_copy_the_reader_prefers_is_shown_instead() -> None:
    ranked = rank_feed(STORIES, [follow(FollowKind.SOURCE, "3")], [], NOW)
    top = next(r for r in ranked if story_key(r.article) == 1)
    assert top.article.id == 3 and [a.id for a in top.also] == [1, 2]
    assert top.reason == "From a source you follow"


def test_a_muted_copy_is_left_out_and_the_story_shows_through_another() -> None:
    ranked = rank_feed(STORIES, [follow(FollowKind.SOURCE, "1", weight=-1.0)], [], NOW)
    top = next(r for r in ranked if story_key(r.article) == 1)
    assert top.article.id == 2 and [a.id for a in top.also] == [3]
    # muting every copy hides the story
    mutes = [follow(FollowKind.TOPIC, "Space", weight=-1.0)]
    assert [r.article.id for r in rank_feed(STORIES, mutes, [], NOW)] == [4]


def test_hiding_or_opening_any_copy_counts_for_the_story() -> None:
    hidden = rank_feed(STORIES, [], [Event(1, 3, EventKind.HIDE)], NOW)
    assert [r.article.id for r in hidden] == [4]
    # reading any copy takes the whole story out of the feed
    assert [r.article.id for r in rank_feed(STORIES, [], [Event(1, 2, EventKind.READ)], NOW)] == [4]
    # opening one (a click, no read yet) sinks the whole story below an older one
    assert [r.article.id for r in rank_feed(STORIES, [], [], NOW)] == [1, 4]
    opened = rank_feed(STORIES, [], [Event(1, 2, EventKind.CLICK)], NOW)
    assert [r.article.id for r in opened] == [4, 1]
    assert opened[1].features is not None and opened[1].features[F["opened"]] == 1.0


def test_the_canonical_copy_is_shown_even_when_a_copy_is_fresher() -> None:
    older = replace(
        STORIES[0], article=replace(STORIES[0].article, published=NOW - timedelta(days=2))
    )
    ranked = rank_feed([older, *STORIES[1:]], [], [], NOW)
    top = next(r for r in ranked if story_key(r.article) == 1)
    assert top.article.id == 1
    # the story ranks by its freshest copy
    assert top.score == max(r.score for r in rank_feed([STORIES[1]], [], [], NOW))


def test_a_duplicate_whose_canonical_is_not_a_candidate_still_appears_once() -> None:
    lone = [replace(STORIES[1]), replace(STORIES[2])]
    ranked = rank_feed(lone, [], [], NOW)
    assert len(ranked) == 1 and ranked[0].article.id == 2
    assert [a.id for a in ranked[0].also] == [3]
