"""API test fixtures. The store is built once per session (the seed page is ingested through
the real pipeline, spaCy and enrichment included) and copied into each test's own SQLite file,
so every test starts from the same state without paying for ingestion again."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from apikit import WIKINEWS_COUNT, copy_sqlite, make_settings, sqlite_path
from fastapi import FastAPI
from fastapi.testclient import TestClient

from support import SEED
from tidings.app import create_app
from tidings.core import SourceKind
from tidings.enrich.entities import EntityExtractor
from tidings.pipeline import Pipeline, wikinews_articles
from tidings.store import Store


@pytest.fixture(scope="session")
def template_db(
    tmp_path_factory: pytest.TempPathFactory, entity_extractor: EntityExtractor
) -> Path:
    """A SQLite file with the seed page (ingested as a local text dump) and 20 Wikinews stories,
    all enriched."""
    assert SEED.is_file(), f"seed page missing at {SEED}"
    path = tmp_path_factory.mktemp("api-template") / "template.db"
    url = f"sqlite:///{path}"
    store = Store.open(url)
    try:
        pipeline = Pipeline(store, make_settings(url), entities=entity_extractor)
        pipeline.store.sources.add(SEED.resolve().as_uri(), SourceKind.TEXT)
        summary = pipeline.refresh()
        assert summary.items_new == 1, [r.error for r in summary.results]
        added = pipeline.save_articles(
            None, list(itertools.islice(wikinews_articles(), WIKINEWS_COUNT))
        )
        assert added == WIKINEWS_COUNT
        pipeline.enrich_pending()
    finally:
        store.close()
    return path


@pytest.fixture
def app_store(
    sqlite_url: str, template_db: Path, entity_extractor: EntityExtractor
) -> Iterator[tuple[FastAPI, Store]]:
    copy_sqlite(template_db, sqlite_path(sqlite_url))
    settings = make_settings(sqlite_url)
    store = Store.open(sqlite_url)
    app = create_app(
        settings, store=store, pipeline=Pipeline(store, settings, entities=entity_extractor)
    )
    yield app, store
    store.close()


@pytest.fixture
def store(app_store: tuple[FastAPI, Store]) -> Store:
    return app_store[1]


@pytest.fixture
def client(app_store: tuple[FastAPI, Store]) -> Iterator[TestClient]:
    with TestClient(app_store[0], raise_server_exceptions=False) as c:
        yield c
