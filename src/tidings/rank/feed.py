"""Rule-based feed ranking: follows and mutes, reading history, freshness; every story gets a
reason. Pure functions over values passed in: no database, no I/O."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import datetime

from tidings.core import Event, EventKind, Follow, FollowKind, StoredArticle
from tidings.core.text import normalise_key

# How strongly one kind of follow matches one kind of evidence in an article.
_TOPIC_TAG = 1.0  # the article is tagged with the followed topic
_TOPIC_AS_ENTITY = 0.6
_TAXONOMY = 0.8  # a taxonomy topic (World, Sport…) counts this much of its classifier score  # a followed topic appears as an entity (scaled by salience)
_ENTITY_BASE = 0.35  # a followed entity is mentioned at all...
_ENTITY_SALIENCE = 0.65  # ...plus this much times its salience
_SOURCE = 0.6
_AUTHOR = 0.9
_MUTE_THRESHOLD = 0.3  # a muted thing matching at least this strongly hides the story
_FRESHNESS_WEIGHT = 0.25
_FRESHNESS_HALF_LIFE_H = 36.0
_SEEN_FACTOR = 0.5  # stories already opened sink below unread ones
_FEWER_FACTOR = 0.6  # per subject shared with a story marked "fewer like this"
_POPULAR_WEIGHT = 0.3  # at most this much for a story many readers opened lately
_POPULAR_FULL = 20  # readers for the whole popularity bonus (log-scaled below it)
TRENDING_MIN = 3  # readers who opened a story lately for it to be "trending"
_STORY_WEIGHT = 0.3  # at most this much for a big story (many reports of one event), when fresh
_STORY_FULL = 8  # reports for the whole bonus (log-scaled below it)
TOP_STORY_MIN = 3  # reports of one event for it to be a "top story"
_SUBJECT_SALIENCE = 0.3  # an entity this salient is a subject of its article


@dataclass(frozen=True, slots=True)
class RankedItem:
    article: StoredArticle
    score: float
    reason: str
    matched: tuple[str, ...]  # labels of the follows that matched, strongest first
    also: tuple[StoredArticle, ...] = ()  # other sources' copies of the same story


def group_key(art: StoredArticle) -> tuple[str, int]:
    """The story an article is shown under in a feed: its story cluster (every source's
    coverage of one event) when enrichment has found it, else its near-duplicate group."""
    if art.story_id is not None:
        return ("story", art.story_id)
    return ("copy", story_key(art))


def story_key(art: StoredArticle) -> int:
    """The story an article belongs to: its canonical article's id (its own when it is not a
    near duplicate of another)."""
    return art.duplicate_of if art.duplicate_of is not None else art.id


def topic_strengths(art: StoredArticle) -> dict[str, float]:
    """How strongly the article is about each of its topics (0..1): its source's own tags
    fully, a place by its score, a taxonomy topic by `_TAXONOMY` times the classifier's
    score (a broad section is weaker evidence than a tag)."""
    out = {normalise_key(t): 1.0 for t in art.article.topics}
    for t in art.topics:
        if t.kind == "tag":
            strength = 1.0
        elif t.kind == "taxonomy":
            strength = _TAXONOMY * t.score
        else:
            strength = t.score
        key = normalise_key(t.key)
        out[key] = max(out.get(key, 0.0), min(strength, 1.0))
    return out


def subjects(art: StoredArticle) -> set[str]:
    """What an article is specifically about: its source tags, places and salient entities
    (not the broad taxonomy topics)."""
    keys = {normalise_key(t) for t in art.article.topics}
    keys.update(normalise_key(t.key) for t in art.topics if t.kind != "taxonomy")
    keys.update(normalise_key(e.name) for e in art.entities if e.salience >= _SUBJECT_SALIENCE)
    keys.discard("")
    return keys


def _match(
    follow: Follow,
    art: StoredArticle,
    topic_keys: dict[str, float],
    entity_salience: dict[str, float],
) -> float:
    if follow.kind is FollowKind.TOPIC:
        if follow.value in topic_keys:
            return _TOPIC_TAG * topic_keys[follow.value]
        if follow.value in entity_salience:
            return _TOPIC_AS_ENTITY * max(entity_salience[follow.value], 0.2)
        return 0.0
    if follow.kind is FollowKind.ENTITY:
        if follow.value in entity_salience:
            return _ENTITY_BASE + _ENTITY_SALIENCE * entity_salience[follow.value]
        if follow.value in topic_keys:
            return _TOPIC_TAG * 0.8 * topic_keys[follow.value]
        return 0.0
    if follow.kind is FollowKind.SOURCE:
        return _SOURCE if str(art.source_id) == follow.value else 0.0
    if follow.kind is FollowKind.AUTHOR:
        byline = normalise_key(art.article.byline or "")
        return _AUTHOR if byline and follow.value in byline else 0.0
    return 0.0


def freshness(when: datetime, now: datetime) -> float:
    """1.0 for a story published now, halving every `_FRESHNESS_HALF_LIFE_H` hours."""
    age_h = max((now - when).total_seconds() / 3600.0, 0.0)
    return math.pow(0.5, age_h / _FRESHNESS_HALF_LIFE_H)


def _reason(follow: Follow) -> str:
    label = follow.label or follow.value
    if follow.kind is FollowKind.SOURCE:
        return "From a source you follow"
    if follow.kind is FollowKind.AUTHOR:
        return f"By {label}, whom you follow"
    return f"Because you follow {label}"


def rank_feed(
    articles: Iterable[StoredArticle],
    follows: Sequence[Follow],
    events: Sequence[Event],
    now: datetime,
    *,
    limit: int = 50,
    offset: int = 0,
    disliked: Sequence[StoredArticle] = (),
    popularity: Mapping[int, int] | None = None,
    story_sizes: Mapping[int, int] | None = None,
) -> list[RankedItem]:
    """Order candidate stories for one reader.

    `disliked` are the articles the reader marked "fewer like this": a story sharing their
    subjects (source tags, places, salient entities) scores `_FEWER_FACTOR` less per shared
    subject (at most three), so that other Afghanistan stories sink after "fewer like this" on
    one (broad taxonomy topics such as World do not count: they would sink everything).

    `popularity` gives, per article, how many readers opened it lately: a story many opened
    gets up to `_POPULAR_WEIGHT` more, and one that matches no follow is explained as
    "Popular in World" (its taxonomy topic) or "Trending now". `story_sizes` gives each story
    cluster's number of reports: a fresh event many sources cover gets up to `_STORY_WEIGHT`
    more (the "top stories" of a reader with no follows yet), explained as "Top story".

    Score = Σ weight·match over positive follows + freshness bonus (and a small recency
    tie-break), halved for stories the reader already opened. A story the reader hid, marked
    "fewer like this", or that strongly matches a mute is dropped.

    A story cluster (`story_id`: every source's coverage of one event), or before enrichment
    a group of near duplicates (`duplicate_of`), is one story: it appears once, as its
    canonical article unless another copy scores higher for this reader (it matches the
    reader's follows better: a followed source, author or entity), carrying the other copies
    in `also`. Hiding or opening any copy counts for the whole story; a copy
    that matches a mute is left out, and the story shows through another copy if one remains."""
    hidden = {
        e.article_id
        for e in events
        if e.kind in (EventKind.HIDE, EventKind.FEWER_LIKE_THIS) and e.article_id is not None
    }
    seen = {
        e.article_id
        for e in events
        if e.kind in (EventKind.CLICK, EventKind.READ) and e.article_id is not None
    }
    positives = [f for f in follows if f.weight > 0]
    mutes = [f for f in follows if f.weight < 0]
    fewer = set().union(*(subjects(a) for a in disliked)) if disliked else set()
    stories: dict[tuple[str, int], list[StoredArticle]] = {}
    done: set[int] = set()
    for art in articles:
        if art.id in done:
            continue
        done.add(art.id)
        stories.setdefault(group_key(art), []).append(art)
    ranked: list[RankedItem] = []
    for copies in stories.values():
        keys = {a.id for a in copies} | {story_key(a) for a in copies}
        if keys & hidden:
            continue
        opened = bool(keys & seen)
        # the canonical copy: an original (not a near duplicate), the oldest first
        key = min((a.id for a in copies if a.duplicate_of is None), default=story_key(copies[0]))
        scored = [
            pair
            for a in copies
            if (
                pair := _score(
                    a, positives, mutes, now, opened, fewer, popularity or {}, story_sizes or {}
                )
            )
            is not None
        ]
        if not scored:
            continue
        # The copy shown is the one matching the reader's follows best; the canonical copy (else
        # the oldest) when they match equally. The story ranks as its best-scoring copy.
        shown, _ = max(scored, key=lambda p: (p[1], p[0].article.id == key, -p[0].article.id))
        also = tuple(sorted((r.article for r, _ in scored if r is not shown), key=lambda a: a.id))
        top = max(r.score for r, _ in scored)
        ranked.append(replace(shown, score=top, also=also))
    ranked.sort(key=lambda r: (-r.score, -r.article.id))
    return ranked[offset : offset + limit]


def _score(
    art: StoredArticle,
    positives: Sequence[Follow],
    mutes: Sequence[Follow],
    now: datetime,
    opened: bool,
    fewer: AbstractSet[str] = frozenset(),
    popularity: Mapping[int, int] | None = None,
    story_sizes: Mapping[int, int] | None = None,
) -> tuple[RankedItem, float] | None:
    """One article scored for one reader, with the part of the score its follows give; None
    when a mute hides it."""
    topic_keys = topic_strengths(art)
    saliences = {normalise_key(e.name): e.salience for e in art.entities}
    if any(_match(m, art, topic_keys, saliences) >= _MUTE_THRESHOLD for m in mutes):
        return None
    matches = sorted(
        ((f.weight * _match(f, art, topic_keys, saliences), f) for f in positives),
        key=lambda pair: -pair[0],
    )
    matches = [(s, f) for s, f in matches if s > 0]
    interest = sum(s for s, _ in matches)
    when = art.article.published or art.fetched_at
    fresh = freshness(when, now)
    # A tiny, monotonic recency term keeps old stories in date order.
    tiebreak = 1e-3 / (1.0 + max((now - when).total_seconds(), 0.0) / 86400.0)
    readers = (popularity or {}).get(art.id, 0)
    popular = _POPULAR_WEIGHT * min(math.log1p(readers) / math.log1p(_POPULAR_FULL), 1.0)
    size = (story_sizes or {}).get(art.story_id, 1) if art.story_id is not None else 1
    big = _STORY_WEIGHT * fresh * min(math.log(max(size, 1)) / math.log(_STORY_FULL), 1.0)
    score = interest + _FRESHNESS_WEIGHT * fresh + popular + big + tiebreak
    if opened:
        score *= _SEEN_FACTOR
    if fewer:
        score *= _FEWER_FACTOR ** min(len(subjects(art) & fewer), 3)
    if matches:
        reason = _reason(matches[0][1])
    elif readers >= TRENDING_MIN:
        section = next((t.label for t in art.topics if t.kind == "taxonomy"), None)
        reason = f"Popular in {section}" if section else "Trending now"
    elif size >= TOP_STORY_MIN and fresh > 0.25:
        reason = f"Top story: {size} reports"
    elif fresh > 0.5:
        reason = "Latest news"
    else:
        reason = "More stories"
    item = RankedItem(
        article=art,
        score=round(score, 6),
        reason=reason,
        matched=tuple((f.label or f.value) for _, f in matches),
    )
    return item, interest
