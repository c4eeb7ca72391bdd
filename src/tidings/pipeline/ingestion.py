"""ingest → extract → enrich → store, one source at a time, one article per transaction.

A source that fails is recorded (fetch log, last error, backoff) and the batch goes on."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from tidings.core import (
    Article,
    Image,
    InvalidInputError,
    Settings,
    Source,
    SourceKind,
    TidingsError,
)
from tidings.core.text import utcnow
from tidings.enrich.entities import EntityExtractor
from tidings.extract import (
    decode_text,
    extract_html,
    extract_text_dump,
)
from tidings.extract.fragment import fragment_paragraphs
from tidings.ingest import (
    FeedEntry,
    Fetcher,
    FetchResult,
    FetchStatusError,
    local_path,
    parse_feed,
    sniff_kind,
    source_location,
)
from tidings.pipeline.saving import ArticleSaver
from tidings.store import FetchRecord, Store

log = logging.getLogger(__name__)


@dataclass
class SourceResult:
    source: Source
    items_seen: int = 0
    items_new: int = 0
    error: str | None = None
    not_modified: bool = False


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
        (fetched once); a source that cannot be fetched is refused with the reason."""
        url = source_location(ref)
        existing = self.store.sources.find_by_url(url)
        if existing is not None:
            raise InvalidInputError(f"already a source: {url} (id {existing.id})")
        with Fetcher(self.settings) as fetcher:
            result = fetcher.fetch(url)
        kind = sniff_kind(result.content, url, result.content_type)
        if kind is SourceKind.FEED:
            parsed = parse_feed(result.content, result.url, result.content_type)
            title = title or parsed.title
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
        todo = list(sources) if sources is not None else self.store.sources.due(now)
        summary = RefreshSummary()
        with Fetcher(self.settings) as fetcher:
            for source in todo:
                result = self.refresh_source(source, fetcher)
                summary.results.append(result)
                if on_source is not None:
                    on_source(result)
        return summary

    def refresh_source(self, source: Source, fetcher: Fetcher) -> SourceResult:
        result = SourceResult(source=source)
        started = utcnow()
        t0 = time.monotonic()
        status: int | None = None
        size: int | None = None
        try:
            fetched = fetcher.fetch(
                source.url, etag=source.etag, last_modified=source.last_modified
            )
            status, size = fetched.status, len(fetched.content)
            title = site = None
            if fetched.not_modified:
                result.not_modified = True
            else:
                title, site = self._ingest(source, fetched, result)
            self.store.sources.record_success(
                source.id,
                FetchRecord(
                    source_id=source.id,
                    at=started,
                    url=source.url,
                    status=status,
                    bytes=size,
                    duration_ms=int((time.monotonic() - t0) * 1000),
                    items_seen=result.items_seen,
                    items_new=result.items_new,
                    error=None,
                ),
                etag=fetched.etag,
                last_modified=fetched.last_modified,
                title=title,
                site_url=site,
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
            self.store.sources.record_failure(
                source.id,
                FetchRecord(
                    source_id=source.id,
                    at=started,
                    url=source.url,
                    status=status,
                    bytes=size,
                    duration_ms=int((time.monotonic() - t0) * 1000),
                    items_seen=result.items_seen,
                    items_new=result.items_new,
                    error=result.error,
                ),
            )
        return result

    def _ingest(
        self, source: Source, fetched: FetchResult, result: SourceResult
    ) -> tuple[str | None, str | None]:
        if source.kind is SourceKind.FEED:
            parsed = parse_feed(fetched.content, fetched.url, fetched.content_type)
            articles = [_entry_article(e, parsed.title) for e in parsed.entries]
            result.items_seen = len(articles)
            bodies = {id(a): html for a, html in articles}
            result.items_new = self.saver.save(source, [a for a, _ in articles], bodies)
            return parsed.title, parsed.site_url
        is_file = local_path(fetched.url) is not None
        page_url = None if is_file else fetched.url
        if source.kind is SourceKind.PAGE:
            article = extract_html(fetched.content, page_url)
        else:
            article = extract_text_dump(decode_text(fetched.content), page_url)
        if is_file and article.guid is None:
            article = replace(article, guid=fetched.url)
        result.items_seen = 1
        result.items_new = self.saver.save(source, [article], {})
        return None, None

    def save_articles(self, source: Source | None, articles: Sequence[Article]) -> int:
        """Store already extracted articles (demo content, imports)."""
        return self.saver.save(source, articles, {})


def _entry_article(entry: FeedEntry, publisher: str | None) -> tuple[Article, str | None]:
    content = entry.content_html or entry.summary_html or ""
    paragraphs = fragment_paragraphs(content)
    standfirst: tuple[str, ...] = ()
    if entry.content_html and entry.summary_html:
        summary = " ".join(fragment_paragraphs(entry.summary_html))
        if (
            summary
            and len(summary) < 600
            and not (paragraphs and paragraphs[0].startswith(summary[:60]))
        ):
            standfirst = (summary,)
    images = (Image(url=entry.image_url),) if entry.image_url else ()
    article = Article(
        title=entry.title,
        body_paragraphs=tuple(paragraphs),
        url=entry.link,
        guid=entry.guid,
        standfirst=standfirst,
        byline=entry.author,
        published=entry.published,
        publisher=publisher,
        topics=entry.tags,
        images=images,
    )
    return article, content or None
