"""Shared test helpers (importable as `support`: pytest puts tests/ on sys.path)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tidings.core import Settings

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED = Path(os.environ.get("TIDINGS_SHARED_DATA", REPO.parent / "shared" / "data")).resolve()
SEED = SHARED / "seed" / "scmp-afghanistan.txt"
SEED_TITLE = "Turmoil in Afghanistan binding China and Russia even closer"
SEED_STANDFIRST = [
    "Top diplomats of Beijing and Moscow pledge to protect interests in Afghanistan and urge "
    "the Taliban to cut terror links",
    "Western efforts to divide ‘trustworthy, reliable and invincible’ partners will not "
    "succeed, Chinese foreign minister says of Russia ties",
]
PG_URL = os.environ.get(
    "TIDINGS_TEST_POSTGRES_URL",
    "postgresql+psycopg://tidings:tidings@127.0.0.1:5432/tidings_test",
)


def make_settings(url: str, **extra: object) -> Settings:
    return Settings(
        database_url=url,
        shared_data=SHARED,
        fetch_timeout_s=5.0,
        **extra,  # type: ignore[arg-type]
    )


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/octet-stream"
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


@dataclass
class FeedServer:
    base: str
    routes: dict[str, Route]
    hits: dict[str, int]

    def url(self, path: str) -> str:
        return self.base + path

    def serve(
        self, path: str, body: bytes | str, content_type: str = "text/plain", **kw: object
    ) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(body=data, content_type=content_type, **kw)  # type: ignore[arg-type]
        return self.url(path)

    def serve_file(self, path: str, file: Path, content_type: str) -> str:
        return self.serve(path, file.read_bytes(), content_type)


def require(condition: bool, message: str) -> None:
    """Skip when something a test needs is missing — except on CI (CI=true), where a missing
    service, browser or dataset fails the test instead of hiding behind a skip."""
    if condition:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)
