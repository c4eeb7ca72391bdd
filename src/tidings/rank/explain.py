"""The reason shown with every story, from the features that placed it."""

from __future__ import annotations

import math

import numpy as np

from tidings.core import Follow, FollowKind
from tidings.rank.aligned import Aligned
from tidings.rank.features import FROM_COREAD, F, Features
from tidings.rank.index import CandidateIndex

TRENDING_MIN = 3  # readers who opened a story lately for it to be popular
TOP_STORY_MIN = 3  # reports of one event for it to be a "top story"
ENTITY_REASON_MIN = 0.1  # entity affinity behind "You read about …"
INTEREST_REASON_MIN = 0.5  # interest cosine behind "Like stories you read"
TOPIC_REASON_MIN = 0.2  # topic affinity behind "More in Politics"
COREAD_REASON_MIN = 0.2


def follow_reason(follow: Follow) -> str:
    label = follow.label or follow.value
    if follow.kind is FollowKind.SOURCE:
        return "From a source you follow"
    if follow.kind is FollowKind.AUTHOR:
        return f"By {label}, whom you follow"
    return f"Because you follow {label}"


def explain(index: CandidateIndex, feats: Features, pos: int, al: Aligned, *, explore: bool) -> str:
    x = feats.x[pos]
    row = int(feats.rows[pos])
    best = int(feats.best_follow[pos])
    if best >= 0 and x[F["follow"]] > 0:
        return follow_reason(feats.follows[best])
    if explore:
        return "Something different"
    size = int(al.story_size[row])
    if x[F["breaking"]] > 0:
        return f"Breaking: {size} reports"
    entity = feats.best_entity(index, pos)
    if entity >= 0 and x[F["entity_affinity"]] >= ENTITY_REASON_MIN:
        return f"You read about {index.entity_name[entity]}"
    topic = feats.best_topic(index, pos)
    if topic >= 0 and x[F["topic_affinity"]] >= TOPIC_REASON_MIN:
        return f"More in {index.topic_label[topic]}"
    if x[F["interest_max"]] >= INTEREST_REASON_MIN:
        return "Like stories you read"
    if (int(feats.origin[pos]) & FROM_COREAD) and x[F["collaborative"]] >= COREAD_REASON_MIN:
        return "Readers like you read this"
    readers = math.expm1(float(x[F["popularity"]]))
    if readers >= TRENDING_MIN - 1e-6:
        lately = float(al.hour[row])
        section = index.section[row]
        if lately >= TRENDING_MIN or section is None:
            return "Trending now"
        return f"Popular in {section}"
    fresh = float(x[F["freshness"]])
    if size >= TOP_STORY_MIN and fresh > 0.25:
        return f"Top story: {size} reports"
    if fresh > 0.5:
        return "Latest news"
    return "More stories"


def matched_labels(feats: Features, pos: int) -> tuple[str, ...]:
    """Labels of the follows that matched the story, strongest first."""
    if not feats.follows:
        return ()
    w = feats.weighted[pos]
    return tuple(
        feats.follows[int(j)].label or feats.follows[int(j)].value
        for j in np.argsort(-w)
        if w[j] > 0
    )
