"""A refresh over sources served by a real HTTP server on 127.0.0.1 that injects faults. Each
fault gives one exact outcome on its source (error, status, fetch log, next poll, dead or moved)
and never disturbs the good source refreshed beside it, whose items are stored exactly once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from email.utils import format_datetime

import pytest
import sqlalchemy as sa

from support import FeedServer, Route, gzip_bomb, make_settings, news_rss
from tidings.core import Source, SourceKind
from tidings.core.text import utcnow
from tidings.enrich.entities import EntityExtractor
from tidings.ingest.polling import JITTER
from tidings.pipeline import Pipeline, SourceResult
from tidings.store import Store
from tidings.store.tables import articles

pytestmark = pytest.mark.usefixtures("loopback_only")

LIMIT = 10 * 1024 * 1024


@pytest.fixture
def pipe(sqlite_url: str, entity_extractor: EntityExtractor) -> Iterator[Pipeline]:
    """A pipeline over SQLite, for the one-fault tests."""
    store = Store.open(sqlite_url)
    settings = make_settings(sqlite_url, fetch_timeout_s=1.0, enrich_entities=False)
    yield Pipeline(store, settings, entities=entity_extractor)
    store.close()


def _feed(pipe: Pipeline, server: FeedServer, path: str, route: Route | None = None) -> Source:
    """A feed source at `path` (answered by `route`, else by a good three-item feed)."""
    name = path.strip("/").split(".")[0]
    server.routes[path] = route or Route(body=news_rss(name), content_type="application/rss+xml")
    return pipe.store.sources.add(server.url(path), SourceKind.FEED, poll_interval_s=1800)


def _refresh(pipe: Pipeline, *sources: Source) -> dict[int, SourceResult]:
    """Refresh these sources (read afresh, due or not) in one batch."""
    fresh = [pipe.store.sources.get(s.id) for s in sources]
    return {r.source.id: r for r in pipe.refresh(fresh).results}


def _stored(pipe: Pipeline, source: Source) -> list[str]:
    with pipe.store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(articles.c.url).where(articles.c.source_id == source.id)
        ).all()
    return sorted(r.url.removeprefix("http://news.test/") for r in rows)


def _good_once(pipe: Pipeline, results: dict[int, SourceResult], good: Source) -> None:
    name = good.url.rsplit("/", 1)[1].split(".")[0]
    assert results[good.id].error is None and results[good.id].items_new == 3
    assert _stored(pipe, good) == [f"{name}/{i}" for i in range(3)]


def _failed(
    pipe: Pipeline, source: Source, error: str, status: int | None, size: int | None = None
) -> tuple[Source, datetime]:
    """The source and its fetch log say exactly this error; returns the source and when the
    attempt started."""
    src = pipe.store.sources.get(source.id)
    log = pipe.store.sources.fetch_log(source.id)
    assert log[0].error == error and log[0].status == status and log[0].bytes == size
    assert log[0].url == source.url and log[0].duration_ms is not None
    assert src.last_status == status and src.error_count == len(log)
    return src, log[0].at


def _backed_off(src: Source, at: datetime, errors: int) -> None:
    plain = 1800 * 2 ** (errors - 1)  # the source's interval, doubling
    assert src.next_poll_at is not None and not src.dead
    assert at + timedelta(seconds=plain) <= src.next_poll_at
    assert src.next_poll_at <= at + timedelta(seconds=plain * (1 + JITTER))


# -- HTTP errors --------------------------------------------------------------------------


def test_500_is_recorded_and_backs_off_exponentially(
    pipe: Pipeline, feed_server: FeedServer
) -> None:
    good = _feed(pipe, feed_server, "/good.xml")
    bad = _feed(pipe, feed_server, "/500.xml", Route(status=500, body=b"oops"))
    results = _refresh(pipe, good, bad)
    _good_once(pipe, results, good)
    error = f"HTTP 500 Internal Server Error from {bad.url}"
    assert results[bad.id].error == error and results[bad.id].status == 500
    src, at = _failed(pipe, bad, error, 500)
    assert src.last_error == error
    _backed_off(src, at, 1)
    _refresh(pipe, bad)
    src, at = _failed(pipe, bad, error, 500)
    _backed_off(src, at, 2)
    assert bad.id not in [s.id for s in pipe.store.sources.due(at + timedelta(hours=1))]


def test_404_three_times_in_a_row_marks_the_source_dead(
    pipe: Pipeline, feed_server: FeedServer
) -> None:
    good = _feed(pipe, feed_server, "/good.xml")
    gone = pipe.store.sources.add(feed_server.url("/missing.xml"), SourceKind.FEED)
    error = f"HTTP 404 Not Found from {gone.url}"
    for attempt in (1, 2):
        results = _refresh(pipe, good, gone)
        assert results[gone.id].error == error and not results[gone.id].dead
        src, at = _failed(pipe, gone, error, 404)
        _backed_off(src, at, attempt)
        if attempt == 1:
            _good_once(pipe, results, good)
    results = _refresh(pipe, good, gone)
    assert results[gone.id].dead and results[gone.id].next_poll_at is None
    src, at = _failed(pipe, gone, error, 404)
    assert src.dead and src.dead_at == at and src.next_poll_at is None
    assert src.last_error == (
        f"{error}; not found 3 times in a row, the source is no longer polled"
    )
    far = at + timedelta(days=365)
    assert gone.id not in [s.id for s in pipe.store.sources.due(far)]
    assert gone.id in [s.id for s in pipe.store.sources.list()]  # listed, with its reason
    assert results[good.id].items_new == 0 and len(_stored(pipe, good)) == 3  # not 9

    pipe.store.sources.set_active(gone.id, True)  # resuming revives it
    revived = pipe.store.sources.get(gone.id)
    assert not revived.dead and revived.error_count == 0
    assert gone.id in [s.id for s in pipe.store.sources.due()]


def test_404_interrupted_by_a_success_starts_counting_again(
    pipe: Pipeline, feed_server: FeedServer
) -> None:
    flaky = _feed(pipe, feed_server, "/flaky.xml")
    good_route = feed_server.routes.pop("/flaky.xml")
    _refresh(pipe, flaky)
    _refresh(pipe, flaky)
    feed_server.routes["/flaky.xml"] = good_route
    assert _refresh(pipe, flaky)[flaky.id].error is None
    del feed_server.routes["/flaky.xml"]
    _refresh(pipe, flaky)
    _refresh(pipe, flaky)
    assert not pipe.store.sources.get(flaky.id).dead  # 404, 404, 200, 404, 404
    assert [r.status for r in pipe.store.sources.fetch_log(flaky.id)] == [404, 404, 200, 404, 404]


def test_410_marks_the_source_dead_at_once_and_adding_it_again_revives_it(
    pipe: Pipeline, feed_server: FeedServer
) -> None:
    good = _feed(pipe, feed_server, "/good.xml")
    gone = _feed(pipe, feed_server, "/gone.xml", Route(status=410))
    results = _refresh(pipe, good, gone)
    _good_once(pipe, results, good)
    error = f"HTTP 410 Gone from {gone.url}"
    assert results[gone.id].error == error and results[gone.id].dead
    src, at = _failed(pipe, gone, error, 410)
    assert src.dead_at == at and src.next_poll_at is None
    assert src.last_error == f"{error}; the source is gone and is no longer polled"
    assert gone.id not in [s.id for s in pipe.store.sources.due(at + timedelta(days=30))]

    feed_server.routes["/gone.xml"] = Route(
        body=news_rss("gone"), content_type="application/rss+xml"
    )
    again = pipe.add_source(gone.url)
    assert again.id == gone.id and not again.dead
    assert gone.id in [s.id for s in pipe.store.sources.due()]


def test_429_and_503_wait_as_long_as_retry_after_asks(
    pipe: Pipeline, feed_server: FeedServer
) -> None:
    good = _feed(pipe, feed_server, "/good.xml")
    busy = _feed(pipe, feed_server, "/busy.xml", Route(status=429, headers={"Retry-After": "7200"}))
    when = (utcnow() + timedelta(hours=3)).replace(microsecond=0)
    down = _feed(
        pipe,
        feed_server,
        "/down.xml",
        Route(status=503, headers={"Retry-After": format_datetime(when, usegmt=True)}),
    )
    results = _refresh(pipe, good, busy, down)
    _good_once(pipe, results, good)
    src, at = _failed(pipe, busy, f"HTTP 429 Too Many Requests from {busy.url}", 429)
    assert src.next_poll_at == at + timedelta(seconds=7200)
    src, at = _failed(pipe, down, f"HTTP 503 Service Unavailable from {down.url}", 503)
    assert src.next_poll_at == when


# -- redirects ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 308])
def test_a_permanent_redirect_moves_the_source(
    pipe: Pipeline, feed_server: FeedServer, status: int
) -> None:
    feed_server.routes["/new.xml"] = Route(
        body=news_rss("moved"), content_type="application/rss+xml"
    )
    old = feed_server.redirect("/old.xml", feed_server.url("/new.xml"), status)
    moved = pipe.store.sources.add(old, SourceKind.FEED)
    good = _feed(pipe, feed_server, "/good.xml")
    results = _refresh(pipe, good, moved)
    _good_once(pipe, results, good)
    assert results[moved.id].moved_to == feed_server.url("/new.xml")
    assert results[moved.id].items_new == 3
    src = pipe.store.sources.get(moved.id)
    assert src.url == feed_server.url("/new.xml") and src.last_error is None
    assert pipe.store.sources.fetch_log(moved.id)[0].url == old  # the attempt as made
    _refresh(pipe, moved)
    assert feed_server.hits == {"/old.xml": 1, "/new.xml": 2, "/good.xml": 1}
    assert _stored(pipe, moved) == ["moved/0", "moved/1", "moved/2"]


def test_a_temporary_redirect_keeps_the_source_where_it_is(
    pipe: Pipeline, feed_server: FeedServer
) -> None:
    feed_server.routes["/today.xml"] = Route(
        body=news_rss("tmp"), content_type="application/rss+xml"
    )
    url = feed_server.redirect("/feed.xml", feed_server.url("/today.xml"), 302)
    src = pipe.store.sources.add(url, SourceKind.FEED)
    results = _refresh(pipe, src)
    assert results[src.id].items_new == 3 and results[src.id].moved_to is None
    assert pipe.store.sources.get(src.id).url == url


def test_a_move_onto_another_source_is_noted_not_followed(
    pipe: Pipeline, feed_server: FeedServer
) -> None:
    target = _feed(pipe, feed_server, "/good.xml")
    mirror = pipe.store.sources.add(
        feed_server.redirect("/mirror.xml", target.url, 301), SourceKind.FEED
    )
    results = _refresh(pipe, target, mirror)
    _good_once(pipe, results, target)
    assert results[mirror.id].error is None and results[mirror.id].items_new == 0
    src = pipe.store.sources.get(mirror.id)
    assert src.url == mirror.url and src.error_count == 0
    assert (
        src.last_error == f"moved permanently to {target.url}, which is already source {target.id}"
    )


def test_a_redirect_loop_is_recorded(pipe: Pipeline, feed_server: FeedServer) -> None:
    good = _feed(pipe, feed_server, "/good.xml")
    feed_server.redirect("/loop-b.xml", feed_server.url("/loop-a.xml"), 302)
    loop = pipe.store.sources.add(
        feed_server.redirect("/loop-a.xml", feed_server.url("/loop-b.xml"), 301), SourceKind.FEED
    )
    results = _refresh(pipe, good, loop)
    _good_once(pipe, results, good)
    error = f"redirect loop: {feed_server.url('/loop-b.xml')} redirects back to {loop.url}"
    src, at = _failed(pipe, loop, error, None)
    _backed_off(src, at, 1)


def test_a_redirect_to_a_private_address_is_refused(
    pipe: Pipeline, feed_server: FeedServer
) -> None:
    good = _feed(pipe, feed_server, "/good.xml")
    sneaky = pipe.store.sources.add(
        feed_server.redirect("/sneaky.xml", "http://10.0.0.1/feed.xml", 302), SourceKind.FEED
    )
    results = _refresh(pipe, good, sneaky)
    _good_once(pipe, results, good)
    error = (
        f"refused to fetch http://10.0.0.1/feed.xml (redirected from {sneaky.url}): "
        "10.0.0.1 is a private address"
    )
    assert results[sneaky.id].error == error
    src, at = _failed(pipe, sneaky, error, None)
    _backed_off(src, at, 1)


# -- conditional GET and cache headers --------------------------------------------------------


def test_304_not_modified_stores_nothing_and_honours_max_age(
    pipe: Pipeline, feed_server: FeedServer
) -> None:
    src = _feed(
        pipe,
        feed_server,
        "/cached.xml",
        Route(
            body=news_rss("cached"),
            content_type="application/rss+xml",
            etag='"v1"',
            headers={"Cache-Control": "max-age=7200"},
        ),
    )
    first = _refresh(pipe, src)[src.id]
    assert first.items_new == 3 and not first.not_modified
    after_first = pipe.store.sources.get(src.id)
    log = pipe.store.sources.fetch_log(src.id)
    # hourly items: interval 1 h, but the answer stays fresh for 2 h
    assert after_first.poll_interval_s == 3600 and after_first.etag == '"v1"'
    assert after_first.next_poll_at == log[0].at + timedelta(seconds=7200)

    second = _refresh(pipe, src)[src.id]
    assert second.not_modified and second.status == 304 and second.items_new == 0
    assert feed_server.requests[-1][1]["if-none-match"] == '"v1"'
    log = pipe.store.sources.fetch_log(src.id)
    body = feed_server.routes["/cached.xml"].body
    assert [(r.status, r.bytes, r.items_seen, r.error) for r in log] == [
        (304, 0, 0, None),
        (200, len(body), 3, None),
    ]
    again = pipe.store.sources.get(src.id)
    assert again.last_status == 304 and again.error_count == 0
    assert again.next_poll_at == log[0].at + timedelta(seconds=7200)
    assert _stored(pipe, src) == ["cached/0", "cached/1", "cached/2"]


# -- slow, huge and hostile bodies ------------------------------------------------------------


def test_a_response_slower_than_the_timeout_is_recorded(
    pipe: Pipeline, feed_server: FeedServer
) -> None:
    good = _feed(pipe, feed_server, "/good.xml")
    slow = _feed(pipe, feed_server, "/slow.xml", Route(body=news_rss("slow"), delay_s=3.0))
    results = _refresh(pipe, good, slow)
    _good_once(pipe, results, good)
    error = f"timed out fetching {slow.url}: no complete answer within 1 s"
    src, at = _failed(pipe, slow, error, None)
    _backed_off(src, at, 1)
    assert _stored(pipe, slow) == []


def test_a_gzip_bomb_is_stopped_and_recorded(pipe: Pipeline, feed_server: FeedServer) -> None:
    good = _feed(pipe, feed_server, "/good.xml")
    bomb = _feed(
        pipe,
        feed_server,
        "/bomb.xml",
        Route(body=gzip_bomb(), headers={"Content-Encoding": "gzip"}),
    )
    results = _refresh(pipe, good, bomb)
    _good_once(pipe, results, good)
    error = f"response too large: over {LIMIT} bytes after decompression from {bomb.url}"
    _failed(pipe, bomb, error, None)


def test_a_50_mb_body_is_refused_and_recorded(pipe: Pipeline, feed_server: FeedServer) -> None:
    size = 50 * 1024 * 1024
    block = bytes(1024 * 1024)
    good = _feed(pipe, feed_server, "/good.xml")
    huge = _feed(
        pipe,
        feed_server,
        "/huge.xml",
        Route(stream=lambda: (block for _ in range(50)), content_length=size),
    )
    results = _refresh(pipe, good, huge)
    _good_once(pipe, results, good)
    error = f"response too large: {size} bytes declared, limit {LIMIT} from {huge.url}"
    _failed(pipe, huge, error, None)


# -- documents that are not what they claim -------------------------------------------------

_LAUGHS = (
    '<!DOCTYPE rss [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
)


def test_invalid_xml_is_recorded(pipe: Pipeline, feed_server: FeedServer) -> None:
    good = _feed(pipe, feed_server, "/good.xml")
    broken = _feed(
        pipe,
        feed_server,
        "/broken.xml",
        Route(
            body=b"<?xml version='1.0'?>\n<rss version='2.0'><channel><title>Half</title></chan",
            content_type="application/rss+xml",
        ),
    )
    results = _refresh(pipe, good, broken)
    _good_once(pipe, results, good)
    error = results[broken.id].error or ""
    assert error.startswith("not a readable feed") and "unclosed token" in error
    src, at = _failed(pipe, broken, error, 200, len(feed_server.routes["/broken.xml"].body))
    _backed_off(src, at, 1)


def test_a_billion_laughs_feed_is_read_without_expanding_entities(
    pipe: Pipeline, feed_server: FeedServer
) -> None:
    good = _feed(pipe, feed_server, "/good.xml")
    laughs = _feed(
        pipe,
        feed_server,
        "/laughs.xml",
        Route(body=news_rss("laughs", 1, head=_LAUGHS).replace(b"story 0", b"story &lol9;")),
    )
    results = _refresh(pipe, good, laughs)
    _good_once(pipe, results, good)
    assert results[laughs.id].error is None and results[laughs.id].items_new == 1
    stored = pipe.store.articles.recent(10)
    title = next(a.article.title for a in stored if a.source_id == laughs.id)
    assert title == "laughs story &lol9;"  # left as written, not a billion "lol"s
    assert all("lollol" not in a.article.title + a.article.body_text for a in stored)


def test_an_external_entity_is_never_resolved(pipe: Pipeline, feed_server: FeedServer) -> None:
    good = _feed(pipe, feed_server, "/good.xml")
    secret = feed_server.serve("/secret.txt", "TOP-SECRET-VALUE")
    doctype = (
        f'<!DOCTYPE rss [<!ENTITY file SYSTEM "file:///etc/passwd">'
        f'<!ENTITY web SYSTEM "{secret}">]>'
    )
    xxe = _feed(
        pipe,
        feed_server,
        "/xxe.xml",
        Route(body=news_rss("xxe", 1, head=doctype).replace(b"story 0", b"story &file;&web;")),
    )
    results = _refresh(pipe, good, xxe)
    _good_once(pipe, results, good)
    assert results[xxe.id].error is None and results[xxe.id].items_new == 1
    assert "/secret.txt" not in feed_server.hits  # the parser never fetched it
    for a in pipe.store.articles.recent(10):
        text = a.article.title + a.article.body_text
        assert "root:" not in text and "TOP-SECRET" not in text


def test_a_wrong_declared_charset_still_gives_the_right_text(
    pipe: Pipeline, feed_server: FeedServer
) -> None:
    good = _feed(pipe, feed_server, "/good.xml")
    utf8 = news_rss("charset", 1).replace(b"charset story 0", "Naïve café — Zürich".encode())
    wrong = _feed(
        pipe,
        feed_server,
        "/charset.xml",
        Route(
            body=utf8.replace(b'encoding="utf-8"', b'encoding="windows-1252"'),
            content_type="application/rss+xml; charset=windows-1252",
        ),
    )
    results = _refresh(pipe, good, wrong)
    _good_once(pipe, results, good)
    assert results[wrong.id].error is None and results[wrong.id].items_new == 1
    titles = [a.article.title for a in pipe.store.articles.recent(10) if a.source_id == wrong.id]
    assert titles == ["Naïve café — Zürich"]
