"""Feed requests beyond `feed_concurrency` wait on the event loop for a slot instead of
taking a worker thread each: many requests in flight do not mean many threads working. The
default (0) ranks one feed at a time on SQLite."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from apikit import copy_sqlite, make_settings, new_reader, sqlite_path
from fastapi import FastAPI
from fastapi.testclient import TestClient

import tidings.api.routes as routes
from tidings.app import create_app
from tidings.enrich.entities import EntityExtractor
from tidings.pipeline import Pipeline
from tidings.store import Store


@pytest.fixture(params=[2, 0])
def app_at(
    request: pytest.FixtureRequest,
    sqlite_url: str,
    template_db: Path,
    entity_extractor: EntityExtractor,
) -> Iterator[FastAPI]:
    copy_sqlite(template_db, sqlite_path(sqlite_url))
    settings = make_settings(sqlite_url).model_copy(update={"feed_concurrency": request.param})
    store = Store.open(sqlite_url)
    yield create_app(
        settings, store=store, pipeline=Pipeline(store, settings, entities=entity_extractor)
    )
    store.close()


def test_feed_requests_in_flight_work_at_most_feed_concurrency_at_once(
    app_at: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_at
    with TestClient(app) as client:
        reader = new_reader(client, "busy")
    lock = threading.Lock()
    busy = [0]
    most = [0]
    real = routes._feed_json

    def counted(*args: object) -> object:
        with lock:
            busy[0] += 1
            most[0] = max(most[0], busy[0])
        try:
            time.sleep(0.05)  # long enough for all the requests to be in flight
            return real(*args)  # type: ignore[arg-type]
        finally:
            with lock:
                busy[0] -= 1

    monkeypatch.setattr(routes, "_feed_json", counted)

    async def many() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            return await asyncio.gather(
                *(c.get(f"/api/v1/readers/{reader}/feed?limit=5") for _ in range(10))
            )

    answers = asyncio.run(many())
    assert [a.status_code for a in answers] == [200] * 10
    assert all(a.json()["items"] for a in answers)
    setting = app.state.settings.feed_concurrency
    assert most[0] == (setting or 1), most[0]  # 0: one at a time on SQLite
    # an unknown reader is still a 404 through the same path
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/api/v1/readers/999999/feed").status_code == 404
