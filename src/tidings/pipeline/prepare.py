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
import re
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, fields, is_dataclass, replace
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


MAX_ITEM_HTML = 512 * 1024  # characters of one item's HTML body kept as markup
MAX_ITEM_TAGS = 20_000  # tags in one item's HTML body kept as markup


def content_hash(article: Article) -> str:
    """Same title and same text, whitespace and case aside."""
    basis = normalise_key(article.title) + "\n" + " ".join(article.body_text.split()).casefold()
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


def prepare_item(article: Article, body_html: str | None) -> PreparedItem:
    """Sanitise, hash and sign one article (`body_html`: the feed's HTML body, if any)."""
    article = without_nul(article)
    if body_html is not None:
        body_html = clean_text(body_html)
    if body_html is not None and (
        len(body_html) > MAX_ITEM_HTML or body_html.count("<") > MAX_ITEM_TAGS
    ):
        # far beyond any article's markup (the sanitiser's time grows with the square of the
        # nesting depth): keep the text, rebuilt as plain paragraphs
        body_html = None
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
            items = tuple(
                item
                for e in parsed.entries
                if (item := _prepare_entry(e, parsed.title, url)) is not None
            )
            published = tuple(e.published for e in parsed.entries if e.published is not None)
            title = clean_text(parsed.title) if parsed.title else None
            site = clean_text(parsed.site_url) if parsed.site_url else None
            return Prepared(items, title, site, published)
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
        return Prepared(error=clean_text(exc.message))


def _prepare_entry(entry: FeedEntry, publisher: str | None, url: str) -> PreparedItem | None:
    """One feed item; an item that cannot be prepared is logged and left out, so it never
    costs the other items of its feed."""
    try:
        return prepare_item(*entry_article(entry, publisher))
    except Exception:
        log.exception("left out an item of %s that could not be prepared", url)
        return None


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


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL (PostgreSQL refuses it), lone surrogates


def clean_text(value: str) -> str:
    """`value` without NUL characters and with lone surrogates (which cannot be encoded, and
    which JSON can smuggle in as `\\ud800`) replaced by U+FFFD."""
    if not _UNSTORABLE.search(value):
        return value
    return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", value)


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, tuple):
        return tuple(_cleaned(v) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: new
            for f in fields(value)
            if (new := _cleaned(old := getattr(value, f.name))) is not old
        }
        return replace(value, **changes) if changes else value
    return value


def without_nul(art: Article) -> Article:
    """The article with every text field storable: PostgreSQL text cannot hold NUL, UTF-8
    cannot hold lone surrogates; neither carries meaning in news text."""
    cleaned: Article = _cleaned(art)
    return cleaned


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
