"""ingest → extract → enrich → store: sources fetched several at a time, then parsed, saved
and recorded one at a time in the calling thread, one article per transaction.

Every attempt is logged (status, bytes, timing, error) and schedules the next poll politely
(`tidings.ingest.polling`): posting rate and cache headers after a success, Retry-After after
429/503, backoff with jitter after other errors. 410, or 404 three times in a row, marks the
source dead; 301/308 move it to its new URL. A source that fails is recorded and the batch goes
on."""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from tidings.core import (
    Article,
    ConflictError,
    ExtractError,
    IngestError,
    InvalidInputError,
    Settings,
    Source,
    SourceKind,
    TidingsError,
)
from tidings.core.text import utcnow
from tidings.enrich.entities import EntityExtractor
from tidings.ingest import (
    Fetcher,
    FetchResult,
    FetchStatusError,
    local_path,
    parse_feed,
    sniff_kind,
    source_location,
)
from tidings.ingest.polling import (
    backoff_s,
    clamp,
    freshness_s,
    posting_interval_s,
    retry_after_s,
    success_delay_s,
)
from tidings.pipeline.prepare import Prepared, PreparePool, clean_text, prepare
from tidings.pipeline.saving import ArticleSaver
from tidings.store import FetchRecord, Store

log = logging.getLogger(__name__)

DEAD_AFTER_404 = 3  # "not found" this many times in a row: the source is dead


@dataclass
class SourceResult:
    source: Source
    items_seen: int = 0
    items_new: int = 0
    error: str | None = None
    not_modified: bool = False
    status: int | None = None  # HTTP status of the answer (None: no answer)
    dead: bool = False  # gone (410, or 404 repeated): no longer polled
    moved_to: str | None = None  # the source's new URL after a permanent redirect
    next_poll_at: datetime | None = None
    published: list[datetime] = field(default_factory=list, repr=False)  # items' dates


@dataclass
class _Attempt:
    """What fetching one source gave: the response or the error, and when."""

    started: datetime
    duration_ms: int
    fetched: FetchResult | None = None
    error: Exception | None = None
    prepared: Prepared | None = None  # parsed and prepared in a worker process


@dataclass
class RefreshSummary:
    results: list[SourceResult] = field(default_factory=list)

    @property
    def sources_ok(self) -> int:
        return sum(1 for r in self.results if r.error is None)

    @property
    def sources_failed(self) -> int:
        return sum(1 for r in self.results if r.error is not None)

    @property
    def items_new(self) -> int:
        return sum(r.items_new for r in self.results)

    @property
    def items_seen(self) -> int:
        return sum(r.items_seen for r in self.results)


class Pipeline:
    """Wires the stages for one store. Create one per process (the NER model loads lazily)."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        entities: EntityExtractor | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.entities = entities if entities is not None else EntityExtractor()
        self.saver = ArticleSaver(store, settings, self.entities)

    # -- sources -------------------------------------------------------------------------

    def add_source(
        self, ref: str, *, folder: str | None = None, title: str | None = None
    ) -> Source:
        """Add a feed URL, a page URL or a local file. The kind is sniffed from the content
        (fetched once); a source that cannot be fetched is refused with the reason. A URL that
        redirects permanently is stored as its new URL. Adding a dead source again revives it
        when it can be fetched again."""
        url = source_location(ref)
        existing = self.store.sources.find_by_url(url)
        if existing is not None and not existing.dead:
            raise InvalidInputError(f"already a source: {url} (id {existing.id})")
        with Fetcher(self.settings) as fetcher:
            result = fetcher.fetch(url)
        if existing is not None:
            self.store.sources.set_active(existing.id, True)
            return self.store.sources.get(existing.id)
        if result.moved_to and result.moved_to != url:
            moved = self.store.sources.find_by_url(result.moved_to)
            if moved is not None:
                raise InvalidInputError(
                    f"already a source: {url} moved to {result.moved_to} (id {moved.id})"
                )
            url = result.moved_to
        kind = sniff_kind(result.content, url, result.content_type)
        if kind is SourceKind.FEED:
            parsed = parse_feed(result.content, result.url, result.content_type)
            title = title or (clean_text(parsed.title) if parsed.title else None)
        return self.store.sources.add(
            url, kind, title=title, folder=folder, poll_interval_s=self.settings.poll_interval_s
        )

    # -- refresh -------------------------------------------------------------------------

    def refresh(
        self,
        sources: Sequence[Source] | None = None,
        *,
        on_source: Callable[[SourceResult], None] | None = None,
        now: datetime | None = None,
    ) -> RefreshSummary:
        """Poll `sources` (by default the due ones). Up to `fetch_concurrency` fetches run at
        once (at most `fetch_per_host` to one host); each answer is parsed, saved and recorded
        in this thread as it arrives, and `on_source` is called with its result. The summary
        lists the results in the order of `sources`."""
        todo = list(sources) if sources is not None else self.store.sources.due(now)
        if not todo:
            return RefreshSummary()
        results: list[SourceResult | None] = [None] * len(todo)
        workers = min(self.settings.fetch_concurrency, len(todo))
        queue = deque(_spread_hosts(list(enumerate(todo))))
        with (
            Fetcher(self.settings) as fetcher,
            self._prepare_pool(len(todo)) as preparer,
            ThreadPoolExecutor(workers, thread_name_prefix="tidings-fetch") as pool,
        ):
            pending: dict[Future[_Attempt], tuple[int, Source]] = {}
            while queue or pending:
                # a bounded window: answers never pile up faster than they are saved
                while queue and len(pending) < 2 * workers:
                    index, source = queue.popleft()
                    pending[pool.submit(self._fetch, source, fetcher, preparer)] = (index, source)
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    index, source = pending.pop(future)
                    result = self._finish(source, future.result())
                    results[index] = result
                    if on_source is not None:
                        on_source(result)
        return RefreshSummary([r for r in results if r is not None])

    def refresh_source(self, source: Source, fetcher: Fetcher) -> SourceResult:
        """Fetch, ingest and record one source."""
        return self._finish(source, self._fetch(source, fetcher))

    def _prepare_pool(self, sources: int) -> PreparePool:
        workers = self.settings.prepare_workers or (os.cpu_count() or 1)
        if sources < self.settings.prepare_pool_min_sources:
            workers = 1
        return PreparePool(workers)

    def _fetch(
        self, source: Source, fetcher: Fetcher, preparer: PreparePool | None = None
    ) -> _Attempt:
        """The network part of one poll (runs in a worker thread; never raises). With a pool
        of worker processes, the document is also parsed and prepared there."""
        started = utcnow()
        t0 = time.monotonic()
        try:
            fetched = fetcher.fetch(
                source.url, etag=source.etag, last_modified=source.last_modified
            )
        except Exception as exc:
            return _Attempt(started, int((time.monotonic() - t0) * 1000), error=exc)
        attempt = _Attempt(started, int((time.monotonic() - t0) * 1000), fetched=fetched)
        if preparer is not None and preparer.ready and not fetched.not_modified:
            try:
                attempt.prepared = preparer.submit(
                    source.kind,
                    fetched.content,
                    fetched.url,
                    fetched.content_type,
                    local_path(fetched.url) is not None,
                ).result()
            except Exception:  # a crashed worker: prepare in the main thread instead
                log.exception("preparing source %s in a worker process failed", source.id)
        return attempt

    def _finish(self, source: Source, attempt: _Attempt) -> SourceResult:
        """Ingest what was fetched, log the attempt and schedule the next poll."""
        result = SourceResult(source=source)
        status: int | None = None
        size: int | None = None
        try:
            current = self.store.sources.get(source.id)  # fresh polling state
            if attempt.error is not None:
                raise attempt.error
            fetched = attempt.fetched
            assert fetched is not None
            status, size = fetched.status, len(fetched.content)
            result.status = status
            title = site = None
            note = self._follow_move(current, fetched, result)
            if fetched.not_modified:
                result.not_modified = True
            elif note is None:  # (moved onto another source: that one takes the items)
                title, site = self._ingest(source, attempt, result)
            interval, result.next_poll_at = self._after_success(current, fetched, result, attempt)
            self.store.sources.record_success(
                source.id,
                self._log_record(source, attempt, result, status, size),
                etag=fetched.etag,
                last_modified=fetched.last_modified,
                title=title,
                site_url=site,
                next_poll_at=result.next_poll_at,
                poll_interval_s=interval,
                note=note,
            )
        except Exception as exc:  # one bad source never stops the batch
            if isinstance(exc, TidingsError):
                result.error = exc.message
                log.warning("source %s (%s) failed: %s", source.id, source.url, exc.message)
            else:
                result.error = f"internal error while processing this source: {type(exc).__name__}"
                log.exception("source %s (%s) failed unexpectedly", source.id, source.url)
            if isinstance(exc, FetchStatusError):
                status = exc.http_status
            result.status = status
            result.error = clean_text(result.error)
            try:
                self._after_failure(source, attempt, result, exc, size)
            except Exception:  # recording must never stop the batch either
                log.exception("could not record the failure of source %s", source.id)
        return result

    def _log_record(
        self,
        source: Source,
        attempt: _Attempt,
        result: SourceResult,
        status: int | None,
        size: int | None,
    ) -> FetchRecord:
        return FetchRecord(
            source_id=source.id,
            at=attempt.started,
            url=source.url,
            status=status,
            bytes=size,
            duration_ms=attempt.duration_ms,
            items_seen=result.items_seen,
            items_new=result.items_new,
            error=result.error,
        )

    def _follow_move(
        self, source: Source, fetched: FetchResult, result: SourceResult
    ) -> str | None:
        """After a permanent redirect the source takes its new URL, unless another source
        already has it: then that is noted on the source."""
        new = fetched.moved_to
        if not new or new == source.url:
            return None
        other = self.store.sources.find_by_url(new)
        if other is not None:
            return f"moved permanently to {new}, which is already source {other.id}"
        try:
            self.store.sources.change_url(source.id, new)
        except ConflictError as exc:
            return exc.message
        log.info("source %s moved permanently: %s -> %s", source.id, source.url, new)
        result.moved_to = new
        return None

    def _after_success(
        self, source: Source, fetched: FetchResult, result: SourceResult, attempt: _Attempt
    ) -> tuple[int, datetime]:
        """The source's poll interval (from its posting rate) and its next poll time."""
        lo, hi = self.settings.poll_min_interval_s, self.settings.poll_max_interval_s
        at = attempt.started
        interval = posting_interval_s(result.published, at, minimum=lo, maximum=hi)
        if interval is None:
            interval = clamp(source.poll_interval_s, lo, hi)
        fresh = freshness_s(fetched.cache_control, fetched.expires, fetched.date, at, fetched.age)
        delay = success_delay_s(interval, fresh, minimum=lo, maximum=hi)
        return round(interval), at + timedelta(seconds=delay)

    def _after_failure(
        self,
        source: Source,
        attempt: _Attempt,
        result: SourceResult,
        exc: Exception,
        size: int | None,
    ) -> None:
        """Log a failed attempt: 410 or repeated 404 mark the source dead, 429/503 wait as
        long as Retry-After asks, anything else backs off exponentially with jitter."""
        settings = self.settings
        record = self._log_record(source, attempt, result, result.status, size)
        try:
            current = self.store.sources.get(source.id)
        except TidingsError:
            return  # removed while it was being fetched
        reason = None
        if result.status == 410:
            result.dead = True
            reason = f"{result.error}; the source is gone and is no longer polled"
        elif result.status == 404:
            earlier = self.store.sources.fetch_log(source.id, limit=DEAD_AFTER_404 - 1)
            if len(earlier) == DEAD_AFTER_404 - 1 and all(r.status == 404 for r in earlier):
                result.dead = True
                reason = (
                    f"{result.error}; not found {DEAD_AFTER_404} times in a row, the source "
                    "is no longer polled"
                )
        wait_s = None
        if isinstance(exc, FetchStatusError) and exc.http_status in (429, 503):
            wait_s = retry_after_s(exc.retry_after, attempt.started)
        if wait_s is not None:
            delay = clamp(wait_s, settings.poll_min_interval_s, settings.poll_max_interval_s)
        else:
            base = max(current.poll_interval_s, settings.poll_min_interval_s)
            delay = backoff_s(current.error_count + 1, base, cap=settings.poll_max_interval_s)
        result.next_poll_at = None if result.dead else attempt.started + timedelta(seconds=delay)
        self.store.sources.record_failure(
            source.id, record, next_poll_at=result.next_poll_at, dead=result.dead, reason=reason
        )

    def _ingest(
        self, source: Source, attempt: _Attempt, result: SourceResult
    ) -> tuple[str | None, str | None]:
        fetched = attempt.fetched
        assert fetched is not None
        prepared = attempt.prepared
        if prepared is None:
            is_file = local_path(fetched.url) is not None
            prepared = prepare(
                source.kind, fetched.content, fetched.url, fetched.content_type, is_file=is_file
            )
        if prepared.error is not None:
            raise (IngestError if source.kind is SourceKind.FEED else ExtractError)(prepared.error)
        result.items_seen = len(prepared.items)
        result.published = list(prepared.published)
        result.items_new = self.saver.save_prepared(
            source, prepared.items, full_text=source.kind is SourceKind.FEED
        )
        return prepared.title, prepared.site_url

    def save_articles(self, source: Source | None, articles: Sequence[Article]) -> int:
        """Store already extracted articles (demo content, imports)."""
        return self.saver.save(source, articles, {})

    def enrich_pending(self, *, batch: int = 64, limit: int | None = None) -> int:
        """Enrich articles saved since the last run (entities); see pipeline/enrichment.py."""
        return self.saver.enrich_pending(batch=batch, limit=limit)


def _spread_hosts(items: list[tuple[int, Source]]) -> list[tuple[int, Source]]:
    """Sources in round-robin order of their hosts, so the per-host limit seldom holds a
    worker idle while other hosts wait."""
    by_host: dict[str, deque[tuple[int, Source]]] = {}
    for item in items:
        by_host.setdefault(urlsplit(item[1].url).hostname or "", deque()).append(item)
    spread: list[tuple[int, Source]] = []
    while by_host:
        for host in list(by_host):
            spread.append(by_host[host].popleft())
            if not by_host[host]:
                del by_host[host]
    return spread
