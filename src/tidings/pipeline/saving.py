"""Article-level work: complete, deduplicate and store extracted articles, one transaction each.

`Pipeline` (ingestion.py) calls `ArticleSaver.save` with the articles of one source. For each
article, in order:

1. already stored? Same canonical URL, same GUID from the same source, or the same title and
   text (content hash): skipped. The unique canonical URL and content hash make this race-free
   against other workers and processes; a refresh killed with SIGKILL and run again stores the
   rest and nothing twice.
2. a truncated feed item gets its page's full text (`fulltext.py`, at most
   `full_text_per_source` pages per call).
3. MinHash signature and the near-duplicate link (`enrich.dedup`): a story from another
   source whose text is a near copy of one already stored is saved with `duplicate_of`
   pointing to that (canonical) story. Sources with `dedup` off are never linked.
4. stored in one transaction with its topics, pending enrichment (language and entities,
   `enrichment.py`), which keeps a refresh at feed speed.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from datetime import datetime, timedelta

from tidings.core import Article, NotFoundError, Settings, Source
from tidings.core.text import utcnow
from tidings.enrich.dedup import DuplicateIndex, Match, Signature
from tidings.enrich.entities import EntityExtractor
from tidings.ingest import Fetcher
from tidings.pipeline.enrichment import DEFAULT_BATCH, Enricher
from tidings.pipeline.fulltext import fetch_full_text, is_truncated
from tidings.pipeline.prepare import PreparedItem, prepare_item
from tidings.store import Store

log = logging.getLogger(__name__)

Bodies = Mapping[int, str | None] | Sequence[str | None]


class ArticleSaver:
    """Stores articles for one store. Thread-safe; create one per process (it keeps the
    near-duplicate index of recent stories in memory)."""

    def __init__(self, store: Store, settings: Settings, entities: EntityExtractor) -> None:
        self.store = store
        self.settings = settings
        self.enricher = Enricher(store, settings, entities)
        self._lock = threading.RLock()
        self._index: DuplicateIndex | None = None
        self._indexed_upto = 0  # highest article id loaded from the store into the index
        self._ages: deque[tuple[datetime, int]] = deque()  # (fetched_at, id), oldest first

    def save(
        self,
        source: Source | None,
        articles: Sequence[Article],
        bodies: Bodies = (),
        *,
        full_text: bool = False,
    ) -> int:
        """Store new articles, each in its own transaction. Returns how many were new.

        `bodies` gives the HTML body to keep (a feed item's content) for some articles: either
        a sequence parallel to `articles`, or a mapping from `id(article)` of the articles
        passed in. Without one, the body is built from the paragraphs. `full_text=True` fetches
        the page of truncated items (when `fetch_full_text` is on)."""
        items = [
            prepare_item(art, body)
            for art, body in zip(articles, _bodies_for(articles, bodies), strict=True)
        ]
        return self.save_prepared(source, items, full_text=full_text)

    def save_prepared(
        self, source: Source | None, items: Sequence[PreparedItem], *, full_text: bool = False
    ) -> int:
        """Store prepared articles (see `prepare.py`), each in its own transaction."""
        budget = (
            self.settings.full_text_per_source
            if full_text and self.settings.fetch_full_text and source is not None
            else 0
        )
        sid = source.id if source is not None else None
        stored = self.store.articles.stored_keys(
            source_id=sid,
            canonical_urls=[p.canonical_url for p in items if p.canonical_url],
            guids=[p.article.guid for p in items if p.article.guid],
            content_hashes=[p.content_hash for p in items],
        )
        todo = [p for p in items if (p.canonical_url, p.article.guid, p.content_hash) not in stored]
        if source is not None and source.dedup and todo:
            self._sync_index()
        new = 0
        with ExitStack() as stack:
            fetcher: Fetcher | None = None
            for item in todo:
                if budget > 0 and is_truncated(item.article):
                    budget -= 1
                    if fetcher is None:
                        fetcher = stack.enter_context(Fetcher(self.settings))
                    full = fetch_full_text(fetcher, item.article)
                    if full is not None:
                        item = prepare_item(full, None)
                new += self._save_one(source, item)
        return new

    def enrich_pending(self, *, batch: int = DEFAULT_BATCH, limit: int | None = None) -> int:
        """Run deferred enrichment over pending articles (see `Enricher.run`)."""
        return self.enricher.run(batch=batch, limit=limit)

    # -- one article ---------------------------------------------------------------------

    def _save_one(self, source: Source | None, item: PreparedItem) -> bool:
        sid = source.id if source is not None else None
        art = item.article
        sig = Signature.from_bytes(item.minhash) if item.minhash is not None else None
        if sig is None or source is None or not source.dedup:
            _, created = self.store.articles.save(
                art,
                source_id=sid,
                canonical_url=item.canonical_url,
                content_hash=item.content_hash,
                body_html=item.body_html,
                minhash=item.minhash if source is not None else None,
            )
            return created
        with self._lock:  # match, insert and index together: copies saved at once still link
            match = self._best_match(sig, source.id)
            new_id, created = self.store.articles.save(
                art,
                source_id=sid,
                canonical_url=item.canonical_url,
                content_hash=item.content_hash,
                body_html=item.body_html,
                minhash=item.minhash,
                duplicate_of=match.canonical if match is not None else None,
            )
            if created:
                canonical = match.canonical if match is not None else None
                self._add(new_id, sig, source.id, canonical, utcnow())
                if match is not None:
                    log.info(
                        "article %d is a near duplicate of %d (Jaccard ~%.2f)",
                        new_id,
                        match.canonical,
                        match.similarity,
                    )
        return created

    # -- near-duplicate index ----------------------------------------------------------------

    def _best_match(self, sig: Signature, source_id: int) -> Match | None:
        """The best indexed match from another source whose near-duplicate switch is on now
        (the switch may have been turned off since the story was indexed)."""
        assert self._index is not None
        switch: dict[int, bool] = {}
        for match in self._index.matches(sig, source=source_id):
            entry_source = self._index.source_of(match.key)
            if entry_source is None:
                return match
            if entry_source not in switch:
                try:
                    switch[entry_source] = self.store.sources.get(entry_source).dedup
                except NotFoundError:
                    switch[entry_source] = False
            if switch[entry_source]:
                return match
        return None

    def _sync_index(self) -> None:
        """Load signatures stored since the last look (by this or any other process) and
        forget stories older than the window."""
        with self._lock:
            window = timedelta(days=self.settings.dedup_window_days)
            since = utcnow() - window
            if self._index is None:
                self._index = DuplicateIndex()
            for row in self.store.articles.signatures(since=since, after_id=self._indexed_upto):
                self._indexed_upto = max(self._indexed_upto, row.id)
                if row.id in self._index:
                    continue
                try:
                    sig = Signature.from_bytes(row.minhash)
                except ValueError:
                    continue
                self._add(row.id, sig, row.source_id, row.duplicate_of, row.fetched_at)
            stale = []
            while self._ages and self._ages[0][0] < since:
                stale.append(self._ages.popleft()[1])
            self._index.remove(stale)

    def _add(
        self,
        key: int,
        sig: Signature,
        source_id: int | None,
        canonical: int | None,
        fetched_at: datetime,
    ) -> None:
        assert self._index is not None
        self._index.add(key, sig, source=source_id, canonical=canonical)
        self._ages.append((fetched_at, key))


def _bodies_for(articles: Sequence[Article], bodies: Bodies) -> list[str | None]:
    """The HTML body of each article, looked up on the objects passed in (before any copy)."""
    if isinstance(bodies, Mapping):
        return [bodies.get(id(a)) for a in articles]
    given = list(bodies)
    return [given[i] if i < len(given) else None for i in range(len(articles))]
