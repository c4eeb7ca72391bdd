"""A `tidings refresh` killed with SIGKILL in the middle, then run again, loses nothing and stores
nothing twice: the real command in a subprocess, real feeds on 127.0.0.1, the real database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from rssgen import Item, item_of, rss, stories

from support import REPO, SHARED, FeedServer
from tidings.core import SourceKind
from tidings.store import Store
from tidings.store.tables import article_entities, article_topics, articles

FEEDS = 10
ITEMS = 12
TOTAL = FEEDS * ITEMS


def _env(db_url: str) -> dict[str, str]:
    return dict(
        os.environ,
        TIDINGS_DATABASE_URL=db_url,
        TIDINGS_SHARED_DATA=str(SHARED),
        TIDINGS_FETCH_ALLOW="127.0.0.0/8",
        TIDINGS_FETCH_FULL_TEXT="false",
        TIDINGS_LOG_LEVEL="WARNING",
        OMP_NUM_THREADS="1",
    )


def _cli(db_url: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tidings.cli", *args],
        cwd=REPO,
        env=_env(db_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _count(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(articles)).scalar_one())


def _check_whole(engine: sa.Engine) -> None:
    """Every stored article is complete: its topic rows are there (written in the same
    transaction), and no (source, GUID) is stored twice."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(articles.c.id, articles.c.topics)).all()
        topic_rows = dict(
            conn.execute(
                # the source's own tags, saved with the article (enrichment adds others later)
                sa.select(article_topics.c.article_id, sa.func.count())
                .where(article_topics.c.origin == "source")
                .group_by(article_topics.c.article_id)
            ).all()
        )
        twice = conn.execute(
            sa.select(articles.c.source_id, articles.c.guid)
            .group_by(articles.c.source_id, articles.c.guid)
            .having(sa.func.count() > 1)
        ).all()
    assert twice == []
    for article_id, topics in rows:
        assert len(topics) == 2 and topic_rows.get(article_id) == 2, article_id


def test_a_refresh_killed_midway_and_run_again_stores_every_item_once(
    db_url: str, feed_server: FeedServer
) -> None:
    texts = stories(TOTAL)
    store = Store.open(db_url)
    for f in range(FEEDS):
        items: list[Item] = [
            item_of(
                texts[f * ITEMS + i],
                f"feed-{f}-item-{i}",
                link=feed_server.url(f"/story/{f}/{i}"),
            )
            for i in range(ITEMS)
        ]
        for it in items:
            it.categories = [f"Feed {f}", "Crash test"]
            it.paragraphs = it.paragraphs[:3]  # shorter texts: quicker entity extraction
        # later feeds answer later, so the refresh is still saving when it is killed
        url = feed_server.serve(
            f"/feed/{f}.xml", rss(f"Feed {f}", items), "application/rss+xml", delay_s=0.25 * f
        )
        store.sources.add(url, SourceKind.FEED)
    engine = store.engine

    first = _cli(db_url, "refresh")
    deadline = time.monotonic() + 120
    seen = 0
    while time.monotonic() < deadline and first.poll() is None:
        seen = _count(engine)
        if seen >= 2 * ITEMS:
            break
        time.sleep(0.01)
    first.send_signal(signal.SIGKILL)
    first.wait(30)
    assert first.returncode == -signal.SIGKILL, first.stderr.read() if first.stderr else ""
    killed_at = _count(engine)
    assert 0 < seen <= killed_at < TOTAL, (seen, killed_at)
    _check_whole(engine)

    second = _cli(db_url, "refresh")
    out, err = second.communicate(timeout=600)
    assert second.returncode == 0, err
    assert _count(engine) == TOTAL
    _check_whole(engine)
    assert f"{TOTAL - killed_at} new" in out, out
    # the run enriched everything the killed one left pending
    with engine.connect() as conn:
        pending = conn.execute(
            sa.select(sa.func.count()).select_from(articles).where(articles.c.enriched_at.is_(None))
        ).scalar_one()
        with_entities = conn.execute(
            sa.select(sa.func.count(sa.distinct(article_entities.c.article_id)))
        ).scalar_one()
    assert pending == 0 and with_entities > TOTAL * 0.9

    third = _cli(db_url, "refresh", "--all")
    out, err = third.communicate(timeout=600)
    assert third.returncode == 0, err
    assert "0 new" in out and _count(engine) == TOTAL
    store.close()


def test_the_killed_run_left_no_lock_behind(sqlite_url: str, tmp_path: Path) -> None:
    """SQLite in WAL mode: a writer killed mid-transaction leaves a database that the next
    process opens and writes at once (the journal is rolled back, no lock survives)."""
    script = (
        "import os, signal, sqlalchemy as sa\n"
        "from tidings.store import Store\n"
        "from tidings.core import SourceKind\n"
        f"store = Store.open({sqlite_url!r})\n"
        "with store.engine.begin() as conn:\n"
        '    conn.execute(sa.text("INSERT INTO sources (url, kind, created_at, poll_interval_s,'
        " error_count, active, dedup) VALUES ('https://x.example/', 'feed', '2026-01-01', 60,"
        ' 0, 1, 1)"))\n'
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=_env(sqlite_url), timeout=120
    )
    assert proc.returncode == -signal.SIGKILL
    store = Store.open(sqlite_url)
    assert store.sources.list() == []  # the uncommitted source is gone
    store.sources.add("https://y.example/", SourceKind.FEED)
    assert [s.url for s in store.sources.list()] == ["https://y.example/"]
    store.close()
