"""The Markdown section of the feed load benchmark (`bench/feedload.py`)."""

from __future__ import annotations

from datetime import UTC, datetime

from bench import _feedgen
from bench.feedload import (
    CONNECTIONS,
    FIRST_CONNECTIONS,
    HALF_SHARE,
    LIMIT,
    MAX_RUN_S,
    PACED_MIN_SHARE,
    SINGLE_REQUESTS,
    TARGET_P95_MS,
    TARGET_RPS,
    TARGET_RSS_MB,
    WORKERS,
    Load,
    Result,
)


def _load_cells(load: Load | None) -> list[str]:
    if load is None:
        return ["not run", "–", "–", "–"]
    if load.requests == 0:
        return ["0 completed", "–", "–", "–"]
    extra = [f"{load.requests} done"]
    if load.errors:
        extra.append(f"{load.errors} errors")
    if load.non2xx:
        extra.append(f"{load.non2xx} non-2xx")
    rps = f"{load.rps:.1f}" + (f" ({', '.join(extra)})" if extra else "")
    return [rps, f"{load.p50:.0f}", f"{load.p95:.0f}", f"{load.p99:.0f}"]


def _verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def _table(rows: list[Result]) -> list[str]:
    lines = [
        "| articles | closed-loop req/s | p50 ms | p95 ms | p99 ms | paced req/s | p50 ms "
        "| p95 ms | p99 ms | half-load req/s | p50 ms | p95 ms | p99 ms "
        "| one request, median ms |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: |",
    ]
    for r in rows:
        if r.error and r.closed is None:
            lines.append(f"| {r.articles:,} | failed: {r.error} |" + " |" * 12)
            continue
        single = f"{r.single_ms:.0f} (n={r.single_n})" if r.single_ms is not None else "–"
        if r.skipped:
            lines.append(f"| {r.articles:,} | {r.skipped} |" + " |" * 11 + f" {single} |")
            continue
        cells = [
            f"{r.articles:,}",
            *_load_cells(r.closed),
            *_load_cells(r.paced),
            *_load_cells(r.half),
            single,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _ratios(rows: list[Result]) -> str:
    by_size = {r.articles: r.single_ms for r in rows if r.single_ms}
    parts = []
    for small, big in ((10_000, 100_000), (100_000, 1_000_000)):
        if by_size.get(small) and by_size.get(big):
            ratio = by_size[big] / by_size[small]  # type: ignore[operator]
            verdict = "sub-linear" if ratio < big / small else "not sub-linear"
            parts.append(
                f"{small // 1000:,}k → {big // 1000:,}k articles costs {ratio:.2f}× per request "
                f"({verdict})"
            )
    return "; ".join(parts)


def _memory_lines(results: list[Result]) -> list[str]:
    lines = [
        "| backend | articles | worker RSS MB | worker PSS MB | max RSS MB | supervisor RSS MB |",
        "| --- | ---: | --- | --- | ---: | ---: |",
    ]
    for r in results:
        if r.memory is None or not r.memory.workers:
            continue
        rss = [w[1] / 1024 for w in r.memory.workers]
        pss = [w[2] / 1024 for w in r.memory.workers]
        lines.append(
            f"| {r.backend} | {r.articles:,} | {', '.join(f'{x:.0f}' for x in rss)} | "
            f"{', '.join(f'{x:.0f}' for x in pss)} | {max(rss):.0f} | "
            f"{r.memory.parent_rss_kb / 1024:.0f} |"
        )
    return lines


def _targets(results: list[Result]) -> list[str]:
    out = []
    for r in results:
        label = f"{r.backend} {r.articles:,}"
        if r.skipped:
            out.append(f"- {label}: capacity and latency targets {_verdict(False)} ({r.skipped}).")
        if r.closed is None:
            continue
        if r.paced is None or r.paced.requests == 0:
            latency = (
                f"{_verdict(False)} (the server sustains {r.closed.rps:.1f} req/s, far from "
                f"{TARGET_RPS}: the paced run was skipped, latency at {TARGET_RPS} req/s is "
                "unbounded)"
            )
        else:
            ok = r.paced.p95 <= TARGET_P95_MS and r.paced.rps >= 0.9 * TARGET_RPS
            latency = f"{_verdict(ok)} ({r.paced.p95:.0f} ms at {r.paced.rps:.1f} req/s achieved)"
        out.append(
            f"- {label}: capacity ≥ {TARGET_RPS} req/s {_verdict(r.closed.rps >= TARGET_RPS)} "
            f"({r.closed.rps:.1f}); p95 ≤ {TARGET_P95_MS:.0f} ms at the paced rate {latency}."
        )
        if r.articles == 100_000 and r.memory and r.memory.workers:
            peak = max(w[1] for w in r.memory.workers) / 1024
            out.append(
                f"- {label}: memory ≤ {TARGET_RSS_MB} MB per serving process "
                f"{_verdict(peak <= TARGET_RSS_MB)} (max worker RSS {peak:.0f} MB)."
            )
    return out


def _generation(results: list[Result]) -> list[str]:
    lines = ["| backend | articles | generation s | database |", "| --- | ---: | ---: | --- |"]
    for r in results:
        if r.gen is None:
            continue
        how = "cached" if r.gen.cached else "generated in this run"
        when = f"{r.gen.generated_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
        url = r.gen.url.replace("tidings:tidings@", "tidings:***@")
        lines.append(
            f"| {r.backend} | {r.articles:,} | {r.gen.seconds:.0f} | {how} ({when}), `{url}` |"
        )
    return lines


def render(results: list[Result], notes: list[str], seconds: int) -> str:
    lines = [
        "## Feed latency and memory",
        "",
        f"`GET /api/v1/readers/{{id}}/feed?limit={LIMIT}` against `tidings serve --workers "
        f"{WORKERS}` over loopback, the reader drawn at random per request from the "
        f"{int(_feedgen.N_READERS * _feedgen.HEAVY_SHARE):,} heavy readers (~"
        f"{_feedgen.HEAVY_EVENTS} events each). Synthetic corpus (`bench/_feedgen.py`, version "
        f"{_feedgen.GENERATOR_VERSION}): the articles spread over the 72 h window, "
        f"{_feedgen.N_READERS:,} readers, {_feedgen.N_EVENTS:,} events over 14 days, "
        f"{_feedgen.N_ENTITIES:,} entities, {_feedgen.N_SOURCES} sources, 384-d float16 "
        "embeddings around 200 topic centroids, stories of 1–8 articles. "
        f"Targets: p95 ≤ {TARGET_P95_MS:.0f} ms and ≥ {TARGET_RPS} req/s on this machine, the "
        "cost of a request growing sub-linearly with the corpus, and ≤ 1 GB per serving "
        "process with 100k articles.",
        "",
    ]
    for backend in dict.fromkeys(r.backend for r in results):
        rows = [r for r in results if r.backend == backend]
        lines += [f"**{backend}**", "", *_table(rows), ""]
        ratio = _ratios(rows)
        if ratio:
            lines += [f"- One request for `{_feedgen.BENCH_READER}` (500 events): {ratio}.", ""]
    cold = [
        f"{r.backend} {r.articles:,}: " + ", ".join(f"{ms / 1000:.1f}" for ms in r.cold_ms)
        for r in results
        if r.cold_ms
    ]
    if cold:
        lines += ["- First requests after the server started, seconds: " + "; ".join(cold), ""]
    first = [
        f"{r.backend} {r.articles:,}: {r.first.rps:.1f} req/s (p50 {r.first.p50:.0f} ms, "
        f"p95 {r.first.p95:.0f} ms{f', {r.first.failed} failed' if r.first.failed else ''})"
        for r in results
        if r.first is not None
    ]
    if first:
        lines += [
            f"- Every heavy reader's first feed, before the load runs ({FIRST_CONNECTIONS} "
            "connections, each profile built from the reader's events and stored): "
            + "; ".join(first),
            "",
        ]
    lines += ["Targets:", "", *(_targets(results) or ["- nothing measured"]), ""]
    mem = _memory_lines(results)
    if len(mem) > 2:
        lines += ["Memory of the serving processes after the load:", "", *mem, ""]
    lines += ["Corpus generation:", "", *_generation(results), ""]
    paces = sorted({r.pace_ms for r in results if r.paced})
    runs = "/".join(str(x) for x in sorted({r.seconds for r in results if r.closed})) or "–"
    lines += [
        "How measured:",
        "",
        f"- Closed loop: `wrk -t1 -c{CONNECTIONS} -d{runs}s --timeout 60s` with a Lua script "
        f"(random heavy reader per request). With {CONNECTIONS} requests always in flight "
        f"Little's law gives latency ≈ {CONNECTIONS} / throughput, so this row measures "
        "capacity (req/s); its latencies are mostly queueing. The run is at least "
        f"{seconds} s and, for a slow server, up to {MAX_RUN_S} s: the requests in flight "
        "share the CPU (sync route in a thread pool), so the first answers come only after "
        f"~{CONNECTIONS} × (one request) / {WORKERS} workers.",
        f"- Paced: the same {CONNECTIONS} connections, each waiting a uniform random delay "
        f"(mean {', '.join(map(str, paces)) or '–'} ms: 250 ms less the one-request median) "
        f"after each response, so about {TARGET_RPS} req/s are offered while the server keeps "
        "up; its latencies are the ones to hold against the p95 target. When the server "
        "cannot keep up, connections wait on it and the achieved rate falls short: that is "
        "a miss, not a measurement error. Skipped when the closed-loop capacity is below "
        f"{PACED_MIN_SHARE:.0%} of {TARGET_RPS} req/s (it would only repeat the closed loop).",
        f"- Half load: paced the same way, offering {HALF_SHARE:.0%} of the closed-loop "
        "capacity measured just before (mean delay "
        f"{', '.join(map(str, sorted({r.half_pace_ms for r in results if r.half}))) or '–'} ms):"
        " the latency of a server that keeps up, whatever its capacity.",
        f"- One request: median of up to {SINGLE_REQUESTS} sequential requests (httpx, "
        "one connection, after a warm-up) for the benchmark reader: the per-request cost "
        "without queueing, compared across corpus sizes.",
        "- Before the load runs, the profiles stored by earlier runs are dropped and every "
        "heavy reader's feed is asked once (the line above): the load runs then serve readers "
        "who have been here before, whose profiles are stored (in the database, for both "
        "workers) and built again only when they do something new.",
        "- Memory: RSS and PSS (`/proc/PID/smaps_rollup`) of each uvicorn worker process "
        "(children of `tidings serve`) right after the load runs.",
        "- Latency percentiles are wrk's over the requests completed within the run (their "
        "number is next to the rate, with socket errors, timeouts and non-2xx answers when "
        f"there were any); when few complete, the up to {CONNECTIONS} still in flight at the "
        "end are not in them, so the percentiles understate the queueing.",
        f"- Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; "
        "OMP/OpenBLAS/MKL threads limited to 1 in the server.",
    ]
    loads = ", ".join(f"{r.backend} {r.articles:,}: {r.loadavg:.1f}" for r in results)
    lines.append(
        f"- 1-minute load average when each configuration started ({loads}): above "
        f"{WORKERS} means other work shared the cores and the figures are pessimistic."
    )
    lines += [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"
