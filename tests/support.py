"""Shared test helpers (importable as `support`: pytest puts tests/ on sys.path)."""

from __future__ import annotations

import functools
import os
import struct
import threading
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from tidings.core import Settings
from tidings.core.text import utcnow

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
# What issue 4's acceptance list says the seed article's enrichment names.
SEED_PEOPLE = {
    "Wang Yi",
    "Sergey Lavrov",
    "Antony Blinken",
    "Abdul Ghani Baradar",
    "Fu Xiaoqiang",
    "Yoshihide Suga",
}
SEED_ORGS = {
    "Taliban",
    "East Turkestan Islamic Movement",
    "China Institutes of Contemporary International Relations",
    "Ministry of State Security",
}
SEED_PLACES = {
    "China",
    "Russia",
    "Afghanistan",
    "Kabul",
    "Xinjiang",
    "Guilin",
    "Tianjin",
    "Taiwan",
}

PG_URL = os.environ.get(
    "TIDINGS_TEST_POSTGRES_URL",
    "postgresql+psycopg://tidings:tidings@127.0.0.1:5432/tidings_test",
)


def make_settings(url: str, **extra: object) -> Settings:
    # The saved feeds link to real sites: fetch full text only where a test serves the pages.
    extra.setdefault("fetch_full_text", False)
    # The test feed server runs on loopback, which the address guard refuses unless allowed.
    extra.setdefault("fetch_allow", ["127.0.0.0/8", "::1/128"])
    extra.setdefault("fetch_timeout_s", 5.0)
    return Settings(database_url=url, shared_data=SHARED, **extra)  # type: ignore[arg-type]


@dataclass
class Route:
    """What the test server answers on one path, faults included."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/octet-stream"
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # wait this long before answering at all
    drip_s: float = 0.0  # wait this long between body chunks of `chunk_size` bytes
    chunk_size: int = 64 * 1024
    stream: Callable[[], Iterable[bytes]] | None = None  # a generated body instead of `body`
    content_length: int | None = None  # declared length (default len(body)); -1: none
    etag: str | None = None  # sent; a request with If-None-Match: etag gets 304
    last_modified: str | None = None  # sent; If-Modified-Since: this value gets 304
    together: int = 0  # answer once this many requests have been in flight at the same time,
    together_s: float = 1.0  # waiting at most this long for that, else answer 503


@dataclass
class FeedServer:
    base: str
    routes: dict[str, Route]
    hits: dict[str, int]
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # path, headers
    in_flight: int = 0
    peak_in_flight: int = 0  # most requests answered at the same time
    lock: threading.Lock = field(default_factory=threading.Lock)

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

    def redirect(self, path: str, location: str, status: int = 301) -> str:
        self.routes[path] = Route(status=status, headers={"Location": location})
        return self.url(path)


def news_rss(name: str, n: int = 3, *, extra: str = "", head: str = "") -> bytes:
    """A small RSS feed: `n` items an hour apart, the newest ten minutes old."""
    newest = utcnow() - timedelta(minutes=10)
    items = "".join(
        f"<item><title>{name} story {i}</title><link>http://news.test/{name}/{i}</link>"
        f"<guid>{name}-{i}</guid><pubDate>{format_datetime(newest - timedelta(hours=i))}"
        f"</pubDate><description>Paragraph {i} of the {name} news.</description></item>"
        for i in range(n)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{head}<rss version="2.0"><channel>'
        f"<title>{name}</title><link>http://news.test/{name}</link>{extra}{items}"
        "</channel></rss>"
    ).encode()


@functools.cache
def gzip_bomb(size: int = 1 << 30) -> bytes:
    """A valid gzip stream of `size` zero bytes (a multiple of 1 MiB) in about size/1000 bytes,
    built in a fraction of a second: after a full flush, every 1 MiB of zeros compresses to the
    same bytes."""
    block = bytes(1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    packer.compress(block)
    packer.flush(zlib.Z_FULL_FLUSH)
    unit = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(size >> 20):
        crc = zlib.crc32(block, crc)
    return (
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
        + unit * (size >> 20)
        + packer.flush()
        + struct.pack("<II", crc, size & 0xFFFFFFFF)
    )


def require(condition: bool, message: str) -> None:
    """Skip when something a test needs is missing — except on CI (CI=true), where a missing
    service, browser or dataset fails the test instead of hiding behind a skip."""
    if condition:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)
