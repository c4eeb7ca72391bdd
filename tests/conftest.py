"""Shared fixtures: real SQLite files, a real PostgreSQL database, a real HTTP server."""

from __future__ import annotations

import ipaddress
import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

# Tests see readership statistics at once (no reuse between requests) and never a ranking
# model a developer trained in ./var/models.
os.environ.setdefault("TIDINGS_FEED_STATS_TTL_S", "0")
os.environ.setdefault("TIDINGS_FEED_REFRESH_S", "0")
os.environ.setdefault("TIDINGS_MODEL_DIR", tempfile.mkdtemp(prefix="tidings-test-models-"))

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


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hangs up on a fault (timeout, size cap) is expected


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """A safety net for fault tests: any connection to an address off this machine fails the
    test instead of leaving it."""
    real = socket.create_connection

    def create_connection(address: tuple[str, int], *args: Any, **kw: Any) -> socket.socket:
        host = address[0]
        assert ipaddress.ip_address(host).is_loopback, f"a test tried to connect to {host}"
        return real(address, *args, **kw)

    monkeypatch.setattr(socket, "create_connection", create_connection)


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A threaded HTTP server on 127.0.0.1 answering each path as its `Route` says: saved
    feeds and pages, and faults (error statuses, redirects, slow answers, slow drips, huge or
    compressed bodies, conditional GET)."""
    served = FeedServer("", {}, {})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            with served.lock:
                served.hits[path] = served.hits.get(path, 0) + 1
                served.requests.append((path, {k.lower(): v for k, v in self.headers.items()}))
                served.in_flight += 1
                served.peak_in_flight = max(served.peak_in_flight, served.in_flight)
            try:
                self._answer(path)
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                with served.lock:
                    served.in_flight -= 1

        def _answer(self, path: str) -> None:
            route = served.routes.get(path)
            if route is None:
                self.send_response(404)
                self.send_header("Content-Length", "9")
                self.end_headers()
                self.wfile.write(b"not found")
                return
            if route.delay_s:
                time.sleep(route.delay_s)
            status = route.status
            if route.together:
                until = time.monotonic() + route.together_s
                while served.peak_in_flight < route.together and time.monotonic() < until:
                    time.sleep(0.01)
                if served.peak_in_flight < route.together:
                    status = 503
            fresh = (route.etag and self.headers.get("If-None-Match") == route.etag) or (
                route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified
            )
            self.send_response(304 if fresh else status)
            if route.etag:
                self.send_header("ETag", route.etag)
            if route.last_modified:
                self.send_header("Last-Modified", route.last_modified)
            for k, v in route.headers.items():
                self.send_header(k, v)
            if fresh:
                self.end_headers()
                return
            self.send_header("Content-Type", route.content_type)
            length = len(route.body) if route.content_length is None else route.content_length
            if length >= 0:
                self.send_header("Content-Length", str(length))
            self.end_headers()
            chunks = route.stream() if route.stream is not None else _pieces(route)
            for chunk in chunks:
                self.wfile.write(chunk)
                if route.drip_s:
                    self.wfile.flush()
                    time.sleep(route.drip_s)

        def log_message(self, *args: object) -> None:
            pass

    server = _QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    served.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()


def _pieces(route: Route) -> Iterator[bytes]:
    for start in range(0, len(route.body), max(1, route.chunk_size)):
        yield route.body[start : start + route.chunk_size]


@pytest.fixture
def seed_text() -> str:
    assert SEED.is_file(), f"seed page missing at {SEED} (set TIDINGS_SHARED_DATA)"
    return SEED.read_text(encoding="utf-8")
