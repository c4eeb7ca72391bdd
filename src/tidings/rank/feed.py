"""A reader's feed, end to end and pure: candidates from the index, features, a scorer,
re-ranking rules and a reason for every story.

`rank_index` is what the serving process runs over its candidate index; `rank_feed` does the
same over a list of stored articles (it builds a small index on the fly), for callers and
tests that have the articles in hand."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from tidings.core import ArticleSignals, Event, Follow, StoredArticle
from tidings.core.text import normalise_key
from tidings.rank import explain as _explain
from tidings.rank.aligned import FRESHNESS_HALF_LIFE_H
from tidings.rank.features import (
    FeedContext,
    ReaderArrays,
    candidates,
    compute,
    copies_of,
    in_sorted,
    merge,
    reader_arrays,
    subjects_of,
)
from tidings.rank.index import CandidateIndex, topic_strength
from tidings.rank.profile import ReaderProfile, build_profile
from tidings.rank.rerank import POOL, diversify, one_per_story, top_groups
from tidings.rank.scoring import HandScorer, Scorer, rules


@dataclass(frozen=True, slots=True)
class Pick:
    """One story of a ranked feed, by article id."""

    article_id: int
    score: float
    reason: str
    matched: tuple[str, ...]  # labels of the follows that matched, strongest first
    also: tuple[int, ...]  # other copies of the same story
    features: np.ndarray  # the feature row that placed it (logged with the impression)
    explore: bool = False


@dataclass(frozen=True, slots=True)
class RankedItem:
    article: StoredArticle
    score: float
    reason: str
    matched: tuple[str, ...]  # labels of the follows that matched, strongest first
    # other sources' copies of the same story (from the feed service: headlines only, see
    # ArticleRepository.headlines)
    also: tuple[StoredArticle, ...] = ()
    features: np.ndarray | None = None
    explore: bool = False


def rank_index(
    index: CandidateIndex,
    profile: ReaderProfile,
    follows: Sequence[Follow],
    ctx: FeedContext,
    scorer: Scorer | None = None,
    *,
    limit: int = 50,
    offset: int = 0,
    explore: bool = True,
    reader: ReaderArrays | None = None,
) -> list[Pick]:
    """The reader's feed page: candidates → features → scorer → rules (opened stories and
    those like "fewer like this" ones sink; muted ones go) → one copy per story → diversity,
    source caps and exploration at the top → reasons."""
    al = ctx.arrays(index)
    ra = (
        reader
        if reader is not None
        else reader_arrays(index, profile, disliked=ctx.disliked_subjects)
    ).for_request(index)
    rows, origin = candidates(index, profile, follows, ctx, al, expand=False, ra=ra)
    feats, muted = compute(index, rows, origin, profile, follows, ctx, al, ra)
    if len(rows) == 0:
        return []
    ranker: Scorer = scorer if scorer is not None else HandScorer()
    final = ranker.score(feats.x) + rules(feats.x)
    # The other copies of the stories that can reach this page, so that the copy that suits
    # the reader best is shown (and the rest are one click away). Only those stories': adding
    # every candidate's copies first would score three times the rows.
    first = max(POOL, offset + limit)
    top = top_groups(index, feats, final, ~muted, first)
    extra = copies_of(index, top, feats.rows)
    if len(extra):
        more, more_muted = compute(
            index, extra, np.zeros(len(extra), np.int64), profile, follows, ctx, al, ra
        )
        feats = merge(feats, more)
        muted = np.concatenate([muted, more_muted])
        final = np.concatenate([final, ranker.score(more.x) + rules(more.x)])
    # Only the top stories can reach the page: adding copies raises a story's best score but
    # never lowers another's, so the `first` best stories are the same ones as before.
    keep = ~muted & in_sorted(index.group[feats.rows], top)
    stories = one_per_story(index, feats, final, keep, first=first)
    has_signal = not profile.cold or any(f.weight > 0 for f in follows)
    order, explored = diversify(index, feats, stories, explore=explore and has_signal)
    picks = []
    for k, is_explore in zip(
        order[offset : offset + limit].tolist(),
        explored[offset : offset + limit].tolist(),
        strict=True,
    ):
        pos = int(stories.head[k])
        picks.append(
            Pick(
                article_id=int(index.ids[feats.rows[pos]]),
                score=round(float(stories.score[k]), 6),
                reason=_explain.explain(index, feats, pos, al, explore=is_explore),
                matched=_explain.matched_labels(feats, pos),
                also=tuple(int(index.ids[feats.rows[p]]) for p in stories.also(k)),
                features=feats.x[pos].copy(),
                explore=is_explore,
            )
        )
    return picks


def signals_of(art: StoredArticle, embedding: bytes | None = None) -> ArticleSignals:
    """A stored article as ranking sees it."""
    topics = [(normalise_key(t), t, "tag", 1.0) for t in art.article.topics]
    topics += [(t.key, t.label, t.kind, t.score) for t in art.topics]
    return ArticleSignals(
        id=art.id,
        when=art.article.published or art.fetched_at,
        source_id=art.source_id,
        story_id=art.story_id,
        duplicate_of=art.duplicate_of,
        words=len(art.article.body_text.split()),
        embedding=embedding,
        entities=tuple((normalise_key(e.name), e.name, e.salience) for e in art.entities),
        topics=tuple(topics),
        byline=art.article.byline,
    )


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
    scorer: Scorer | None = None,
) -> list[RankedItem]:
    """Order these candidate articles for one reader (see `rank_index`). `popularity` gives
    how many readers opened each article lately, `story_sizes` each story's reports."""
    arts = {a.id: a for a in articles}
    for a in disliked:
        arts.setdefault(a.id, a)
    signals = {a.id: signals_of(a) for a in arts.values()}
    index = CandidateIndex(list(signals.values()))
    profile = build_profile(events, [index], now)
    times: dict[int, list[datetime]] = {}
    for a in arts.values():
        if a.story_id is not None:
            times.setdefault(a.story_id, []).append(a.article.published or a.fetched_at)
    # a story's first report is known only when every report is among the articles
    unknown = datetime.min.replace(tzinfo=now.tzinfo)
    stories = {
        sid: (
            size,
            min(times[sid]) if len(times.get(sid, ())) >= size else unknown,
            max(times.get(sid, [unknown])),
        )
        for sid, size in (story_sizes or {}).items()
    }
    ctx = FeedContext(
        now=now,
        opened_counts={k: (v, 0) for k, v in (popularity or {}).items()},
        stories=stories,
        disliked_subjects=frozenset().union(*(subjects_of(signals[a.id]) for a in disliked)),
    )
    picks = rank_index(
        index, profile, follows, ctx, scorer, limit=limit, offset=offset, explore=True
    )
    return [
        RankedItem(
            article=arts[p.article_id],
            score=p.score,
            reason=p.reason,
            matched=p.matched,
            also=tuple(arts[i] for i in p.also),
            features=p.features,
            explore=p.explore,
        )
        for p in picks
    ]


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


def freshness(when: datetime, now: datetime) -> float:
    """1.0 for a story published now, halving every `FRESHNESS_HALF_LIFE_H` hours."""
    age_h = max((now - when).total_seconds() / 3600.0, 0.0)
    return float(np.power(0.5, age_h / FRESHNESS_HALF_LIFE_H))


def topic_strengths(art: StoredArticle) -> dict[str, float]:
    """How strongly the article is about each of its topics (0..1)."""
    out = {normalise_key(t): 1.0 for t in art.article.topics}
    for t in art.topics:
        key = normalise_key(t.key)
        out[key] = max(out.get(key, 0.0), topic_strength(t.kind, t.score))
    return out


def subjects(art: StoredArticle) -> set[str]:
    """What an article is specifically about: its source tags, places and salient entities
    (not the broad taxonomy topics)."""
    return subjects_of(signals_of(art))
