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

import hashlib
import logging
import threading
from collections import deque
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from tidings.core import Article, NotFoundError, Settings, Source
from tidings.core.text import normalise_key, utcnow
from tidings.enrich.dedup import DuplicateIndex, Match, Signature, signature
from tidings.enrich.entities import EntityExtractor
from tidings.extract import paragraphs_to_html, sanitize_html
from tidings.ingest import Fetcher, canonical_url
from tidings.pipeline.enrichment import DEFAULT_BATCH, Enricher
from tidings.pipeline.fulltext import fetch_full_text, is_truncated
from tidings.store import Store

log = logging.getLogger(__name__)

Bodies = Mapping[int, str | None] | Sequence[str | None]


def content_hash(article: Article) -> str:
    basis = normalise_key(article.title) + "\n" + " ".join(article.body_text.split()).casefold()
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


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
        budget = (
            self.settings.full_text_per_source
            if full_text and self.settings.fetch_full_text and source is not None
            else 0
        )
        sid = source.id if source is not None else None
        todo = [
            _Pending(art, body, canonical_url(art.url) if art.url else None, content_hash(art))
            for art, body in zip(
                (_without_nul(a) for a in articles), _bodies_for(articles, bodies), strict=True
            )
        ]
        stored = self.store.articles.stored_keys(
            source_id=sid,
            canonical_urls=[p.canon for p in todo if p.canon],
            guids=[p.article.guid for p in todo if p.article.guid],
            content_hashes=[p.chash for p in todo],
        )
        todo = [p for p in todo if (p.canon, p.article.guid, p.chash) not in stored]
        if source is not None and source.dedup and todo:
            self._sync_index()
        new = 0
        with ExitStack() as stack:
            fetcher: Fetcher | None = None
            for item in todo:
                art, body, chash = item.article, item.body, item.chash
                if budget > 0 and is_truncated(art):
                    budget -= 1
                    if fetcher is None:
                        fetcher = stack.enter_context(Fetcher(self.settings))
                    full = fetch_full_text(fetcher, art)
                    if full is not None:
                        art, body = _without_nul(full), None
                        chash = content_hash(art)
                new += self._save_one(source, art, body, item.canon, chash)
        return new

    def enrich_pending(self, *, batch: int = DEFAULT_BATCH, limit: int | None = None) -> int:
        """Run deferred enrichment over pending articles (see `Enricher.run`)."""
        return self.enricher.run(batch=batch, limit=limit)

    # -- one article ---------------------------------------------------------------------

    def _save_one(
        self, source: Source | None, art: Article, body: str | None, canon: str | None, chash: str
    ) -> bool:
        sid = source.id if source is not None else None
        body_html = sanitize_html(body or paragraphs_to_html(art.body_paragraphs))
        sig = signature(art.body_text) if source is not None else None
        if sig is None or source is None or not source.dedup:
            _, created = self.store.articles.save(
                art,
                source_id=sid,
                canonical_url=canon,
                content_hash=chash,
                body_html=body_html,
                minhash=sig.to_bytes() if sig is not None else None,
            )
            return created
        with self._lock:  # match, insert and index together: copies saved at once still link
            match = self._best_match(sig, source.id)
            new_id, created = self.store.articles.save(
                art,
                source_id=sid,
                canonical_url=canon,
                content_hash=chash,
                body_html=body_html,
                minhash=sig.to_bytes(),
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


@dataclass(frozen=True, slots=True)
class _Pending:
    article: Article
    body: str | None
    canon: str | None
    chash: str


def _bodies_for(articles: Sequence[Article], bodies: Bodies) -> list[str | None]:
    """The HTML body of each article, looked up on the objects passed in (before any copy)."""
    if isinstance(bodies, Mapping):
        return [bodies.get(id(a)) for a in articles]
    given = list(bodies)
    return [given[i] if i < len(given) else None for i in range(len(articles))]


def _without_nul(art: Article) -> Article:
    """PostgreSQL text cannot hold NUL characters; they carry no meaning in news text."""
    if "\x00" not in art.title + art.body_text + "".join(art.standfirst) + (art.byline or ""):
        return art
    return replace(
        art,
        title=art.title.replace("\x00", ""),
        body_paragraphs=tuple(p.replace("\x00", "") for p in art.body_paragraphs),
        standfirst=tuple(p.replace("\x00", "") for p in art.standfirst),
        byline=art.byline.replace("\x00", "") if art.byline else None,
    )
