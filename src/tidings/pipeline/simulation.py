"""`tidings eval simulate`: synthetic readers with hidden interests use the real feed over the
bundled demo corpus, and we watch how quickly it learns them.

One temporary SQLite store holds the demo, loaded and enriched once per run. Each synthetic
reader (`rank.simulate`) is served pages of 20 by `reader_feed`, exactly as the app serves
them (impressions logged); a position-biased click model picks what they open, and every click
is recorded as a CLICK and a READ with a dwell that grows with relevance. After 0, 5, 10, 20
and 50 clicks the page served is measured: nDCG@10 against the reader's hidden relevances and
the diversity of its top 20.

The clock moves a quarter of an hour per page from just after the newest article, so that the
pages a reader scrolled past count as showings without a click (the feed ignores pages served
in the last ten minutes) while freshness barely moves (every demo story is old); each page's
clicks and reads are dated just after it was served.
Readers are simulated one after the other in the same store, so the later ones see what the
earlier ones opened (trending, source quality), as readers of one install do.

With `follows=True` every other reader follows their main hidden topic at sign-up (the
taxonomy key, as the topic picker does); results are given for both groups.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np

from tidings.core import Event, EventKind, FollowKind, Settings, StoredArticle
from tidings.pipeline.demo import load_demo
from tidings.pipeline.feed import feed_service, reader_feed
from tidings.pipeline.ingestion import Pipeline
from tidings.rank import RankedItem
from tidings.rank.simulate import (
    ClickModel,
    Shown,
    SyntheticReader,
    best_topic,
    diversity,
    interest_pool,
    make_reader,
    mean,
    ndcg_at,
    relevance,
)
from tidings.store import Store

__all__ = ["CHECKPOINTS", "Checkpoint", "SimulationResult", "as_json", "run", "simulate"]

CHECKPOINTS = (0, 5, 10, 20, 50)
PAGE = 20
STEP = timedelta(minutes=15)  # between two pages served to one reader
MAX_PAGES = 200  # per reader: one who finds nothing to click stops here


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Averages over the readers of the page served after this many clicks."""

    ndcg10: float | None  # ideal: the whole corpus (one article per story)
    ndcg10_unread: float | None  # ideal: the stories the reader has not read yet
    distinct_topics: float | None
    intra_list_distance: float | None
    explore_share: float | None
    readers: int


@dataclass(frozen=True, slots=True)
class SimulationResult:
    readers: int
    seed: int
    scorer: str
    articles: int
    checkpoints: dict[int, Checkpoint]
    groups: dict[str, tuple[int, dict[int, Checkpoint]]]  # name → (readers, checkpoints)
    pages: int
    clicks: int
    capped: int  # readers who reached MAX_PAGES before 50 clicks
    setup_s: float
    run_s: float


@dataclass(frozen=True, slots=True)
class _Measure:
    ndcg10: float | None
    ndcg10_unread: float | None
    distinct_topics: int
    intra_list_distance: float
    explore_share: float


class _World:
    """The demo corpus as the measures need it."""

    def __init__(self, store: Store) -> None:
        ids = store.articles.all_ids()
        self.articles: dict[int, StoredArticle] = {a.id: a for a in store.articles.by_ids(ids)}
        signals = store.ranking.signals(ids=ids)
        self.embedding: dict[int, np.ndarray] = {}
        for s in signals:
            if s.embedding:
                self.embedding[s.id] = np.frombuffer(s.embedding, dtype="<f2").astype(np.float32)
        # the readers' events fall between the newest article and `now`
        self.first_event = max(s.when for s in signals) + timedelta(minutes=1)
        self.now = self.first_event + STEP * (MAX_PAGES + 2) + timedelta(hours=1)
        self.story = {
            a.id: (a.story_id if a.story_id is not None else -a.id) for a in self.articles.values()
        }
        self.pool = interest_pool(a.topics for a in self.articles.values())

    def relevances(self, reader: SyntheticReader) -> dict[int, float]:
        return {aid: relevance(reader, a.topics) for aid, a in self.articles.items()}

    def per_story(self, rels: dict[int, float]) -> dict[int, float]:
        best: dict[int, float] = {}
        for aid, r in rels.items():
            sid = self.story[aid]
            best[sid] = max(best.get(sid, 0.0), r)
        return best

    def shown(self, page: Sequence[RankedItem], rels: dict[int, float]) -> list[Shown]:
        out = []
        for item in page:
            a = item.article
            out.append(
                Shown(
                    article_id=a.id,
                    relevance=rels.get(a.id, 0.0),
                    topic=best_topic(a.topics),
                    source_id=a.source_id,
                    explore=item.explore,
                    embedding=self.embedding.get(a.id),
                )
            )
        return out


def _measure(shown: list[Shown], corpus: list[float], unread: list[float]) -> _Measure:
    served = [s.relevance for s in shown]
    d = diversity(shown, PAGE)
    return _Measure(
        ndcg10=ndcg_at(served, corpus, 10),
        ndcg10_unread=ndcg_at(served, unread, 10),
        distinct_topics=d.distinct_topics,
        intra_list_distance=d.intra_list_distance,
        explore_share=d.explore_share,
    )


def _one_reader(
    store: Store,
    world: _World,
    rid: int,
    reader: SyntheticReader,
    rng: np.random.Generator,
    model: ClickModel,
) -> tuple[dict[int, _Measure], int, int, bool]:
    rels = world.relevances(reader)
    stories = world.per_story(rels)
    corpus = list(stories.values())
    read_stories: set[int] = set()  # stories opened (a short read leaves them in the feed)
    measured: dict[int, _Measure] = {}
    clicks = pages = 0
    goal = max(CHECKPOINTS)
    while True:
        page = reader_feed(store, rid, limit=PAGE, now=world.first_event + STEP * pages)
        pages += 1
        shown = world.shown(page, rels)
        if clicks in CHECKPOINTS and clicks not in measured:
            unread = [r for sid, r in stories.items() if sid not in read_stories]
            measured[clicks] = _measure(shown, corpus, unread)
        if clicks >= goal or pages >= MAX_PAGES or not page:
            break
        nxt = min(c for c in CHECKPOINTS if c > clicks)
        at = world.first_event + STEP * pages
        opened = [world.story[s.article_id] in read_stories for s in shown]
        for pos in model.clicks([s.relevance for s in shown], rng, opened)[: nxt - clicks]:
            s = shown[pos]
            store.events.record(Event(rid, s.article_id, EventKind.CLICK, at=at))
            dwell = model.dwell(s.relevance, rng)
            store.events.record(
                Event(
                    rid,
                    s.article_id,
                    EventKind.READ,
                    dwell_s=dwell,
                    at=at + timedelta(seconds=dwell),
                )
            )
            read_stories.add(world.story[s.article_id])
            clicks += 1
            at += timedelta(seconds=dwell + 5)
    capped = clicks < goal
    if capped:  # the checkpoints not reached are measured where the reader stopped
        last = world.shown(reader_feed(store, rid, limit=PAGE, now=world.now), rels)
        unread = [r for sid, r in stories.items() if sid not in read_stories]
        for c in CHECKPOINTS:
            measured.setdefault(c, _measure(last, corpus, unread))
    return measured, pages, clicks, capped


def _average(measures: list[dict[int, _Measure]]) -> dict[int, Checkpoint]:
    out = {}
    for c in CHECKPOINTS:
        ms = [m[c] for m in measures if c in m]
        out[c] = Checkpoint(
            ndcg10=mean(m.ndcg10 for m in ms),
            ndcg10_unread=mean(m.ndcg10_unread for m in ms),
            distinct_topics=mean(float(m.distinct_topics) for m in ms),
            intra_list_distance=mean(m.intra_list_distance for m in ms),
            explore_share=mean(m.explore_share for m in ms),
            readers=len(ms),
        )
    return out


def simulate(
    settings: Settings,
    *,
    readers: int = 30,
    seed: int = 0,
    follows: bool = True,
    model: ClickModel | None = None,
    progress: Callable[[str], None] | None = None,
) -> SimulationResult:
    """Run `readers` synthetic readers over a fresh, enriched demo store (see the module)."""
    say = progress or (lambda _m: None)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tidings-simulate-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'simulate.db'}"
        local = settings.model_copy(update={"database_url": url})
        store = Store.open(url)
        try:
            say("loading and enriching the demo corpus")
            load_demo(Pipeline(store, local), progress=say)
            setup_s = time.perf_counter() - started
            return run(
                store,
                local,
                readers=readers,
                seed=seed,
                follows=follows,
                model=model,
                progress=say,
                setup_s=setup_s,
            )
        finally:
            store.close()


def run(
    store: Store,
    settings: Settings,
    *,
    readers: int = 30,
    seed: int = 0,
    follows: bool = True,
    model: ClickModel | None = None,
    progress: Callable[[str], None] | None = None,
    setup_s: float = 0.0,
) -> SimulationResult:
    """The simulation over a store that holds the enriched demo and no other readers' events
    (it adds readers and events to it)."""
    say = progress or (lambda _m: None)
    click_model = model or ClickModel()
    started = time.perf_counter()
    service = feed_service(store, settings)
    world = _World(store)
    per_reader: list[tuple[bool, dict[int, _Measure]]] = []
    pages = clicks = capped = 0
    for i in range(readers):
        rng = np.random.default_rng([seed, i])
        reader = make_reader(world.pool, rng)
        rid = store.readers.create(f"Simulated reader {i + 1}").id
        follower = follows and i % 2 == 1
        if follower:
            main = reader.main
            store.readers.follow(rid, FollowKind.TOPIC, main.key, label=main.label)
        say(f"reader {i + 1}/{readers}: {', '.join(x.label for x in reader.interests)}")
        measured, p, c, cap = _one_reader(store, world, rid, reader, rng, click_model)
        per_reader.append((follower, measured))
        pages, clicks, capped = pages + p, clicks + c, capped + int(cap)
    groups: dict[str, tuple[int, dict[int, Checkpoint]]] = {}
    if follows and readers > 1:
        for name, flag in (("follows", True), ("cold", False)):
            ms = [m for f, m in per_reader if f is flag]
            groups[name] = (len(ms), _average(ms))
    return SimulationResult(
        readers=readers,
        seed=seed,
        scorer=service.scorer().name,
        articles=len(world.articles),
        checkpoints=_average([m for _, m in per_reader]),
        groups=groups,
        pages=pages,
        clicks=clicks,
        capped=capped,
        setup_s=round(setup_s, 1),
        run_s=round(time.perf_counter() - started, 1),
    )


def _points(checkpoints: dict[int, Checkpoint]) -> dict[str, dict[str, object]]:
    return {
        str(c): {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(cp).items()}
        for c, cp in checkpoints.items()
    }


def as_json(result: SimulationResult) -> str:
    return json.dumps(
        {
            "readers": result.readers,
            "seed": result.seed,
            "scorer": result.scorer,
            "articles": result.articles,
            "checkpoints": _points(result.checkpoints),
            "groups": {
                name: {"readers": n, "checkpoints": _points(cps)}
                for name, (n, cps) in result.groups.items()
            },
            "pages": result.pages,
            "clicks": result.clicks,
            "capped": result.capped,
            "seconds": {"setup": result.setup_s, "simulation": result.run_s},
        },
        indent=2,
    )
