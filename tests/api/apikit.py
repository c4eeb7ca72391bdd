"""Helpers of the API tests: settings, SQLite copies, readers, error checks."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from support import SEED_TITLE, SHARED
from tidings.core import Settings
from tidings.store import Store

WIKINEWS_COUNT = 20


def make_settings(url: str) -> Settings:
    """Same as tests/conftest.py's make_settings (not importable by module name here)."""
    # the feed server of the tests is on loopback, which the address guard refuses by default
    return Settings(
        database_url=url, shared_data=SHARED, fetch_timeout_s=5.0, fetch_allow=["127.0.0.0/8"]
    )


def sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def copy_sqlite(src: Path, dst: Path) -> None:
    with sqlite3.connect(src) as source, sqlite3.connect(dst) as target:
        source.backup(target)
    source.close()
    target.close()


def seed_id(store: Store) -> int:
    for stored in store.articles.recent(100):
        if stored.article.title == SEED_TITLE:
            return stored.id
    raise AssertionError("seed article not stored")


def new_reader(client: TestClient, name: str) -> int:
    r = client.post("/api/v1/readers", json={"name": name})
    assert r.status_code == 201, r.text
    reader_id: int = r.json()["id"]
    return reader_id


def assert_error(r: Any, status: int, *fragments: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = r.json()
    assert set(body) == {"error"}
    assert body["error"]["status"] == status
    message = body["error"]["message"]
    assert isinstance(message, str) and message
    for fragment in fragments:
        assert fragment.lower() in message.lower(), message
    return body
