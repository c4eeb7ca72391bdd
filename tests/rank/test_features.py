"""Each ranking feature on hand-built candidates, and candidate generation."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pytest
from rankkit import NOW, direction, follow, sig

from tidings.core import Event, EventKind, FollowKind
from tidings.rank import CandidateIndex, FeedContext, build_profile
from tidings.rank.features import (
    FEATURES,
    FROM_FOLLOWS,
    FROM_INTERESTS,
    FROM_LEADS,
    FROM_RECENT,
    FROM_TRENDING,
    F,
    candidates,
    compute,
)
from tidings.rank.profile import ReaderProfile


def features_of(index, profile=None, follows=(), ctx=None):
    profile = profile or ReaderProfile()
    ctx = ctx or FeedContext(now=NOW)
    rows, origin = candidates(index, profile, follows, ctx)
    feats, muted = compute(index, rows, origin, profile, follows, ctx)
    by_id = {int(index.ids[r]): i for i, r in enumerate(feats.rows)}
    return feats, muted, by_id


def test_follow_matches_by_kind_and_strength() -> None:
    index = CandidateIndex(
        [
            sig(1, topics=(("Afghanistan", "tag", 1.0),)),
            sig(2, topics=(("Afghanistan", "place", 0.5),)),
            sig(3, entities=(("Wang Yi", 0.8),)),
            sig(4, entities=(("Wang Yi", 0.0),)),  # a passing mention still counts a little
            sig(5, source=7),
            sig(6, byline="By Jane Doe"),
            sig(7),
        ]
    )
    follows = [
        follow(FollowKind.TOPIC, "Afghanistan"),
        follow(FollowKind.ENTITY, "Wang Yi"),
        follow(FollowKind.SOURCE, "7"),
        follow(FollowKind.AUTHOR, "Jane Doe"),
    ]
    feats, muted, at = features_of(index, follows=follows)
    got = {i: float(feats.x[at[i], F["follow"]]) for i in at}
    assert got[1] == pytest.approx(1.0)
    assert got[2] == pytest.approx(0.5)
    assert got[3] == pytest.approx(0.35 + 0.65 * 0.8)
    assert got[4] == pytest.approx(0.35)
    assert got[5] == pytest.approx(0.6)
    assert got[6] == pytest.approx(0.9)
    assert got[7] == 0.0
    assert not muted.any()
    # which follow matched is kept for the reason
    assert feats.follows[feats.best_follow[at[3]]].label == "Wang Yi"
    assert feats.best_follow[at[7]] == -1


def test_a_mute_matching_strongly_hides_and_a_weak_match_does_not() -> None:
    index = CandidateIndex(
        [sig(1, topics=(("Sport", "tag", 1.0),)), sig(2, topics=(("Sport", "taxonomy", 0.3),))]
    )
    _, muted, at = features_of(index, follows=[follow(FollowKind.TOPIC, "Sport", -1.0)])
    assert muted[at[1]] and not muted[at[2]]  # 0.8 × 0.3 = 0.24 < 0.3


def test_interest_similarity_entity_topic_and_source_affinity_come_from_reading() -> None:
    read = sig(
        10,
        age_h=30,
        source=3,
        vec=direction(0),
        entities=(("Wang Yi", 0.9),),
        topics=(("China", "place", 1.0),),
    )
    alike = sig(
        1,
        source=3,
        vec=direction(0, 0.01),
        entities=(("Wang Yi", 0.5),),
        topics=(("China", "place", 1.0),),
    )
    unlike = sig(2, source=4, vec=direction(5))
    index = CandidateIndex([read, alike, unlike])
    profile = build_profile([Event(1, 10, EventKind.READ, dwell_s=60, at=NOW)], [index], NOW)
    feats, _, at = features_of(index, profile)
    a, u = feats.x[at[1]], feats.x[at[2]]
    assert a[F["interest_max"]] > 0.9 and abs(u[F["interest_max"]]) < 0.1
    assert a[F["interest_mean"]] == pytest.approx(a[F["interest_max"]], abs=1e-5)  # one interest
    assert a[F["entity_affinity"]] > 0 and u[F["entity_affinity"]] == 0
    assert a[F["topic_affinity"]] > 0 and u[F["topic_affinity"]] == 0
    assert a[F["source_affinity"]] > 0 and u[F["source_affinity"]] == 0
    assert feats.x[at[1], F["has_embedding"]] == 1.0
    # the article read is not a candidate any more
    assert 10 not in at


def test_freshness_age_length_and_readership_features() -> None:
    index = CandidateIndex(
        [sig(1, age_h=0, words=1000, story=5, source=2), sig(2, age_h=36, words=0, source=9)]
    )
    ctx = FeedContext(
        now=NOW,
        opened_counts={1: (24, 6)},
        source_quality={2: 0.9},
        stories={5: (4, NOW - timedelta(hours=2), NOW)},
        shown={2: 3},
    )
    feats, _, at = features_of(index, ctx=ctx)
    new, old = feats.x[at[1]], feats.x[at[2]]
    assert new[F["freshness"]] == pytest.approx(1.0) and old[F["freshness"]] == pytest.approx(0.5)
    assert old[F["age_h"]] == pytest.approx(math.log1p(36))
    assert new[F["length"]] == pytest.approx(math.log1p(1000)) and old[F["length"]] == 0
    assert new[F["popularity"]] == pytest.approx(math.log1p(24))
    # six readers in the last hour against one an hour over the day: rising
    assert new[F["velocity"]] == pytest.approx(math.log(7 / 2))
    assert new[F["story_size"]] == pytest.approx(math.log(4))
    assert new[F["breaking"]] == 1.0 and old[F["breaking"]] == 0.0
    assert new[F["source_quality"]] == pytest.approx(0.9)
    assert old[F["source_quality"]] == pytest.approx(0.5)  # unknown source: the prior
    assert old[F["shown_no_click"]] == 3 and new[F["shown_no_click"]] == 0


def test_an_old_big_story_is_not_breaking() -> None:
    index = CandidateIndex([sig(1, age_h=1, story=5)])
    ctx = FeedContext(now=NOW, stories={5: (9, NOW - timedelta(days=2), NOW - timedelta(hours=1))})
    feats, _, at = features_of(index, ctx=ctx)
    assert feats.x[at[1], F["breaking"]] == 0.0 and feats.x[at[1], F["story_size"]] > 0


def test_opened_fewer_like_this_and_collaborative_features() -> None:
    index = CandidateIndex(
        [
            sig(1, entities=(("Taliban", 0.9),), topics=(("Afghanistan", "tag", 1.0),)),
            sig(2, entities=(("Taliban", 0.9),), topics=(("Afghanistan", "tag", 1.0),)),
            sig(3, topics=(("World", "taxonomy", 0.9),)),
            sig(4, story=8),
            sig(5, story=8, source=2),
        ]
    )
    profile = build_profile(
        [Event(1, 1, EventKind.FEWER_LIKE_THIS, at=NOW), Event(1, 5, EventKind.CLICK, at=NOW)],
        [index],
        NOW,
    )
    items = np.zeros((index.size, 2), np.float32)
    items[index.row_of[3]] = [1.0, 0.5]
    ctx = FeedContext(
        now=NOW,
        disliked_subjects=frozenset({"afghanistan", "taliban"}),
        collab_user=np.asarray([0.4, 0.2], np.float32),
        collab_items=items,
    )
    feats, _, at = features_of(index, profile, ctx=ctx)
    assert 1 not in at  # "fewer like this" hides the story itself
    assert feats.x[at[2], F["fewer_overlap"]] == 2  # shares Afghanistan and the Taliban
    assert feats.x[at[3], F["fewer_overlap"]] == 0  # World is too broad to count
    # opening one copy of a story counts for every copy
    assert feats.x[at[4], F["opened"]] == 1 and feats.x[at[5], F["opened"]] == 1
    assert feats.x[at[3], F["collaborative"]] == pytest.approx(0.5)
    assert feats.x[at[2], F["collaborative"]] == 0


def test_candidates_come_from_every_generator_and_leave_out_read_and_hidden() -> None:
    old = 500.0  # hours: too old for the newest-articles generator
    signals = [sig(i, age_h=old + i) for i in range(1, 400)]
    signals += [
        sig(1000, age_h=old, topics=(("Afghanistan", "tag", 1.0),)),  # followed
        sig(1001, age_h=old, vec=direction(3, 0.01)),  # near an interest
        sig(1002, age_h=old),  # trending
        sig(1003, age_h=old, story=77),  # lead of a big story
        sig(1004, age_h=old, story=77, source=2),  # its other copy
        sig(1005, age_h=old, vec=direction(3), topics=(("Afghanistan", "tag", 1.0),)),  # read
        sig(1006, age_h=old, topics=(("Afghanistan", "tag", 1.0),)),  # hidden
    ]
    index = CandidateIndex(signals)
    profile = build_profile(
        [
            Event(1, 1005, EventKind.READ, dwell_s=40, at=NOW),
            Event(1, 1006, EventKind.HIDE, at=NOW),
        ],
        [index],
        NOW,
    )
    ctx = FeedContext(
        now=NOW,
        trending=[1002],
        stories={77: (5, NOW - timedelta(hours=600), NOW - timedelta(hours=500))},
    )
    rows, origin = candidates(index, profile, [follow(FollowKind.TOPIC, "Afghanistan")], ctx)
    found = {int(index.ids[r]): int(o) for r, o in zip(rows, origin, strict=True)}
    assert found[1000] & FROM_FOLLOWS
    assert found[1001] & FROM_INTERESTS
    assert found[1002] & FROM_TRENDING
    assert found[1003] & FROM_LEADS or found[1004] & FROM_LEADS
    assert 1003 in found and 1004 in found  # every copy of a candidate story
    assert 1005 not in found and 1006 not in found
    assert found[1] & FROM_RECENT  # the newest
    assert 399 not in found  # old, and nothing else brings it


def test_every_feature_has_a_name() -> None:
    assert len(FEATURES) == len(set(FEATURES)) == len(F)
