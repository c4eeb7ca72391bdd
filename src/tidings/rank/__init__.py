"""Ranking: pure functions from (candidates, reader profile, follows, readership context) to an
ordered, explained feed; offline evaluation. Nothing here touches the database."""

from tidings.rank.features import FEATURES, FeedContext, subjects_of
from tidings.rank.feed import (
    Pick,
    RankedItem,
    freshness,
    rank_feed,
    rank_index,
    signals_of,
    story_key,
)
from tidings.rank.index import CandidateIndex
from tidings.rank.profile import ReaderProfile, build_profile
from tidings.rank.scoring import HandScorer, LearnedScorer, Scorer, load_scorer

__all__ = [
    "FEATURES",
    "CandidateIndex",
    "FeedContext",
    "HandScorer",
    "LearnedScorer",
    "Pick",
    "RankedItem",
    "ReaderProfile",
    "Scorer",
    "build_profile",
    "freshness",
    "load_scorer",
    "rank_feed",
    "rank_index",
    "signals_of",
    "story_key",
    "subjects_of",
]
