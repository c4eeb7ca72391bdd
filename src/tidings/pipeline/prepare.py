"""The CPU-bound part of ingesting one fetched document, as a pure function.

`prepare` turns the bytes of a feed, page or text dump into articles ready to store: parsed,
extracted, sanitised, hashed (content hash, canonical URL) and signed (MinHash). It touches
no database and no network, so a refresh can run it in worker processes (`PreparePool`) while
the calling thread stores what earlier sources gave: on a machine with several cores the
parsing of one feed overlaps the saving of another.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from tidings.core import Article, Image, SourceKind, TidingsError
from tidings.core.text import normalise_key
from tidings.enrich.dedup import permutations, signature, use_permutations
from tidings.extract.fragment import fragment_paragraphs
from tidings.extract.sanitize import paragraphs_to_html, sanitize_html
from tidings.ingest import FeedEntry, canonical_url, parse_feed

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PreparedItem:
    """One article ready to store. `minhash` is None for texts too short to sign."""

    article: Article
    body_html: str  # sanitised
    canonical_url: str | None
    content_hash: str
    minhash: bytes | None


@dataclass(frozen=True, slots=True)
class Prepared:
    """What one fetched document gave: its items, or the error that stopped it."""

    items: tuple[PreparedItem, ...] = ()
    title: str | None = None  # the feed's own title and site, to keep on the source
    site_url: str | None = None
    published: tuple[datetime, ...] = field(default=())  # item dates, for the poll interval
    error: str | None = None  # a clear message (a TidingsError's), never a traceback


def content_hash(article: Article) -> str:
    """Same title and same text, whitespace and case aside."""
    basis = normalise_key(article.title) + "\n" + " ".join(article.body_text.split()).casefold()
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


def prepare_item(article: Article, body_html: str | None) -> PreparedItem:
    """Sanitise, hash and sign one article (`body_html`: the feed's HTML body, if any)."""
    article = without_nul(article)
    body = sanitize_html(body_html or paragraphs_to_html(article.body_paragraphs))
    sig = signature(article.body_text)
    return PreparedItem(
        article=article,
        body_html=body,
        canonical_url=canonical_url(article.url) if article.url else None,
        content_hash=content_hash(article),
        minhash=sig.to_bytes() if sig is not None else None,
    )


def prepare(
    kind: SourceKind, content: bytes, url: str, content_type: str | None, *, is_file: bool
) -> Prepared:
    """Parse and prepare a fetched document. Errors come back as `Prepared.error`."""
    try:
        if kind is SourceKind.FEED:
            parsed = parse_feed(content, url, content_type)
            items = tuple(prepare_item(*entry_article(e, parsed.title)) for e in parsed.entries)
            published = tuple(e.published for e in parsed.entries if e.published is not None)
            return Prepared(items, parsed.title, parsed.site_url, published)
        # page and text-dump extraction load their (heavier) modules only when needed
        from tidings.extract import decode_text, extract_html, extract_text_dump

        page_url = None if is_file else url
        if kind is SourceKind.PAGE:
            article = extract_html(content, page_url)
        else:
            article = extract_text_dump(decode_text(content), page_url)
        if is_file and article.guid is None:
            article = replace(article, guid=url)
        return Prepared((prepare_item(article, None),))
    except TidingsError as exc:
        return Prepared(error=exc.message)


def entry_article(entry: FeedEntry, publisher: str | None) -> tuple[Article, str | None]:
    """A feed item as an Article, with the item's HTML body (or None)."""
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


def without_nul(art: Article) -> Article:
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


def _init_worker(perms: tuple[Any, Any]) -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    use_permutations(perms)


def _warm_up() -> None:
    """Load what parsing a feed needs, before the first document arrives."""
    signature("warm up " * 40)
    parse_feed(b'<rss version="2.0"><channel><item><title>t</title></item></channel></rss>', "")


class PreparePool:
    """Worker processes that run `prepare`. `workers <= 1` runs it in the calling thread.

    The workers start in the background (about a second to import the parsers); until every
    one of them is `ready`, callers should prepare documents themselves rather than wait."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._warming: list[Future[None]] = []
        if workers > 1:
            # spawn, not fork: the refresh has fetch threads (and their locks) running
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                workers, mp_context=context, initializer=_init_worker, initargs=(permutations(),)
            )
            self._warming = [self._pool.submit(_warm_up) for _ in range(workers)]

    @property
    def ready(self) -> bool:
        """True once the worker processes can take documents without a start-up wait."""
        return self._pool is not None and all(f.done() for f in self._warming)

    def submit(
        self, kind: SourceKind, content: bytes, url: str, content_type: str | None, is_file: bool
    ) -> Future[Prepared]:
        if self._pool is None:
            future: Future[Prepared] = Future()
            future.set_result(prepare(kind, content, url, content_type, is_file=is_file))
            return future
        return self._pool.submit(prepare, kind, content, url, content_type, is_file=is_file)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> PreparePool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
