"""Browser test fixtures: one server and one headless Chromium per session. The SQLite store
holds the seed page (ingested through the real pipeline as a local text dump), a second
source's report of the same event, 20 Wikinews demo stories, all enriched, and "Demo reader",
who follows the topic Afghanistan."""

from __future__ import annotations

import itertools
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from browserkit import Site
from playwright.sync_api import Browser, Page, sync_playwright

from seedstory import COMPANION_TITLE, companion_article
from support import SEED, SEED_TITLE, SHARED, require
from tidings.app import create_app
from tidings.core import Article, FollowKind, Settings, SourceKind
from tidings.enrich.entities import EntityExtractor
from tidings.pipeline import DEMO_READER, Pipeline, wikinews_articles
from tidings.store import Store

CHROMIUM = "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _build_store(url: str, entities: EntityExtractor) -> tuple[Store, dict[str, int]]:
    settings = Settings(database_url=url, shared_data=SHARED, fetch_timeout_s=5.0)
    store = Store.open(url)
    pipeline = Pipeline(store, settings, entities=entities)
    store.sources.add(SEED.resolve().as_uri(), SourceKind.TEXT, title="South China Morning Post")
    assert pipeline.refresh().items_new == 1
    wire = store.sources.add(
        "https://wire.example.org/feed", SourceKind.FEED, title="Example Wire", active=False
    )
    assert pipeline.save_articles(wire, [companion_article()]) == 1
    wiki = store.sources.add(
        "https://en.wikinews.org/", SourceKind.FEED, title="Wikinews (demo content)", active=False
    )
    stories: list[Article] = list(itertools.islice(wikinews_articles(), 20))
    assert pipeline.save_articles(wiki, stories) == 20
    pipeline.enrich_pending()
    reader = store.readers.create(DEMO_READER)
    store.readers.follow(reader.id, FollowKind.TOPIC, "Afghanistan")
    ids: dict[str, int] = {}
    for stored in store.articles.recent(100):
        title, licence = stored.article.title, stored.article.licence or ""
        if title == SEED_TITLE:
            ids["seed"] = stored.id
        elif title == COMPANION_TITLE:
            ids["companion"] = stored.id
        elif licence.startswith("Public domain") and "pd" not in ids:
            ids["pd"] = stored.id
        elif "CC BY 2.5" in licence:
            ids["ccby"] = stored.id
    assert set(ids) == {"seed", "companion", "pd", "ccby"}, ids
    return store, ids


@pytest.fixture(scope="session")
def site(
    tmp_path_factory: pytest.TempPathFactory, entity_extractor: EntityExtractor
) -> Iterator[Site]:
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'tidings.db'}"
    store, ids = _build_store(url, entity_extractor)
    settings = Settings(database_url=url, shared_data=SHARED, fetch_timeout_s=5.0)
    app = create_app(
        settings, store=store, pipeline=Pipeline(store, settings, entities=entity_extractor)
    )
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(base + "/api/v1/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline or not thread.is_alive():
                raise
            time.sleep(0.05)
    try:
        yield Site(base, store, ids["seed"], ids["pd"], ids["ccby"], ids["companion"])
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        store.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    require(Path(CHROMIUM).exists(), f"Chromium not installed at {CHROMIUM}")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


def _page(browser: Browser, site: Site, *, javascript: bool) -> Iterator[Page]:
    context = browser.new_context(
        base_url=site.base, viewport={"width": 1280, "height": 900}, java_script_enabled=javascript
    )
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert errors == [], errors


@pytest.fixture
def page(browser: Browser, site: Site) -> Iterator[Page]:
    yield from _page(browser, site, javascript=True)


@pytest.fixture
def nojs_page(browser: Browser, site: Site) -> Iterator[Page]:
    """A browser tab with JavaScript off: every page and form must work without it."""
    yield from _page(browser, site, javascript=False)
