"""Fetching: http(s) that survives the real web.

Timeouts for connecting, for each read and for the whole fetch; a size cap on the streamed body
that also bounds what gzip/deflate expand to; redirects followed one hop at a time (at most
`fetch_max_redirects`, loops detected, every hop through the address guard, permanent ones
reported so the stored URL can move); conditional GET; a clear User-Agent; a limit on requests in
flight per host. file:// URLs are read from disk under the same size cap."""

from __future__ import annotations

import contextlib
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from tidings.core import IngestError, Settings
from tidings.ingest.guard import AddressGuard, AddressRefused, GuardedBackend
from tidings.ingest.urls import local_path

_REDIRECTS = {301, 302, 303, 307, 308}
_PERMANENT = {301, 308}
_PIECE = 64 * 1024  # most bytes one decompression step may produce


class FetchStatusError(IngestError):
    """The server answered with an HTTP error status (kept in `http_status`, with the raw
    Retry-After header for 429/503)."""

    def __init__(
        self, message: str, http_status: int, *, url: str = "", retry_after: str | None = None
    ) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.url = url
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str  # final URL after redirects
    status: int
    content: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    elapsed_ms: int
    moved_to: str | None = None  # where permanent redirects (301/308) from the start led
    cache_control: str | None = None
    expires: str | None = None
    date: str | None = None
    age: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _BodyError(IngestError):
    """The body cannot be taken (too large, undecodable); the caller adds the URL."""


def _guarded_transport(backend: GuardedBackend) -> httpx.HTTPTransport:
    """httpx's own transport, with its connection pool built on the guarded network layer
    (httpx has no public hook for the network backend)."""
    import httpcore

    transport = httpx.HTTPTransport(trust_env=False)
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=backend,
    )
    return transport


class Fetcher:
    """One HTTP client for a batch of fetches; safe to share between threads. Use as a context
    manager or call `close()`. `transport` replaces the network (the address guard then only
    sees literal addresses)."""

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        self._max_bytes = settings.fetch_max_bytes
        self._max_redirects = settings.fetch_max_redirects
        self._total = settings.fetch_timeout_s
        self._read_timeout = settings.fetch_read_timeout_s
        self._per_host = settings.fetch_per_host
        self._hosts: dict[str, threading.BoundedSemaphore] = {}
        self._hosts_lock = threading.Lock()
        self.guard = AddressGuard(settings.fetch_allow)
        self._backend = GuardedBackend(self.guard)
        self._client = httpx.Client(
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(
                self._read_timeout,
                connect=settings.fetch_connect_timeout_s,
                read=self._read_timeout,
                write=self._read_timeout,
                pool=self._total,
            ),
            headers={
                "User-Agent": settings.user_agent,
                "Accept": "application/rss+xml, application/atom+xml, application/feed+json, "
                "application/json;q=0.9, text/html;q=0.8, text/plain;q=0.7, */*;q=0.5",
                "Accept-Encoding": "gzip, deflate",
            },
            transport=transport if transport is not None else _guarded_transport(self._backend),
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
        """GET `url`. Raises FetchStatusError for an HTTP error status, AddressRefused for an
        internal address, IngestError for everything else that goes wrong."""
        path = local_path(url)
        if path is not None:
            return self._read_file(url, path)
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        started = time.monotonic()
        with self._backend.deadline(started + self._total):
            return self._follow(url, headers, started)

    def _follow(self, url: str, headers: dict[str, str], started: float) -> FetchResult:
        current, seen, moved_to, permanent = url, {url}, None, True
        for hop in range(self._max_redirects + 1):
            via = f" (redirected from {url})" if hop else ""
            response, content = self._get(current, headers, via)
            status = response.status_code
            if status in _REDIRECTS:
                location = response.headers.get("location")
                if not location:
                    raise IngestError(f"HTTP {status} redirect without a Location from {current}")
                target = _without_fragment(urljoin(current, location.strip()))
                if target in seen:
                    raise IngestError(f"redirect loop: {current} redirects back to {target}")
                permanent = permanent and status in _PERMANENT
                moved_to = target if permanent else moved_to
                seen.add(target)
                current = target
                continue
            if status >= 400:
                raise FetchStatusError(
                    f"HTTP {status} {response.reason_phrase} from {current}",
                    status,
                    url=current,
                    retry_after=response.headers.get("retry-after"),
                )
            h = response.headers
            return FetchResult(
                url=current,
                status=status,
                content=content,
                content_type=h.get("content-type"),
                etag=h.get("etag"),
                last_modified=h.get("last-modified"),
                elapsed_ms=int((time.monotonic() - started) * 1000),
                moved_to=moved_to,
                cache_control=h.get("cache-control"),
                expires=h.get("expires"),
                date=h.get("date"),
                age=h.get("age"),
            )
        raise IngestError(
            f"too many redirects fetching {url} (more than {self._max_redirects}, last {current})"
        )

    def _get(self, url: str, headers: dict[str, str], via: str) -> tuple[httpx.Response, bytes]:
        """One request, no redirects followed: the response (closed) and its body, which is
        read only for a success status. Time spent waiting for a turn at a busy host does not
        count against the fetch's time limit."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise AddressRefused(
                f"refused to fetch {url}{via}: only http and https URLs with a host are fetched"
            )
        try:
            self.guard.check_literal(parts.hostname)
            with (
                self._host_slot(parts.hostname),
                self._client.stream("GET", url, headers=headers) as response,
            ):
                content = b""
                if 200 <= response.status_code < 300:
                    content = self._read_body(response)
                return response, content
        except AddressRefused as exc:
            raise AddressRefused(
                f"refused to fetch {url}{via}: {exc.message}", exc.address
            ) from exc
        except _BodyError as exc:
            raise IngestError(f"{exc.message} from {url}{via}") from exc
        except httpx.TimeoutException as exc:
            deadline = self._backend.current_deadline()
            if deadline is not None and time.monotonic() >= deadline - 0.05:
                reason = f"no complete answer within {self._total:g} s"
            elif isinstance(exc, httpx.ConnectTimeout):
                reason = "could not connect in time"
            else:
                reason = f"no data for {self._read_timeout:g} s"
            raise IngestError(f"timed out fetching {url}{via}: {reason}") from exc
        except httpx.InvalidURL as exc:
            raise IngestError(f"bad URL {url!r}: {exc}") from exc
        except httpx.HTTPError as exc:
            raise IngestError(f"could not fetch {url}{via}: {exc or type(exc).__name__}") from exc

    @contextlib.contextmanager
    def _host_slot(self, host: str) -> Iterator[None]:
        with self._hosts_lock:
            slot = self._hosts.setdefault(host, threading.BoundedSemaphore(self._per_host))
        asked = time.monotonic()
        with slot:
            self._backend.extend(time.monotonic() - asked)
            yield

    def _read_body(self, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > self._max_bytes:
            raise _BodyError(
                f"response too large: {declared} bytes declared, limit {self._max_bytes}"
            )
        decoder = _Decoder(response.headers.get("content-encoding", ""))
        chunks: list[bytes] = []
        size = 0
        for raw in response.iter_raw():
            for piece in decoder.feed(raw):
                size += len(piece)
                if size > self._max_bytes:
                    raise _BodyError(
                        f"response too large: over {self._max_bytes} bytes"
                        + (" after decompression" if decoder.compressed else "")
                    )
                chunks.append(piece)
            deadline = self._backend.current_deadline()
            if deadline is not None and time.monotonic() > deadline:
                raise httpx.ReadTimeout("the total time allowed for this fetch has run out")
        return b"".join(chunks)

    def _read_file(self, url: str, path: Path) -> FetchResult:
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


def _without_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


class _Decoder:
    """Undo Content-Encoding (gzip, deflate, in any chain) in bounded steps, so a small
    compressed body can never expand in memory beyond what the caller has counted."""

    def __init__(self, header: str) -> None:
        codings = [c.strip().lower() for c in header.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        for coding in codings:
            if coding not in ("gzip", "x-gzip", "deflate"):
                raise _BodyError(f"unsupported content encoding {coding!r}")
        # decoding runs in the reverse order of encoding
        self._stages = [_Inflater(c) for c in reversed(codings)]
        self.compressed = bool(self._stages)

    def feed(self, data: bytes) -> Iterator[bytes]:
        yield from self._through(data, 0)

    def _through(self, data: bytes, stage: int) -> Iterator[bytes]:
        if stage == len(self._stages):
            if data:
                yield data
            return
        for piece in self._stages[stage].feed(data):
            yield from self._through(piece, stage + 1)


class _Inflater:
    def __init__(self, coding: str) -> None:
        self._gzip = coding != "deflate"
        self._raw_deflate = False
        self._started = False
        self._obj = self._new()

    def _new(self) -> zlib._Decompress:
        if self._gzip:
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj(-zlib.MAX_WBITS if self._raw_deflate else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            try:
                out = self._obj.decompress(data, _PIECE)
            except zlib.error as exc:
                if not self._gzip and not self._started and not self._raw_deflate:
                    # "deflate" is meant to be zlib-wrapped; some servers send it raw
                    self._raw_deflate = True
                    self._obj = self._new()
                    continue
                raise _BodyError(f"could not decompress the response ({exc})") from exc
            self._started = True
            if out:
                yield out
            if self._obj.eof:
                data = self._obj.unused_data
                if data and self._gzip and data.lstrip(b"\x00"):
                    self._obj = self._new()  # another gzip member follows
                    continue
                return
            data = self._obj.unconsumed_tail
            if not data and len(out) == _PIECE:
                data = b""
                while True:  # output still pending inside zlib
                    more = self._obj.decompress(b"", _PIECE)
                    if more:
                        yield more
                    if len(more) < _PIECE or self._obj.eof:
                        break
