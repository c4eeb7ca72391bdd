"""Deferred enrichment: everything Tidings understands about an article, for articles saved
with `enriched_at` NULL.

Saving an article does not wait for the models: refresh stores articles at feed speed and
leaves them pending; `Enricher.run` (the `tidings refresh` command, the server's background
thread and the demo loader call it) then works through pending articles in batches, oldest
first. For each batch it finds

1. the language (py3langid); English-only models are not applied to other languages;
2. entities (spaCy), canonical within the article and, when stored, across articles;
3. quotations and their speakers, and a summary (the standfirst, or lead sentences);
4. an embedding of title, standfirst and lead (reused from any article with the same text);
5. taxonomy topics from the embedding and place topics from the salient places;

and writes them in one transaction that also sets `enriched_at`, so a run killed at any point
loses at most the batch in flight, which stays pending. Two runs at once do not clash: an
article is claimed by the update that sets its `enriched_at`. Then the batch joins story
clusters (`enrich.stories`) in a second transaction; an article left without a story by a
crash in between is picked up by the next run."""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from datetime import timedelta

from tidings.core import EntityLabel, Settings, StoredArticle
from tidings.core.text import utcnow
from tidings.enrich.embeddings import EmbeddingBackend, MiniLMBackend, unpack
from tidings.enrich.entities import EntityExtractor
from tidings.enrich.stories import StoryIndex, StoryInput
from tidings.pipeline.analysis import Analyser, AnalysisPool, Found, StepTimes, embedding_key
from tidings.store import Store
from tidings.store.stories import StoryMember
from tidings.store.understanding import Enrichment

__all__ = ["DEFAULT_BATCH", "Enricher"]

log = logging.getLogger(__name__)

DEFAULT_BATCH = 64
# Entities that make two articles "about the same thing" for story clustering.
_STORY_SALIENCE = 0.25


class Enricher:
    def __init__(
        self,
        store: Store,
        settings: Settings,
        entities: EntityExtractor,
        *,
        backend: EmbeddingBackend | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.analyser = Analyser(
            entities=entities,
            backend=backend,
            use_entities=settings.enrich_entities,
            use_embeddings=settings.enrich_embeddings,
        )
        self.times = StepTimes()

    def pending(self) -> int:
        """How many articles wait for enrichment."""
        return self.store.articles.count_pending_enrichment()

    def workers_for(self, pending: int) -> int:
        """Worker processes for a backlog of `pending` articles (0: in this process)."""
        if pending < self.settings.enrich_pool_min:
            return 0
        workers = self.settings.enrich_workers or (os.cpu_count() or 1)
        return workers if workers > 1 else 0

    def run(
        self,
        *,
        batch: int = DEFAULT_BATCH,
        limit: int | None = None,
        progress: Callable[[int], None] | None = None,
        workers: int | None = None,
    ) -> int:
        """Enrich pending articles, `batch` at a time, until none is left (or `limit` were
        done), then give any enriched article without a story its story. A large backlog is
        analysed by worker processes (see `workers_for`). Returns how many articles this call
        enriched."""
        batch = max(1, batch)
        pending = self.pending()
        if workers is None:
            workers = self.workers_for(pending if limit is None else min(pending, limit))
        # The open stories are loaded only when there is something to cluster: with a large
        # window they are every recent article's entities and embedding (gigabytes and a
        # minute at a million articles), which a server start with nothing pending must not pay.
        stories = (
            self._story_index()
            if self.settings.enrich_stories and (pending or self._unassigned())
            else None
        )
        if workers > 1:
            with AnalysisPool(
                workers,
                use_entities=self.settings.enrich_entities,
                use_embeddings=self.settings.enrich_embeddings,
            ) as pool:
                done = self._run(batch, limit, progress, stories, pool)
        else:
            done = self._run(batch, limit, progress, stories, None)
        if stories is not None:
            self._cluster_unassigned(stories)
        if done:
            log.info("enriched %d articles", done)
        return done

    def enrich_ids(self, ids: Sequence[int]) -> int:
        """Enrich these articles now, if they are pending (`tidings enrich ID`), in this
        process; other pending articles wait for the next run."""
        todo = self.store.articles.pending_enrichment(len(ids) or 1, ids=ids)
        if not todo:
            return 0
        found, _ = self._submit(todo, None).result()
        written = self.store.understanding.save(
            [_enrichment(s.id, f) for s, f in zip(todo, found, strict=True)]
        )
        if written and self.settings.enrich_stories:
            self._cluster(self._story_index(), written)
        return len(written)

    def _run(
        self,
        batch: int,
        limit: int | None,
        progress: Callable[[int], None] | None,
        stories: StoryIndex | None,
        pool: AnalysisPool | None,
    ) -> int:
        done = 0
        read = 0
        after = 0
        ahead = pool.workers + 1 if pool is not None else 1
        inflight: deque[tuple[list[StoredArticle], Future[tuple[list[Found], dict[str, float]]]]]
        inflight = deque()
        exhausted = False
        while True:
            while not exhausted and len(inflight) < ahead and (limit is None or read < limit):
                size = batch if limit is None else min(batch, limit - read)
                t = time.perf_counter()
                todo = self.store.articles.pending_enrichment(size, after_id=after)
                self.times.add("read", t)
                if not todo:
                    exhausted = True
                    break
                after = todo[-1].id
                read += len(todo)
                inflight.append((todo, self._submit(todo, pool)))
            if not inflight:
                break
            todo, future = inflight.popleft()
            t = time.perf_counter()
            found, times = future.result()
            self.times.add("waiting for analysis" if pool is not None else "analysis", t)
            self.times.merge({f"  {k}": v for k, v in times.items()})
            t = time.perf_counter()
            written = self.store.understanding.save(
                [_enrichment(s.id, f) for s, f in zip(todo, found, strict=True)]
            )
            t = self.times.add("store", t)
            done += len(written)
            if written and stories is not None:
                self._cluster(stories, written)
                self.times.add("stories", t)
            if progress is not None:
                progress(done)
        return done

    def _submit(
        self, todo: Sequence[StoredArticle], pool: AnalysisPool | None
    ) -> Future[tuple[list[Found], dict[str, float]]]:
        arts = [s.article for s in todo]
        cached: dict[str, bytes] = {}
        if self.settings.enrich_embeddings:
            keys = [embedding_key(a, MiniLMBackend.name) for a in arts]
            cached = self.store.understanding.cached_embeddings(k for k in keys if k)
        if pool is not None:
            return pool.submit(arts, cached)
        future: Future[tuple[list[Found], dict[str, float]]] = Future()
        before = dict(self.analyser.times.seconds)
        found = self.analyser.analyse(arts, cached)
        spent = {k: v - before.get(k, 0.0) for k, v in self.analyser.times.seconds.items()}
        future.set_result((found, spent))
        return future

    # -- stories --------------------------------------------------------------------------

    def _unassigned(self) -> bool:
        """Whether an enriched article still waits for its story."""
        return bool(
            self.store.stories.story_members(unassigned=True, min_salience=_STORY_SALIENCE, limit=1)
        )

    def _story_index(self) -> StoryIndex:
        index = StoryIndex(window=timedelta(hours=self.settings.story_window_hours))
        if self.settings.enrich_stories:
            self._load_stories(index)
        return index

    def _load_stories(self, index: StoryIndex) -> None:
        """Put the stored stories still open into the index."""
        latest = self.store.stories.recent_stories(limit=1)
        if not latest:
            return
        # An article dated in the future must not close every story of today.
        since = min(latest[0].last_at, utcnow()) - index.window
        members = self.store.stories.story_members(since=since, min_salience=_STORY_SALIENCE)
        for m in members:
            if m.story_id is not None:
                index.add(m.story_id, _story_input(m))

    def _cluster(self, index: StoryIndex, article_ids: Sequence[int]) -> None:
        members = self.store.stories.story_members(
            article_ids=article_ids, unassigned=True, min_salience=_STORY_SALIENCE
        )
        self._assign(index, members)

    def _cluster_unassigned(self, index: StoryIndex) -> None:
        while True:
            members = self.store.stories.story_members(
                unassigned=True, min_salience=_STORY_SALIENCE, limit=500
            )
            if not members:
                return
            self._assign(index, members)

    def _assign(self, index: StoryIndex, members: Sequence[StoryMember]) -> None:
        if not members:
            return
        by_id = {m.article_id: m for m in members}
        assignments = index.assign_all(_story_input(m) for m in members)
        touched = {s for _, s in assignments}
        created, lost = self.store.stories.assign_stories(assignments, by_id, index.leads(touched))
        if lost:
            # Another run clustered some of these first: start again from what is stored.
            index.clear()
            self._load_stories(index)
            return
        # New stories now have ids: re-key them so that later batches join them by id.
        index.rekey(created)


def _enrichment(article_id: int, f: Found) -> Enrichment:
    return Enrichment(
        article_id=article_id,
        language=f.language,
        entities=f.entities,
        topics=f.topics,
        quotes=f.quotes,
        summary=f.summary,
        embedding=f.embedding,
        embedding_key=f.embedding_key,
    )


def _story_input(m: StoryMember) -> StoryInput:
    return StoryInput(
        article_id=m.article_id,
        vector=unpack(m.embedding) if m.embedding is not None else None,
        at=m.at,
        entities=tuple(k for k, label in m.entity_keys if label != EntityLabel.PLACE.value),
        places=tuple(k for k, label in m.entity_keys if label == EntityLabel.PLACE.value),
        duplicate_of=m.duplicate_of,
    )
