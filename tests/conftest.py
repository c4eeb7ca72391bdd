"""Shared fixtures: real SQLite files, a real PostgreSQL database, a real HTTP server."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa

from support import PG_URL, SEED, FeedServer, Route, make_settings, require
from tidings.core import Settings
from tidings.enrich.entities import EntityExtractor
from tidings.pipeline import Pipeline
from tidings.store import Store


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database on each backend. On CI (CI=true) an unreachable PostgreSQL
    fails the test; elsewhere it is skipped with the reason."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tidings.db'}"
    try:
        _reset_postgres(PG_URL)
    except sa.exc.OperationalError as exc:
        require(False, f"PostgreSQL unreachable at {PG_URL}: {exc.orig}")
    return PG_URL


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tidings.db'}"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store.open(db_url)
    yield s
    s.close()


@pytest.fixture(scope="session")
def entity_extractor() -> EntityExtractor:
    """The spaCy model is loaded once per test session."""
    return EntityExtractor()


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url)


@pytest.fixture
def pipeline(store: Store, settings: Settings, entity_extractor: EntityExtractor) -> Pipeline:
    return Pipeline(store, settings, entities=entity_extractor)


# -- a real HTTP server on 127.0.0.1 with injectable faults ----------------------------------


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    routes: dict[str, Route] = {}
    hits: dict[str, int] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            hits[path] = hits.get(path, 0) + 1
            route = routes.get(path)
            if route is None:
                self.send_response(404)
                self.send_header("Content-Length", "9")
                self.end_headers()
                self.wfile.write(b"not found")
                return
            if route.delay_s:
                time.sleep(route.delay_s)
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            for k, v in route.headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(route.body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield FeedServer(f"http://127.0.0.1:{server.server_address[1]}", routes, hits)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def seed_text() -> str:
    assert SEED.is_file(), f"seed page missing at {SEED} (set TIDINGS_SHARED_DATA)"
    return SEED.read_text(encoding="utf-8")
