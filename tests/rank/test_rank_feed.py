"""The ranking function on hand-built values: no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from tidings.core import (
    Article,
    EntityLabel,
    EntityMention,
    Event,
    EventKind,
    Follow,
    FollowKind,
    StoredArticle,
    TopicScore,
)
from tidings.rank import freshness, rank_feed
from tidings.rank.feed import subjects, topic_strengths

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)


def art(
    i: int,
    *,
    topics: tuple[str, ...] = (),
    ents: tuple[EntityMention, ...] = (),
    age_h: float = 1.0,
    source_id: int | None = 1,
    byline: str | None = None,
) -> StoredArticle:
    return StoredArticle(
        id=i,
        article=Article(
            title=f"Story {i}",
            topics=topics,
            byline=byline,
            published=NOW - timedelta(hours=age_h),
        ),
        source_id=source_id,
        canonical_url=None,
        content_hash=str(i),
        fetched_at=NOW,
        entities=ents,
    )


def follow(kind: FollowKind, value: str, weight: float = 1.0) -> Follow:
    return Follow(reader_id=1, kind=kind, value=value.lower(), weight=weight, label=value)


def test_a_followed_topic_beats_fresher_unrelated_stories() -> None:
    stories = [art(1, age_h=0.1), art(2, topics=("Afghanistan",), age_h=200), art(3, age_h=0.5)]
    ranked = rank_feed(stories, [follow(FollowKind.TOPIC, "Afghanistan")], [], NOW)
    assert [r.article.id for r in ranked] == [2, 1, 3]
    assert ranked[0].reason == "Because you follow Afghanistan"
    assert ranked[1].reason == "Latest news"


def test_salient_entities_count_more_than_passing_mentions() -> None:
    subject = EntityMention("Wang Yi", EntityLabel.PERSON, count=12, salience=0.8)
    passing = EntityMention("Wang Yi", EntityLabel.PERSON, count=1, salience=0.05)
    ranked = rank_feed(
        [art(1, ents=(passing,)), art(2, ents=(subject,))],
        [follow(FollowKind.ENTITY, "Wang Yi")],
        [],
        NOW,
    )
    assert [r.article.id for r in ranked] == [2, 1]
    assert all(r.reason == "Because you follow Wang Yi" for r in ranked)


def test_mutes_hides_and_fewer_like_this_remove_stories() -> None:
    stories = [art(1, topics=("Sport",)), art(2), art(3), art(4)]
    events = [
        Event(1, 2, EventKind.HIDE),
        Event(1, 3, EventKind.FEWER_LIKE_THIS),
    ]
    ranked = rank_feed(stories, [follow(FollowKind.TOPIC, "Sport", weight=-1.0)], events, NOW)
    assert [r.article.id for r in ranked] == [4]


def test_read_stories_leave_the_feed_and_opened_ones_sink_below_unread_ones() -> None:
    stories = [art(1, age_h=1), art(2, age_h=2), art(3, age_h=3)]
    events = [Event(1, 1, EventKind.READ, dwell_s=30), Event(1, 2, EventKind.CLICK)]
    assert [r.article.id for r in rank_feed(stories, [], events, NOW)] == [3, 2]
    # a bounce (an open of under 10 s) is not a read: the story stays, lower
    bounced = [Event(1, 1, EventKind.READ, dwell_s=3)]
    assert [r.article.id for r in rank_feed(stories, [], bounced, NOW)] == [2, 3, 1]


def test_source_and_author_follows_and_reasons() -> None:
    stories = [
        art(1, source_id=7, age_h=300),
        art(2, byline="Jane Doe", age_h=300),
        art(3, age_h=300),
    ]
    ranked = rank_feed(
        stories,
        [follow(FollowKind.SOURCE, "7"), follow(FollowKind.AUTHOR, "Jane Doe")],
        [],
        NOW,
    )
    assert [r.article.id for r in ranked] == [2, 1, 3]
    assert ranked[0].reason == "By Jane Doe, whom you follow"
    assert ranked[1].reason == "From a source you follow"
    assert ranked[2].reason == "More stories"


def test_duplicates_are_ranked_once_and_paging_works() -> None:
    stories = [art(i, age_h=i) for i in range(1, 6)]
    ranked = rank_feed(stories + stories, [], [], NOW, limit=2, offset=1)
    assert [r.article.id for r in ranked] == [2, 3]


def test_freshness_halves_every_36_hours() -> None:
    assert freshness(NOW, NOW) == 1.0
    assert abs(freshness(NOW - timedelta(hours=36), NOW) - 0.5) < 1e-9
    assert freshness(NOW + timedelta(hours=5), NOW) == 1.0  # future dates do not beat now


def with_topics(i: int, *scores: TopicScore, age_h: float = 1.0) -> StoredArticle:
    return replace(art(i, age_h=age_h), topics=scores)


def test_place_and_taxonomy_topics_match_topic_follows_by_their_strength() -> None:
    china_strong = with_topics(1, TopicScore("china", "China", "place", 0.95))
    china_weak = with_topics(2, TopicScore("china", "China", "place", 0.35))
    unrelated = with_topics(3, TopicScore("sport", "Sport", "taxonomy", 0.9))
    feed = rank_feed(
        [unrelated, china_weak, china_strong], [follow(FollowKind.TOPIC, "China")], [], NOW
    )
    assert [r.article.id for r in feed] == [1, 2, 3]
    assert feed[0].reason == "Because you follow China"
    assert feed[2].reason != "Because you follow China"


def test_a_taxonomy_topic_counts_less_than_a_sources_own_tag() -> None:
    tagged = art(1, topics=("Sport",))
    classified = with_topics(2, TopicScore("sport", "Sport", "taxonomy", 1.0))
    strengths = topic_strengths(classified)
    assert 0 < strengths["sport"] < topic_strengths(tagged)["sport"] == 1.0
    feed = rank_feed([classified, tagged], [follow(FollowKind.TOPIC, "Sport")], [], NOW)
    assert [r.article.id for r in feed] == [1, 2]


def test_an_entity_follow_matches_a_place_topic_and_a_mute_hides_it() -> None:
    kabul = with_topics(1, TopicScore("afghanistan", "Afghanistan", "place", 0.9))
    other = art(2)
    feed = rank_feed([other, kabul], [follow(FollowKind.ENTITY, "Afghanistan")], [], NOW)
    assert feed[0].article.id == 1 and feed[0].reason == "Because you follow Afghanistan"
    muted = rank_feed([other, kabul], [follow(FollowKind.TOPIC, "Afghanistan", -1.0)], [], NOW)
    assert [r.article.id for r in muted] == [2]


def test_fewer_like_this_sinks_stories_sharing_its_subjects_and_drops_itself() -> None:
    afghan = TopicScore("afghanistan", "Afghanistan", "place", 0.9)
    world = TopicScore("world", "World", "taxonomy", 0.9)
    seed = with_topics(1, afghan, world)
    other_afghan = with_topics(2, afghan, world, age_h=2)
    other_world = with_topics(3, world, age_h=2)
    follows = [follow(FollowKind.TOPIC, "Afghanistan"), follow(FollowKind.TOPIC, "World")]
    before = {
        r.article.id: r.score
        for r in rank_feed([seed, other_afghan, other_world], follows, [], NOW)
    }
    fewer = [Event(reader_id=1, article_id=1, kind=EventKind.FEWER_LIKE_THIS)]
    after = rank_feed([seed, other_afghan, other_world], follows, fewer, NOW, disliked=[seed])
    scores = {r.article.id: r.score for r in after}
    assert 1 not in scores  # the story itself is gone
    assert scores[2] < before[2]  # another Afghanistan story sinks
    assert scores[3] == before[3]  # a broad topic (World) alone is not a shared subject
    assert subjects(seed) == {"afghanistan"}


def test_a_story_many_readers_opened_rises_and_says_why() -> None:
    world = TopicScore("world", "World", "taxonomy", 0.9)
    quiet = with_topics(1, world)
    popular = with_topics(2, world, age_h=3)
    unlabelled = art(3, age_h=3)
    feed = rank_feed([quiet, popular, unlabelled], [], [], NOW, popularity={2: 12, 3: 5})
    assert feed[0].article.id == 2
    reasons = {r.article.id: r.reason for r in feed}
    assert reasons[2] == "Popular in World"
    assert reasons[3] == "Trending now"
    assert reasons[1] == "Latest news"
    # a follow's reason comes first
    followed = rank_feed(
        [popular], [follow(FollowKind.TOPIC, "World")], [], NOW, popularity={2: 12}
    )
    assert followed[0].reason == "Because you follow World"


def test_a_fresh_event_many_report_is_a_top_story_for_a_reader_with_no_follows() -> None:
    single = art(1, age_h=1)
    big = replace(art(2, age_h=2), story_id=40)
    stale_big = replace(art(3, age_h=200), story_id=41)
    feed = rank_feed([single, big, stale_big], [], [], NOW, story_sizes={40: 6, 41: 9})
    assert [r.article.id for r in feed] == [2, 1, 3]
    assert feed[0].reason == "Top story: 6 reports"
    assert feed[2].reason != "Top story: 9 reports"  # old news is not a top story
    # without sizes (a story of one) nothing changes
    assert [r.article.id for r in rank_feed([single, big], [], [], NOW)] == [1, 2]
