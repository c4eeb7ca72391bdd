"""A reader's feed: gather candidates from the store, rank them with `rank`."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from tidings.core import EventKind, Follow, FollowKind, StoredArticle
from tidings.core.text import utcnow
from tidings.rank import RankedItem, rank_feed, story_key
from tidings.store import Store

RECENT_CANDIDATES = 1000
FOLLOW_CANDIDATES = 500
TRENDING_WINDOW = timedelta(hours=24)  # readers who opened a story in this window make it popular


def reader_feed(
    store: Store,
    reader_id: int,
    *,
    limit: int = 50,
    offset: int = 0,
    now: datetime | None = None,
) -> list[RankedItem]:
    """The ranked feed of one reader (raises NotFoundError for an unknown reader)."""
    store.readers.get(reader_id)
    follows = _resolved(store, store.readers.follows(reader_id))
    events = store.events.for_reader(reader_id)
    positive = [f for f in follows if f.weight > 0]
    matched = store.articles.matching(
        topic_keys=[f.value for f in positive if f.kind is FollowKind.TOPIC],
        entity_keys=[f.value for f in positive if f.kind is FollowKind.ENTITY],
        limit=FOLLOW_CANDIDATES,
    )
    candidates = matched + store.articles.recent(RECENT_CANDIDATES)
    candidates += _other_copies(store, candidates)
    fewer_ids = sorted(
        {e.article_id for e in events if e.kind is EventKind.FEWER_LIKE_THIS and e.article_id}
    )
    disliked = store.articles.by_ids(fewer_ids[-100:]) if fewer_ids else []
    when = now or utcnow()
    popularity = store.events.readers_per_article(since=when - TRENDING_WINDOW)
    rows = store.stories.stories_of({a.story_id for a in candidates if a.story_id is not None})
    story_sizes = {sid: row.size for sid, row in rows.items()}
    return rank_feed(
        candidates,
        follows,
        events,
        when,
        limit=limit,
        offset=offset,
        disliked=disliked,
        popularity=popularity,
        story_sizes=story_sizes,
    )


def _resolved(store: Store, follows: list[Follow]) -> list[Follow]:
    """Entity follows made before their entity was known under its full name ("SpaceX",
    "Lavrov") match that entity ("Sergey Lavrov") once enrichment has seen both names."""
    names = [f.value for f in follows if f.kind is FollowKind.ENTITY]
    canonical = store.understanding.canonical_keys(names) if names else {}
    return [replace(f, value=canonical[f.value]) if f.value in canonical else f for f in follows]


def _other_copies(store: Store, candidates: list[StoredArticle]) -> list[StoredArticle]:
    """The copies of the candidates' stories that are not candidates themselves: canonical
    articles of candidate duplicates, and duplicates of candidate stories. Ranking shows each
    story once, with every source that carried it."""
    have = {a.id for a in candidates}
    stories = {story_key(a) for a in candidates}
    missing = sorted(k for k in stories if k not in have)
    extra = store.articles.by_ids(missing)
    for copies in store.articles.duplicates_of(sorted(stories)).values():
        extra.extend(a for a in copies if a.id not in have)
    return extra
