"""Synthetic corpus for the feed load benchmark (`bench/feedload.py`).

Writes straight into a Tidings database through SQLAlchemy Core (schema from
`tidings.store.tables`, created by `Store.open`'s migrations): sources, articles with
embeddings around topic centroids, stories, entities, topics, readers, follows and events.
Everything comes from one seeded numpy RNG, so a size always gives the same database. A
generated database is reused while its recorded version (GENERATOR_VERSION) and size match.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa

GENERATOR_VERSION = "1"
SEED = 20240605
DIM = 384
N_SOURCES = 200
N_CENTROIDS = 200
N_ENTITIES = 3000
N_READERS = 10_000
N_EVENTS = 1_000_000
HEAVY_SHARE = 0.2  # readers with ~500 events: the ones whose feed is requested
HEAVY_EVENTS = 450  # mean; bench-reader-0 has exactly BENCH_READER_EVENTS
BENCH_READER_EVENTS = 500
BENCH_READER = "bench-reader-0"
WINDOW = timedelta(hours=72)
EVENT_SPAN = timedelta(days=14)
CHUNK = 20_000
_LABELS = ("PERSON", "ORG", "PLACE", "MISC")
_KINDS = ("click", "read", "save", "hide", "fewer_like_this")
_KIND_P = (0.60, 0.25, 0.05, 0.05, 0.05)


@dataclass(frozen=True)
class Generated:
    """What a benchmark needs to know about a generated database."""

    url: str
    articles: int
    heavy_reader_ids: tuple[int, ...]
    bench_reader_id: int
    generated_at: datetime
    seconds: float  # generation time; 0.0 when the cached database was reused
    cached: bool


def _log(msg: str) -> None:
    sys.stderr.write(f"[feedgen] {msg}\n")
    sys.stderr.flush()


def _heavy_ids() -> tuple[int, ...]:
    return tuple(range(1, int(N_READERS * HEAVY_SHARE) + 1))


# -- databases and their cache ---------------------------------------------------------------

PG_DSN = "postgresql+psycopg://tidings:tidings@127.0.0.1:5432/{name}"


def size_label(n: int) -> str:
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else f"{n // 1000}k"


def sqlite_url(folder: Path, n: int) -> str:
    return f"sqlite:///{folder / f'feed-{size_label(n)}-v{GENERATOR_VERSION}.db'}"


def pg_name(n: int) -> str:
    return f"tidings_bench_{size_label(n)}"


def _psql(sql: str) -> str:
    out = subprocess.run(
        ["su", "postgres", "-c", f'psql -qAtc "{sql}"'], capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def _recreate_pg(name: str) -> None:
    _psql(f"DROP DATABASE IF EXISTS {name}")
    subprocess.run(["su", "postgres", "-c", f"createdb -O tidings {name}"], check=True)


def _read_meta(engine: sa.Engine) -> dict[str, Any] | None:
    try:
        with engine.connect() as conn:
            row = conn.execute(sa.text("SELECT value FROM bench_meta WHERE name = 'meta'")).first()
    except sa.exc.DBAPIError:
        return None
    return json.loads(row[0]) if row else None


def _write_meta(engine: sa.Engine, meta: dict[str, Any]) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE IF NOT EXISTS bench_meta (name TEXT, value TEXT)"))
        conn.execute(sa.text("DELETE FROM bench_meta"))
        conn.execute(sa.text("INSERT INTO bench_meta VALUES ('meta', :v)"), {"v": json.dumps(meta)})


def ensure(backend: str, n: int, folder: Path, *, max_age: timedelta) -> Generated:
    """The database of `n` articles on `backend` (sqlite | postgresql), generated when missing,
    of another generator version, or older than `max_age` (its 72 h window would have aged)."""
    from tidings.store import Store

    if backend == "sqlite":
        folder.mkdir(parents=True, exist_ok=True)
        url = sqlite_url(folder, n)
        side = Path(url.removeprefix("sqlite:///")).with_suffix(".version")
    else:
        exists = _psql(f"SELECT 1 FROM pg_database WHERE datname = '{pg_name(n)}'") == "1"
        url = PG_DSN.format(name=pg_name(n))
        side = None
    want = {"version": GENERATOR_VERSION, "articles": n}
    meta: dict[str, Any] | None = None
    if side is not None and side.exists():
        meta = json.loads(side.read_text())
    elif side is None and exists:
        meta = _read_meta(sa.create_engine(url))
    if meta and all(meta.get(k) == v for k, v in want.items()):
        at = datetime.fromisoformat(meta["generated_at"])
        if datetime.now(UTC) - at <= max_age:
            _log(f"{backend} {size_label(n)}: reusing {url} (generated {at:%Y-%m-%d %H:%M} UTC)")
            return Generated(url, n, _heavy_ids(), 1, at, float(meta["seconds"]), True)
        _log(f"{backend} {size_label(n)}: cached database is too old, regenerating")
    if backend == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            p.unlink(missing_ok=True)
    else:
        _recreate_pg(pg_name(n))
    t0 = time.perf_counter()
    store = Store.open(url)  # migrations create the schema
    now = datetime.now(UTC)
    try:
        _generate(store.engine, n, now)
    finally:
        store.close()
    seconds = time.perf_counter() - t0
    meta = want | {"generated_at": now.isoformat(), "seconds": seconds}
    engine = sa.create_engine(url)
    _write_meta(engine, meta)
    engine.dispose()
    if side is not None:
        side.write_text(json.dumps(meta))
    _log(f"{backend} {size_label(n)}: generated in {seconds:.0f} s")
    return Generated(url, n, _heavy_ids(), 1, now, seconds, False)


# -- writing rows ----------------------------------------------------------------------------


def _insert(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Bulk insert: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(table.insert(), rows)
        return
    cols = list(rows[0])
    is_json = [isinstance(table.c[c].type, sa.JSON) for c in cols]
    cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cur.copy(f"COPY {table.name} ({', '.join(cols)}) FROM STDIN") as copy:
        for r in rows:
            copy.write_row(
                [json.dumps(r[c]) if j else r[c] for c, j in zip(cols, is_json, strict=True)]
            )


def _fix_sequences(conn: sa.Connection, tables: Sequence[sa.Table]) -> None:
    if conn.dialect.name != "postgresql":
        return
    for t in tables:
        conn.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), "
                f"coalesce((SELECT max(id) FROM {t.name}), 0) + 1, false)"
            )
        )


def _chunks(n: int, size: int = CHUNK) -> Iterator[tuple[int, int]]:
    for lo in range(0, n, size):
        yield lo, min(n, lo + size)


# -- the corpus ------------------------------------------------------------------------------


def _vocabulary(rng: np.random.Generator, size: int = 4000) -> np.ndarray:
    letters = np.array(list("abcdefghijklmnoprstuvwy"))
    words = set()
    while len(words) < size:
        k = int(rng.integers(3, 10))
        words.add("".join(rng.choice(letters, k)))
    return np.array(sorted(words))


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _stories(rng: np.random.Generator, n: int) -> np.ndarray:
    """Story index of each article: clusters of 1–8 consecutive members (shuffled later)."""
    sizes = np.arange(1, 9)
    p = sizes**-1.5 / (sizes**-1.5).sum()
    drawn = rng.choice(sizes, size=n, p=p)
    drawn = drawn[: int(np.searchsorted(np.cumsum(drawn), n)) + 1]
    return np.repeat(np.arange(len(drawn)), drawn)[:n]


def _generate(engine: sa.Engine, n: int, now: datetime) -> None:
    from tidings.store import tables as t

    rng = np.random.default_rng(SEED)
    vocab = _vocabulary(rng)
    centroids = _unit(rng.standard_normal((N_CENTROIDS, DIM)).astype(np.float32))
    taxonomy = [
        "world", "politics", "business", "technology", "science", "health", "sport",
        "entertainment", "culture", "environment", "crime-and-law", "conflict", "education",
        "lifestyle", "opinion",
    ]  # fmt: skip
    centroid_tax = rng.integers(0, len(taxonomy), N_CENTROIDS)
    tags = [f"section {i}" for i in range(300)]
    places = [f"place {i}" for i in range(300)]
    ent_names = [f"{vocab[i].title()} {vocab[(i * 7 + 11) % len(vocab)].title()}" for i in
                 range(N_ENTITIES)]  # fmt: skip
    ent_labels = rng.choice(_LABELS, N_ENTITIES)
    zipf_p = 1.0 / np.arange(1, N_ENTITIES + 1) ** 1.1
    zipf_p /= zipf_p.sum()

    # Stories decide topic and time; articles are then numbered in publication order.
    story_of = _stories(rng, n)
    n_stories = int(story_of.max()) + 1
    story_topic = rng.integers(0, N_CENTROIDS, n_stories)
    story_time = rng.uniform(0, WINDOW.total_seconds() - 6 * 3600, n_stories)
    story_offset = _unit(rng.standard_normal((n_stories, DIM)).astype(np.float32)) * 0.35
    age = WINDOW.total_seconds() - (story_time[story_of] + rng.uniform(0, 6 * 3600, n))
    order = np.argsort(-age, kind="stable")  # oldest first: ids grow with time
    story_of, age = story_of[order], age[order]
    topic_of = story_topic[story_of]
    # Story rows are numbered by their first article.
    first_member = np.full(n_stories, n, dtype=np.int64)
    np.minimum.at(first_member, story_of, np.arange(n))
    story_rank = np.empty(n_stories, dtype=np.int64)
    story_rank[np.argsort(first_member, kind="stable")] = np.arange(n_stories)
    story_id = story_rank[story_of] + 1

    with engine.begin() as conn:
        _log(f"sources, entities, topics ({n:,} articles to come)")
        _insert(conn, t.sources, [
            {"id": i + 1, "url": f"https://source{i}.example/feed.xml", "kind": "feed",
             "title": f"Source {i}", "site_url": f"https://source{i}.example/",
             "created_at": now - EVENT_SPAN} for i in range(N_SOURCES)
        ])  # fmt: skip
        _insert(conn, t.entities, [
            {"id": i + 1, "key": ent_names[i].casefold(), "name": ent_names[i],
             "label": str(ent_labels[i])} for i in range(N_ENTITIES)
        ])  # fmt: skip
        topic_keys = taxonomy + tags + places
        _insert(conn, t.topics, [
            {"id": i + 1, "key": k, "label": k.title()} for i, k in enumerate(topic_keys)
        ])  # fmt: skip
        tax_id = {k: i + 1 for i, k in enumerate(taxonomy)}
        tag0, place0 = len(taxonomy) + 1, len(taxonomy) + len(tags) + 1

        sizes = np.bincount(story_of, minlength=n_stories)
        lo_at = np.full(n_stories, np.inf)
        hi_at = np.full(n_stories, -np.inf)
        np.minimum.at(lo_at, story_of, age)
        np.maximum.at(hi_at, story_of, age)
        by_rank = np.argsort(story_rank)
        story_rows = []
        for s in by_rank:
            story_rows.append({
                "id": int(story_rank[s]) + 1, "lead_article_id": int(first_member[s]) + 1,
                "title": f"Story {int(story_rank[s]) + 1}", "size": int(sizes[s]),
                "first_at": now - timedelta(seconds=float(hi_at[s])),
                "last_at": now - timedelta(seconds=float(lo_at[s])),
            })  # fmt: skip
        _insert(conn, t.stories, story_rows)
        del story_rows

    for lo, hi in _chunks(n):
        m = hi - lo
        src = rng.integers(0, N_SOURCES, m)
        vec = centroids[topic_of[lo:hi]] + story_offset[story_of[lo:hi]]
        vec = _unit(vec + rng.standard_normal((m, DIM)).astype(np.float32) * 0.04)
        vec16 = vec.astype("<f2")  # the storage format of enrich.embeddings.pack
        words = rng.integers(0, len(vocab), (m, 70))
        n_ent = rng.integers(3, 9, m)
        ent_draw = (rng.choice(N_ENTITIES, (m, 12), p=zipf_p) + topic_of[lo:hi, None] * 15) % (
            N_ENTITIES
        )
        art_rows, ent_rows, top_rows = [], [], []
        for j in range(m):
            aid = lo + j + 1
            w = vocab[words[j]]
            title = " ".join(w[:8]).capitalize()
            standfirst = " ".join(w[8:24]).capitalize() + "."
            body = " ".join(w[24:]).capitalize() + "."
            tag_idx = [int(x) for x in rng.choice(len(tags), int(rng.integers(0, 3)))]
            when = now - timedelta(seconds=float(age[lo + j]))
            art_rows.append({
                "id": aid, "source_id": int(src[j]) + 1,
                "url": f"https://source{src[j]}.example/a/{aid}",
                "canonical_url": f"https://source{src[j]}.example/a/{aid}", "guid": str(aid),
                "content_hash": hashlib.sha256(b"%d" % aid).hexdigest(), "title": title,
                "standfirst": [standfirst], "body_text": body, "body_html": f"<p>{body}</p>",
                "published": when, "fetched_at": when + timedelta(minutes=5), "language": "en",
                "publisher": f"Source {src[j]}", "topics": [tags[i] for i in set(tag_idx)],
                "images": [], "videos": [], "related": [], "enriched_at": when,
                "summary": standfirst, "embedding": vec16[j].tobytes(),
                "embedding_key": hashlib.md5(b"%d" % aid).hexdigest(),
                "story_id": int(story_id[lo + j]),
            })  # fmt: skip
            seen: list[int] = []
            for e in ent_draw[j]:
                if int(e) not in seen:
                    seen.append(int(e))
                if len(seen) == n_ent[j]:
                    break
            sal = np.sort(rng.beta(2, 5, len(seen)))[::-1]
            for k, e in enumerate(seen):
                ent_rows.append({
                    "article_id": aid, "entity_id": e + 1, "mentions": int(1 + 5 * sal[k]),
                    "salience": round(float(sal[k]), 4), "first_offset": 40 * k,
                })  # fmt: skip
            topic_w = {tax_id[taxonomy[centroid_tax[topic_of[lo + j]]]]: ("taxonomy", 0.6)}
            for i in set(tag_idx):
                topic_w[tag0 + i] = ("source", 1.0)
            if rng.random() < 0.5:
                topic_w.setdefault(place0 + int(rng.integers(0, len(places))), ("place", 0.7))
            for tid, (origin, weight) in topic_w.items():
                top_rows.append(
                    {"article_id": aid, "topic_id": tid, "origin": origin, "weight": weight}
                )
        with engine.begin() as conn:
            _insert(conn, t.articles, art_rows)
            _insert(conn, t.article_entities, ent_rows)
            _insert(conn, t.article_topics, top_rows)
        _log(f"articles {hi:,}/{n:,}")

    _readers_and_events(engine, rng, n, now, topic_of, topic_keys, ent_names, zipf_p)
    with engine.begin() as conn:
        _fix_sequences(conn, [t.sources, t.articles, t.stories, t.topics, t.entities,
                              t.readers, t.follows, t.events])  # fmt: skip
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))


def _readers_and_events(
    engine: sa.Engine,
    rng: np.random.Generator,
    n: int,
    now: datetime,
    topic_of: np.ndarray,
    topic_keys: list[str],
    ent_names: list[str],
    zipf_p: np.ndarray,
) -> None:
    from tidings.store import tables as t

    by_topic = np.argsort(topic_of, kind="stable")
    starts = np.searchsorted(topic_of[by_topic], np.arange(N_CENTROIDS + 1))
    n_heavy = int(N_READERS * HEAVY_SHARE)
    counts = np.empty(N_READERS, dtype=np.int64)
    counts[:n_heavy] = rng.integers(HEAVY_EVENTS - 100, HEAVY_EVENTS + 101, n_heavy)
    counts[0] = BENCH_READER_EVENTS
    rest = N_EVENTS - int(counts[:n_heavy].sum())
    light = rng.multinomial(max(rest, 0), np.full(N_READERS - n_heavy, 1 / (N_READERS - n_heavy)))
    counts[n_heavy:] = light
    readers = [{"id": i + 1, "name": f"bench-reader-{i}", "created_at": now - EVENT_SPAN}
               for i in range(N_READERS)]  # fmt: skip
    follows: list[dict[str, Any]] = []
    for i in range(N_READERS):
        chosen: set[tuple[str, str]] = set()
        for _ in range(int(rng.integers(2, 7))):
            if rng.random() < 0.5:
                chosen.add(("topic", topic_keys[int(rng.integers(0, len(topic_keys)))]))
            else:
                chosen.add(("entity", ent_names[int(rng.choice(N_ENTITIES, p=zipf_p))].casefold()))
        for kind, value in sorted(chosen):
            follows.append({"id": len(follows) + 1, "reader_id": i + 1, "kind": kind,
                            "value": value, "label": value, "weight": 1.0,
                            "created_at": now - EVENT_SPAN})  # fmt: skip
    with engine.begin() as conn:
        _insert(conn, t.readers, readers)
        _insert(conn, t.follows, follows)
    _log(f"readers {N_READERS:,}, follows {len(follows):,}")
    event_id = 0
    rows: list[dict[str, Any]] = []
    span = EVENT_SPAN.total_seconds()
    for i in range(N_READERS):
        k = int(counts[i])
        if k == 0:
            continue
        favourite = rng.integers(0, N_CENTROIDS, 3)
        topic = np.where(rng.random(k) < 0.7, rng.choice(favourite, k), -1)
        aid = rng.integers(0, n, k)
        for j in np.nonzero(topic >= 0)[0]:
            lo, hi = starts[topic[j]], starts[topic[j] + 1]
            if hi > lo:
                aid[j] = by_topic[int(rng.integers(lo, hi))]
        kinds = rng.choice(len(_KINDS), k, p=_KIND_P)
        ats = np.sort(rng.uniform(0, span, k))[::-1]
        dwell = rng.lognormal(3.5, 0.8, k)
        for j in range(k):
            event_id += 1
            kind = _KINDS[kinds[j]]
            rows.append({
                "id": event_id, "reader_id": i + 1, "article_id": int(aid[j]) + 1, "kind": kind,
                "dwell_s": round(float(dwell[j]), 1) if kind == "read" else None, "value": None,
                "at": now - timedelta(seconds=float(ats[j])),
            })  # fmt: skip
        if len(rows) >= 50_000:
            with engine.begin() as conn:
                _insert(conn, t.events, rows)
            rows = []
            _log(f"events {event_id:,}/{N_EVENTS:,}")
    with engine.begin() as conn:
        _insert(conn, t.events, rows)
    _log(f"events {event_id:,} in all")
