"""The fetcher against a real HTTP server on 127.0.0.1 that injects faults: each fault gives
one exact, clear outcome. Timeouts are short so the slow cases stay quick."""

from __future__ import annotations

import gzip
import socket
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support import FeedServer, Route, gzip_bomb, make_settings, require
from tidings.core import IngestError
from tidings.ingest import AddressRefused, Fetcher, FetchStatusError

pytestmark = pytest.mark.usefixtures("loopback_only")

MB = 1024 * 1024
LIMIT = 10 * MB  # the default size cap


@pytest.fixture
def fetcher(tmp_path: Path) -> Iterator[Fetcher]:
    with Fetcher(make_settings(f"sqlite:///{tmp_path / 'unused.db'}")) as f:
        yield f


def _fetcher(tmp_path: Path, **settings: Any) -> Fetcher:
    return Fetcher(make_settings(f"sqlite:///{tmp_path / 'unused.db'}", **settings))


def _refused(fetcher: Fetcher, url: str) -> str:
    with pytest.raises(AddressRefused) as caught:
        fetcher.fetch(url)
    return caught.value.message


def test_a_plain_fetch_says_who_it_is(fetcher: Fetcher, feed_server: FeedServer) -> None:
    url = feed_server.serve("/feed.xml", "<rss/>", "application/rss+xml", headers={"ETag": '"1"'})
    got = fetcher.fetch(url)
    assert (got.status, got.content, got.url, got.moved_to) == (200, b"<rss/>", url, None)
    assert got.content_type == "application/rss+xml" and got.etag == '"1"'
    sent = feed_server.requests[0][1]
    assert sent["user-agent"] == "Tidings/0.1 (self-hosted personalised news reader)"
    assert sent["accept-encoding"] == "gzip, deflate"


def test_conditional_get_answers_304_without_a_body(
    fetcher: Fetcher, feed_server: FeedServer
) -> None:
    stamp = "Mon, 02 Mar 2026 10:00:00 GMT"
    feed_server.routes["/feed.xml"] = Route(
        body=b"<rss/>",
        etag='"v1"',
        last_modified=stamp,
        headers={"Cache-Control": "max-age=600"},
    )
    url = feed_server.url("/feed.xml")
    first = fetcher.fetch(url)
    assert (first.status, first.etag, first.last_modified) == (200, '"v1"', stamp)
    again = fetcher.fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.content == b"" and again.cache_control == "max-age=600"
    sent = feed_server.requests[1][1]
    assert sent["if-none-match"] == '"v1"' and sent["if-modified-since"] == stamp
    changed = fetcher.fetch(url, etag='"v0"')
    assert changed.status == 200 and changed.content == b"<rss/>"


def test_permanent_redirects_report_where_the_source_moved(
    fetcher: Fetcher, feed_server: FeedServer
) -> None:
    final = feed_server.serve("/new.xml", "<rss/>", "application/rss+xml")
    feed_server.redirect("/mid", final, 308)
    start = feed_server.redirect("/old", "/mid", 301)  # a relative Location
    got = fetcher.fetch(start)
    assert (got.url, got.moved_to, got.content) == (final, final, b"<rss/>")

    # a temporary hop ends the move where it stands
    feed_server.redirect("/tmp", final, 302)
    start = feed_server.redirect("/moved-then-tmp", feed_server.url("/tmp"), 301)
    got = fetcher.fetch(start)
    assert got.url == final and got.moved_to == feed_server.url("/tmp")
    assert fetcher.fetch(feed_server.url("/tmp")).moved_to is None


def test_a_redirect_loop_is_stopped(fetcher: Fetcher, feed_server: FeedServer) -> None:
    a = feed_server.redirect("/a", feed_server.url("/b"), 302)
    b = feed_server.redirect("/b", a, 301)
    with pytest.raises(IngestError) as caught:
        fetcher.fetch(a)
    assert caught.value.message == f"redirect loop: {b} redirects back to {a}"
    assert feed_server.hits == {"/a": 1, "/b": 1}


def test_at_most_five_redirects_are_followed(fetcher: Fetcher, feed_server: FeedServer) -> None:
    feed_server.serve("/hop5", "end")
    for i in range(5):
        feed_server.redirect(f"/hop{i}", f"/hop{i + 1}", 302)
    assert fetcher.fetch(feed_server.url("/hop0")).content == b"end"  # exactly five
    feed_server.redirect("/hop-1", "/hop0", 302)
    with pytest.raises(IngestError) as caught:
        fetcher.fetch(feed_server.url("/hop-1"))
    assert caught.value.message == (
        f"too many redirects fetching {feed_server.url('/hop-1')} "
        f"(more than 5, last {feed_server.url('/hop5')})"
    )


def test_a_redirect_to_an_internal_address_is_refused_before_connecting(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    port = feed_server.base.rsplit(":", 1)[1]
    targets = {
        "http://10.0.0.1/feed.xml": "10.0.0.1 is a private address",
        "http://169.254.169.254/latest/meta-data/": "169.254.169.254 is a cloud metadata address",
        f"http://127.0.0.2:{port}/feed.xml": "127.0.0.2 is a loopback address",
        f"http://0x7f.0.0.2:{port}/feed.xml": "127.0.0.2 is a loopback address",
        f"http://[::1]:{port}/feed.xml": "::1 is a loopback address",
        "http://[::ffff:192.168.0.1]/": (
            "::ffff:c0a8:1 is a private address (IPv4 192.168.0.1 inside IPv6)"
        ),
        "file:///etc/passwd": "only http and https URLs with a host are fetched",
    }
    # only the server's own address is allowed: every other internal address stays refused
    with _fetcher(tmp_path, fetch_allow=["127.0.0.1/32"]) as fetcher:
        for i, (target, reason) in enumerate(targets.items()):
            start = feed_server.redirect(f"/r{i}", target, 302)
            assert _refused(fetcher, start) == (
                f"refused to fetch {target} (redirected from {start}): {reason}"
            )
    assert sum(feed_server.hits.values()) == len(targets)  # only the redirecting requests


def test_internal_addresses_are_refused_by_default(tmp_path: Path, feed_server: FeedServer) -> None:
    port = feed_server.base.rsplit(":", 1)[1]
    url = feed_server.serve("/feed.xml", "<rss/>")
    with _fetcher(tmp_path, fetch_allow=[]) as fetcher:
        assert _refused(fetcher, url) == (
            f"refused to fetch {url}: 127.0.0.1 is a loopback address"
        )
        decimal = f"http://2130706433:{port}/feed.xml"
        assert _refused(fetcher, decimal) == (
            f"refused to fetch {decimal}: 127.0.0.1 is a loopback address"
        )
        named = f"http://localhost:{port}/feed.xml"
        assert _refused(fetcher, named).startswith(
            f"refused to fetch {named}: localhost resolves to "
        )
    assert feed_server.hits == {}


def test_a_name_is_fetched_at_the_address_it_was_checked_at(
    monkeypatch: pytest.MonkeyPatch, fetcher: Fetcher, feed_server: FeedServer
) -> None:
    real = socket.getaddrinfo

    def getaddrinfo(host: str, *args: Any, **kw: Any) -> Any:
        return real("127.0.0.1" if host == "feeds.test" else host, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    feed_server.serve("/feed.xml", "<rss/>")
    port = feed_server.base.rsplit(":", 1)[1]
    got = fetcher.fetch(f"http://feeds.test:{port}/feed.xml")
    assert got.content == b"<rss/>"
    assert feed_server.requests[0][1]["host"] == f"feeds.test:{port}"


def test_error_statuses_are_raised_with_the_status_and_retry_after(
    fetcher: Fetcher, feed_server: FeedServer
) -> None:
    cases = {
        "/500": (Route(status=500, body=b"oops"), "Internal Server Error", None),
        "/404": (Route(status=404), "Not Found", None),
        "/410": (Route(status=410), "Gone", None),
        "/429": (Route(status=429, headers={"Retry-After": "120"}), "Too Many Requests", "120"),
        "/503": (
            Route(status=503, headers={"Retry-After": "Mon, 02 Mar 2026 13:30:00 GMT"}),
            "Service Unavailable",
            "Mon, 02 Mar 2026 13:30:00 GMT",
        ),
    }
    for path, (route, phrase, retry_after) in cases.items():
        feed_server.routes[path] = route
        with pytest.raises(FetchStatusError) as caught:
            fetcher.fetch(feed_server.url(path))
        status = int(path[1:])
        assert caught.value.message == f"HTTP {status} {phrase} from {feed_server.url(path)}"
        assert (caught.value.http_status, caught.value.retry_after) == (status, retry_after)


def test_an_answer_slower_than_the_total_timeout_is_cut_off(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    url = feed_server.serve("/slow.xml", "<rss/>", delay_s=3.0)
    with _fetcher(tmp_path, fetch_timeout_s=0.5) as fetcher, pytest.raises(IngestError) as caught:
        fetcher.fetch(url)
    assert caught.value.message == f"timed out fetching {url}: no complete answer within 0.5 s"


def test_a_server_that_stops_sending_hits_the_read_timeout(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    url = feed_server.serve("/stall.xml", "<rss/>", delay_s=3.0)
    with (
        _fetcher(tmp_path, fetch_timeout_s=5.0, fetch_read_timeout_s=0.3) as fetcher,
        pytest.raises(IngestError) as caught,
    ):
        fetcher.fetch(url)
    assert caught.value.message == f"timed out fetching {url}: no data for 0.3 s"


def test_a_slow_drip_is_cut_off_at_the_total_timeout(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    # one byte every 50 ms: every read succeeds well within the read timeout
    url = feed_server.serve("/drip.xml", b"x" * 100, chunk_size=1, drip_s=0.05)
    with _fetcher(tmp_path, fetch_timeout_s=0.6) as fetcher, pytest.raises(IngestError) as caught:
        fetcher.fetch(url)
    assert caught.value.message == f"timed out fetching {url}: no complete answer within 0.6 s"


def test_compressed_bodies_are_decoded(fetcher: Fetcher, feed_server: FeedServer) -> None:
    text = b"<rss>" + b"news " * 50_000 + b"</rss>"
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    encodings = {
        "gzip": gzip.compress(text),
        "deflate": zlib.compress(text),
        "x-gzip": gzip.compress(text),
        "gzip, gzip": gzip.compress(gzip.compress(text)),
    }
    for i, (coding, body) in enumerate(encodings.items()):
        url = feed_server.serve(f"/z{i}", body, headers={"Content-Encoding": coding})
        assert fetcher.fetch(url).content == text, coding
    url = feed_server.serve(
        "/raw-deflate",
        raw.compress(text) + raw.flush(),
        headers={"Content-Encoding": "deflate"},
    )
    assert fetcher.fetch(url).content == text
    two_members = gzip.compress(b"first ") + gzip.compress(b"second")
    url = feed_server.serve("/members", two_members, headers={"Content-Encoding": "gzip"})
    assert fetcher.fetch(url).content == b"first second"
    url = feed_server.serve("/br", b"\x1b\x00", headers={"Content-Encoding": "br"})
    with pytest.raises(IngestError, match="unsupported content encoding 'br'"):
        fetcher.fetch(url)
    url = feed_server.serve("/bad", b"not gzip at all", headers={"Content-Encoding": "gzip"})
    with pytest.raises(IngestError, match="could not decompress the response"):
        fetcher.fetch(url)


def test_a_gzip_bomb_is_stopped_at_the_size_cap(fetcher: Fetcher, feed_server: FeedServer) -> None:
    bomb = gzip_bomb()  # 1 GiB of zeros in about 1 MB
    assert len(bomb) < LIMIT
    url = feed_server.serve("/bomb.xml", bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(IngestError) as caught:
        fetcher.fetch(url)
    assert caught.value.message == (
        f"response too large: over {LIMIT} bytes after decompression from {url}"
    )


def _zeros(total: int) -> Iterator[bytes]:
    block = bytes(256 * 1024)
    for _ in range(total // len(block)):
        yield block


def test_a_50_mb_body_is_refused(fetcher: Fetcher, feed_server: FeedServer) -> None:
    size = 50 * MB
    declared = feed_server.url("/declared")
    feed_server.routes["/declared"] = Route(stream=lambda: _zeros(size), content_length=size)
    with pytest.raises(IngestError) as caught:
        fetcher.fetch(declared)
    assert caught.value.message == (
        f"response too large: {size} bytes declared, limit {LIMIT} from {declared}"
    )
    streamed = feed_server.url("/streamed")  # no Content-Length: cut off while reading
    feed_server.routes["/streamed"] = Route(stream=lambda: _zeros(size), content_length=-1)
    with pytest.raises(IngestError) as caught:
        fetcher.fetch(streamed)
    assert caught.value.message == f"response too large: over {LIMIT} bytes from {streamed}"


def test_requests_to_one_host_are_limited(tmp_path: Path, feed_server: FeedServer) -> None:
    url = feed_server.serve("/slow", "ok", delay_s=0.2)
    errors: list[BaseException] = []
    with _fetcher(tmp_path, fetch_per_host=2) as fetcher:

        def get() -> None:
            try:
                assert fetcher.fetch(url).content == b"ok"
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=get) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    assert feed_server.hits["/slow"] == 6
    assert 1 <= feed_server.peak_in_flight <= 2


def test_local_files_are_read_under_the_same_cap(tmp_path: Path) -> None:
    small = tmp_path / "feed.xml"
    small.write_bytes(b"<rss/>")
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2048)
    with _fetcher(tmp_path, fetch_max_bytes=1024) as fetcher:
        assert fetcher.fetch(small.as_uri()).content == b"<rss/>"
        with pytest.raises(IngestError, match="file too large: 2048 bytes, limit 1024"):
            fetcher.fetch(big.as_uri())


def test_https_goes_through_the_guard_and_checks_certificates(
    tmp_path: Path, fetcher: Fetcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    import http.server
    import shutil
    import ssl
    import subprocess

    require(shutil.which("openssl") is not None, "openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subject = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    files = ["-keyout", str(key), "-out", str(cert)]
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            *subject,
            *files,
        ],
        check=True,
        capture_output=True,
    )

    class Hello(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "5")
            self.end_headers()
            self.wfile.write(b"hello")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    url = f"https://127.0.0.1:{server.server_address[1]}/feed"
    try:
        with pytest.raises(IngestError, match="certificate verify failed"):
            fetcher.fetch(url)  # a self-signed certificate is not trusted
        import httpx

        monkeypatch.setattr(
            httpx, "create_ssl_context", lambda **kw: ssl.create_default_context(cafile=cert)
        )
        with _fetcher(tmp_path) as trusting:
            assert trusting.fetch(url).content == b"hello"
        with _fetcher(tmp_path, fetch_allow=[]) as guarded:
            assert _refused(guarded, url) == (
                f"refused to fetch {url}: 127.0.0.1 is a loopback address"
            )
    finally:
        server.shutdown()
        server.server_close()
