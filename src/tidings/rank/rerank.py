"""Re-ranking of scored candidates into a feed: one item per story, per-source caps and
maximal-marginal-relevance diversity at the top, and a few labelled exploration slots."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tidings.rank.features import F, Features
from tidings.rank.index import CandidateIndex, take_entries

TOP = 20  # the part of the feed that is diversified and capped
SOURCE_CAP = 4  # stories of one source in the top TOP, while others are left...
CAP_SLACK = 0.3  # ...that are at most this much worse (in relevance-minus-redundancy units)
MMR_LAMBDA = 0.8  # relevance against novelty
POOL = 200  # stories considered for the top
EXPLORE_AT = (5, 13)  # 0-based positions of the exploration slots in the top
EXPLORE_MIN_STORIES = 30  # no exploration in a feed with fewer stories than this
DIFFERENT_INTEREST = 0.35  # an exploration pick is below this cosine to every interest


@dataclass(frozen=True)
class Stories:
    """Stories ranked best first, each as the copy shown (a position in the features' rows),
    its score (its best copy's) and its other copies."""

    head: np.ndarray  # feature position of the copy shown
    score: np.ndarray
    members: np.ndarray  # feature positions of every copy, story by story, by article id
    start: np.ndarray  # each story's span in `members`
    end: np.ndarray

    def __len__(self) -> int:
        return len(self.head)

    def also(self, k: int) -> tuple[int, ...]:
        """Feature positions of story k's other copies."""
        a, b = int(self.start[k]), int(self.end[k])
        if b - a == 1:
            return ()
        head = int(self.head[k])
        return tuple(p for p in self.members[a:b].tolist() if p != head)


def one_per_story(
    index: CandidateIndex,
    feats: Features,
    final: np.ndarray,
    keep: np.ndarray,
    *,
    first: int | None = None,
) -> Stories:
    """Each story once, best stories first: shown as the copy that matches the reader's
    follows best (a followed source, author or entity), then the canonical copy, then the
    oldest; ranked as its best-scoring copy, carrying the others. Only the `first` best
    stories are returned when given."""
    pos = np.flatnonzero(keep)
    if len(pos) == 0:
        z = np.zeros(0, np.int64)
        return Stories(z, np.zeros(0), z, z, z)
    rows = feats.rows[pos]
    groups = index.group[rows]
    canonical = index.duplicate_of[rows] < 0
    ids = index.ids[rows]
    order = np.lexsort((ids, ~canonical, -feats.x[pos, F["follow"]], groups))
    g_sorted = groups[order]
    starts = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1]])
    ends = np.r_[starts[1:], len(order)]
    best = np.maximum.reduceat(final[pos[order]], starts)
    shown_ids = ids[order[starts]]
    ranking = np.lexsort((-shown_ids, -best))
    if first is not None:
        ranking = ranking[:first]
    # each story's copies by article id (the same group spans as `order`)
    members = pos[np.lexsort((ids, groups))]
    return Stories(
        head=pos[order[starts]][ranking],
        score=best[ranking],
        members=members,
        start=starts[ranking],
        end=ends[ranking],
    )


def top_groups(
    index: CandidateIndex, feats: Features, final: np.ndarray, keep: np.ndarray, first: int
) -> np.ndarray:
    """The groups (stories) of the `first` best stories, as `one_per_story` ranks them
    (sorted)."""
    pos = np.flatnonzero(keep)
    if len(pos) == 0:
        return np.zeros(0, np.int64)
    groups = index.group[feats.rows[pos]]
    order = np.argsort(groups, kind="stable")
    g_sorted = groups[order]
    starts = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1]])
    best = np.maximum.reduceat(final[pos[order]], starts)
    k = min(first, len(starts))
    top = np.argpartition(-best, k - 1)[:k] if k < len(starts) else np.arange(len(starts))
    out: np.ndarray = np.sort(g_sorted[starts[top]])
    return out


def diversify(
    index: CandidateIndex,
    feats: Features,
    stories: Stories,
    *,
    top: int = TOP,
    source_cap: int = SOURCE_CAP,
    lam: float = MMR_LAMBDA,
    explore: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """The order of the stories: the first `top` chosen greedily by maximal marginal
    relevance (score against similarity to the stories already chosen: embedding cosine and
    shared subjects), at most `source_cap` from one source while other sources have stories
    left; exploration slots at `EXPLORE_AT` hold the best story unlike anything the reader
    follows or reads. The rest follow in score order. Returns the stories' indices in that
    order and which of them are exploration picks."""
    n = len(stories)
    if n <= 1:
        return np.arange(n), np.zeros(n, dtype=bool)
    k = min(n, POOL)
    pos = stories.head[:k]
    rows = feats.rows[pos]
    scores = stories.score[:k]
    # relevance on the scores' own scale, but no finer than one unit: tiny score gaps
    # (freshness by minutes) must not outweigh a story being the same as one chosen
    span = max(float(scores.max() - scores.min()), 1.0)
    relevance = lam * (scores - scores.min()) / span
    emb = index.vectors(rows)
    subj = take_entries(index.subjects, rows)
    sizes = np.bincount(subj.pos, minlength=k).astype(np.float64)
    # the pool's subjects as a small dense 0/1 matrix, subject by story, over the subjects it
    # names (a chosen story's few subjects are then a few contiguous rows of it)
    names, col = np.unique(subj.col, return_inverse=True)
    incidence = np.zeros((len(names), k), dtype=np.float32)
    incidence[col, subj.pos] = 1.0
    first_entry = np.r_[0, np.cumsum(sizes, dtype=np.int64)]
    sources = index.source[rows]
    x = feats.x[pos]
    different = (
        (x[:, F["follow"]] <= 0)
        & (x[:, F["interest_max"]] < DIFFERENT_INTEREST)
        & (x[:, F["entity_affinity"]] <= 0)
        & (x[:, F["topic_affinity"]] <= 0)
    )
    quality = x[:, F["freshness"]] + x[:, F["popularity"]] + x[:, F["story_size"]]
    do_explore = explore and n >= EXPLORE_MIN_STORIES
    _, source_of = np.unique(sources, return_inverse=True)
    counts = np.zeros(int(source_of.max()) + 1, dtype=np.int64)
    attributed = sources >= 0
    chosen: list[int] = []
    flags: list[bool] = []
    taken = np.zeros(k, dtype=bool)
    base = relevance.astype(np.float64)  # relevance, -inf once chosen
    max_sim = np.zeros(k)
    value = np.empty(k)
    sim = np.empty(k, dtype=np.float32)
    union = np.empty(k)
    for position in range(min(top, k)):
        if do_explore and position in EXPLORE_AT and (~taken & different).any():
            cand = np.flatnonzero(~taken & different)
            pick = int(cand[np.argmax(quality[cand])])
            is_explore = True
        else:
            np.multiply(max_sim, -(1.0 - lam), out=value)
            value += base
            pick = int(np.argmax(value))
            if counts[source_of[pick]] >= source_cap and attributed[pick]:
                allowed = ~taken & ((counts[source_of] < source_cap) | ~attributed)
                if allowed.any():
                    # another source's story instead, unless it is much worse
                    other = int(np.argmax(np.where(allowed, value, -np.inf)))
                    if value[other] >= value[pick] - CAP_SLACK:
                        pick = other
            is_explore = False
        taken[pick] = True
        base[pick] = -np.inf
        chosen.append(pick)
        flags.append(is_explore)
        counts[source_of[pick]] += 1
        # similarity to the story just chosen: embedding cosine (0..1) and shared subjects
        # (Jaccard; a union of 0 subjects shares none)
        np.matmul(emb, emb[pick], out=sim)
        np.maximum(sim, 0.0, out=sim)
        np.minimum(sim, 1.0, out=sim)
        shared = incidence[col[first_entry[pick] : first_entry[pick + 1]]].sum(axis=0)
        np.add(sizes, sizes[pick], out=union)
        union -= shared
        np.maximum(union, 1.0, out=union)
        shared *= 0.3
        sim *= 0.7
        sim += shared / union
        np.maximum(max_sim, sim, out=max_sim)
    head = np.asarray(chosen, dtype=np.int64)
    order = np.concatenate([head, np.flatnonzero(~taken), np.arange(k, n)])
    explored = np.zeros(n, dtype=bool)
    explored[head[np.asarray(flags, dtype=bool)]] = True
    return order, explored[order]
