"""Feed requests beyond `feed_concurrency` wait on the event loop for a slot instead of
taking a worker thread each: many requests in flight do not mean many threads working."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
import pytest
from apikit import new_reader
from fastapi import FastAPI
from fastapi.testclient import TestClient

import tidings.api.routes as routes
from tidings.store import Store


def test_feed_requests_in_flight_work_at_most_feed_concurrency_at_once(
    app_store: tuple[FastAPI, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _store = app_store
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
    concurrency = app.state.settings.feed_concurrency
    assert most[0] == concurrency == 2, most[0]
    # an unknown reader is still a 404 through the same path
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/api/v1/readers/999999/feed").status_code == 404
