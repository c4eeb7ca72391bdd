"""Ranking: pure functions from (candidates, follows, events, now) to an ordered feed."""

from tidings.rank.feed import RankedItem, freshness, rank_feed

__all__ = ["RankedItem", "freshness", "rank_feed"]
