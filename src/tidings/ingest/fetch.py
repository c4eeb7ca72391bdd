"""Fetching: http(s) with timeouts, a streamed size cap, a redirect limit and conditional GET;
file:// URLs read from disk under the same size cap."""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from tidings.core import IngestError, Settings
from tidings.ingest.urls import local_path


class FetchStatusError(IngestError):
    """The server answered with an HTTP error status (kept in `http_status`)."""

    def __init__(self, message: str, http_status: int) -> None:
        super().__init__(message)
        self.http_status = http_status


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str  # final URL after redirects
    status: int
    content: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    elapsed_ms: int

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher:
    """One HTTP client for a batch of fetches. Use as a context manager or call `close()`."""

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        self._max_bytes = settings.fetch_max_bytes
        timeout = httpx.Timeout(
            settings.fetch_timeout_s, connect=min(10.0, settings.fetch_timeout_s)
        )
        self._total_timeout = settings.fetch_timeout_s
        self._client = httpx.Client(
            follow_redirects=True,
            max_redirects=settings.fetch_max_redirects,
            timeout=timeout,
            headers={
                "User-Agent": settings.user_agent,
                "Accept": "application/rss+xml, application/atom+xml, application/feed+json, "
                "application/json;q=0.9, text/html;q=0.8, text/plain;q=0.7, */*;q=0.5",
            },
            transport=transport,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        path = local_path(url)
        if path is not None:
            return self._read_file(url, path)
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        started = time.monotonic()
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self._max_bytes:
                    raise IngestError(
                        f"response too large: {declared} bytes declared, limit {self._max_bytes}"
                    )
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self._max_bytes:
                        raise IngestError(
                            f"response too large: over {self._max_bytes} bytes (after decoding)"
                        )
                    if time.monotonic() - started > self._total_timeout:
                        raise IngestError(f"timed out after {self._total_timeout:.0f} s")
                    chunks.append(chunk)
        except httpx.TooManyRedirects as exc:
            raise IngestError(f"too many redirects fetching {url}") from exc
        except httpx.TimeoutException as exc:
            raise IngestError(f"timed out fetching {url} ({type(exc).__name__})") from exc
        except httpx.InvalidURL as exc:
            raise IngestError(f"bad URL {url!r}: {exc}") from exc
        except httpx.DecodingError as exc:
            raise IngestError(f"could not decode the response from {url}: {exc}") from exc
        except httpx.HTTPError as exc:
            raise IngestError(f"could not fetch {url}: {exc or type(exc).__name__}") from exc
        elapsed = int((time.monotonic() - started) * 1000)
        status = response.status_code
        if status >= 400:
            raise FetchStatusError(f"HTTP {status} {response.reason_phrase} from {url}", status)
        return FetchResult(
            url=str(response.url),
            status=status,
            content=b"".join(chunks),
            content_type=response.headers.get("content-type"),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            elapsed_ms=elapsed,
        )

    def _read_file(self, url: str, path: object) -> FetchResult:
        from pathlib import Path

        assert isinstance(path, Path)
        started = time.monotonic()
        try:
            size = path.stat().st_size
            if size > self._max_bytes:
                raise IngestError(f"file too large: {size} bytes, limit {self._max_bytes}")
            content = path.read_bytes()
        except OSError as exc:
            raise IngestError(f"cannot read {path}: {exc.strerror or exc}") from exc
        return FetchResult(
            url=url,
            status=200,
            content=content,
            content_type=None,
            etag=None,
            last_modified=None,
            elapsed_ms=int((time.monotonic() - started) * 1000),
        )
