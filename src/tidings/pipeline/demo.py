"""Bundled demo content: Wikinews articles (CC BY 2.5) and, when the shared data folder is
present, the seed page as a local text-dump source. Plus a demo reader with a few follows."""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from importlib import resources

from tidings.core import Article, ConflictError, FollowKind, Reader, SourceKind
from tidings.pipeline.ingestion import Pipeline

log = logging.getLogger(__name__)

WIKINEWS_SOURCE_URL = "https://en.wikinews.org/"
WIKINEWS_NOTICE = (
    "Demo stories from Wikinews (https://en.wikinews.org), by Wikinews contributors, licensed "
    "under CC BY 2.5 (https://creativecommons.org/licenses/by/2.5/); stories from 2004–2005 "
    "are public domain. Text converted to plain text; each story links to its original page."
)
DEMO_READER = "Demo reader"
DEMO_FOLLOWS: tuple[tuple[FollowKind, str], ...] = (
    (FollowKind.TOPIC, "Afghanistan"),
    (FollowKind.ENTITY, "Wang Yi"),
    (FollowKind.TOPIC, "Science and technology"),
    (FollowKind.ENTITY, "SpaceX"),
    (FollowKind.ENTITY, "China"),
)


def wikinews_articles() -> Iterator[Article]:
    data = resources.files("tidings.demo").joinpath("wikinews-articles.jsonl.gz").read_bytes()
    for line in gzip.decompress(data).decode("utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        published = datetime.fromisoformat(row["published"]).replace(hour=12, tzinfo=UTC)
        yield Article(
            title=row["title"],
            body_paragraphs=tuple(p.strip() for p in row["text"].split("\n\n") if p.strip()),
            url=row["url"],
            guid=row["id"],
            published=published,
            publisher="Wikinews",
            topics=tuple(row.get("categories") or ()),
            language="en",
            licence=(
                "Public domain (Wikinews)"
                if row["id"].startswith("wnsum-")
                else "Wikinews contributors, CC BY 2.5; converted to plain text"
            ),
        )


def load_demo(
    pipeline: Pipeline, *, progress: Callable[[str], None] | None = None, enrich: bool = True
) -> dict[str, int]:
    """Load demo content into an empty database (idempotent: a second call adds nothing).

    `enrich=False` leaves entity extraction pending, for a caller that runs
    `pipeline.enrich_pending()` itself (the server does it in the background)."""
    store = pipeline.store
    say = progress or (lambda _msg: None)
    counts = {"articles": 0, "sources": 0}
    wiki = store.sources.find_by_url(WIKINEWS_SOURCE_URL)
    if wiki is None:
        wiki = store.sources.add(
            WIKINEWS_SOURCE_URL,
            SourceKind.FEED,
            title="Wikinews (demo content)",
            site_url="https://en.wikinews.org/",
            folder="Demo",
            active=False,  # bundled snapshot: never polled
        )
        counts["sources"] += 1
    say("loading Wikinews demo articles")
    counts["articles"] += pipeline.save_articles(wiki, list(wikinews_articles()))
    seed = pipeline.settings.shared_data / "seed" / "scmp-afghanistan.txt"
    if seed.is_file():
        url = seed.resolve().as_uri()
        source = store.sources.find_by_url(url)
        if source is None:
            source = store.sources.add(
                url, SourceKind.TEXT, title="South China Morning Post (seed page)", folder="Demo"
            )
            counts["sources"] += 1
        say("loading the seed page")
        summary = pipeline.refresh([source])
        counts["articles"] += summary.items_new
    else:
        log.info("seed page not found at %s; demo runs without it", seed)
    if enrich:
        say("finding people, organisations and places")
        pipeline.enrich_pending()
    ensure_demo_reader(pipeline)
    return counts


def ensure_demo_reader(pipeline: Pipeline) -> Reader:
    store = pipeline.store
    try:
        reader = store.readers.create(DEMO_READER)
    except ConflictError:
        return store.readers.find(DEMO_READER)
    for kind, value in DEMO_FOLLOWS:
        store.readers.follow(reader.id, kind, value)
    return reader
