"""Ranking: pure functions from (candidates, follows, events, now) to an ordered feed."""

from tidings.rank.feed import RankedItem, freshness, rank_feed, story_key

__all__ = ["RankedItem", "freshness", "rank_feed", "story_key"]
