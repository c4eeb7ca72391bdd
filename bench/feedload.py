"""Feed latency and memory under load (issue 5): `tidings serve --workers 2` on a synthetic
corpus (`bench/_feedgen.py`: 10k / 100k / 1M articles in the 72 h window, 10,000 readers,
1M events), on SQLite and PostgreSQL, driven by `wrk` over loopback.

Knobs (environment): TIDINGS_BENCH_FEED_SIZES=10000,100000,1000000,
TIDINGS_BENCH_FEED_BACKENDS=sqlite,postgresql, TIDINGS_BENCH_FEED_SECONDS=20 (each wrk run),
TIDINGS_BENCH_FEED_PG_MAX=1000000 (largest corpus generated on PostgreSQL),
TIDINGS_BENCH_FEED_MAX_AGE_H=48 (a cached corpus older than this is generated again),
TIDINGS_BENCH_FEED_TIMEOUT_S=600 (longest wait for one feed request)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import IO

import httpx

from bench import _feedgen

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / "var" / "bench"
CONNECTIONS = 50
TARGET_RPS = 200
TARGET_P95_MS = 50.0
TARGET_RSS_MB = 1024
SINGLE_REQUESTS = 50
SINGLE_BUDGET_S = 60.0
WORKERS = 2
LIMIT = 30
MAX_RUN_S = 120  # longest closed-loop run (slow servers get longer runs, up to this)
FIRST_TIMEOUT_S = float(os.environ.get("TIDINGS_BENCH_FEED_TIMEOUT_S", "600"))
TOO_SLOW_MS = 30_000.0  # one request slower than this: no load run (nothing would complete)
HALF_SHARE = 0.5  # the second paced run offers this share of the measured capacity
PACED_MIN_SHARE = 0.25  # below this share of the target capacity the paced run is skipped
FIRST_CONNECTIONS = 8  # the pass that asks every heavy reader's first feed

_LUA = """
math.randomseed(%(seed)d)
local pace = %(pace)d
request = function()
  local id = math.random(%(lo)d, %(hi)d)
  return wrk.format("GET", "/api/v1/readers/" .. id .. "/feed?limit=%(limit)d")
end
if pace > 0 then
  delay = function() return math.random(0, 2 * pace) end
end
done = function(s, latency, requests)
  local e = s.errors
  io.write(string.format("FEEDLOAD %%d %%d %%d %%d %%d %%d %%d\\n", s.requests, s.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


@dataclass
class Load:
    requests: int = 0
    rps: float = 0.0
    p50: float = 0.0  # milliseconds
    p95: float = 0.0
    p99: float = 0.0
    errors: int = 0  # socket errors and timeouts
    non2xx: int = 0


@dataclass
class First:
    """The pass that asks each heavy reader's feed once, before the load runs: every profile
    is built from the reader's events (and stored, as for a reader who comes back)."""

    requests: int = 0
    seconds: float = 0.0
    p50: float = 0.0  # milliseconds
    p95: float = 0.0
    failed: int = 0
    dropped: int = 0  # stored profiles dropped before the server started

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Memory:
    workers: list[tuple[int, int, int]] = field(default_factory=list)  # pid, RSS kB, PSS kB
    parent_rss_kb: int = 0


@dataclass
class Result:
    backend: str
    articles: int
    gen: _feedgen.Generated | None = None
    closed: Load | None = None
    paced: Load | None = None
    pace_ms: int = 0
    half: Load | None = None  # paced at half the closed-loop capacity
    half_pace_ms: int = 0
    seconds: int = 0  # closed-loop run length
    single_ms: float | None = None
    single_n: int = 0
    memory: Memory | None = None
    error: str | None = None
    skipped: str | None = None  # why the load runs were not made
    cold_ms: list[float] = field(default_factory=list)  # the first requests after start
    first: First | None = None  # every heavy reader's first feed (no stored profile yet)
    loadavg: float = 0.0  # the machine's 1-minute load average when the run started


def _log(msg: str) -> None:
    sys.stderr.write(f"[feedload] {msg}\n")
    sys.stderr.flush()


def _env_list(name: str, default: str) -> list[str]:
    return [s.strip() for s in os.environ.get(name, default).split(",") if s.strip()]


def _ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    _log("wrk missing: apt-get install -y wrk")
    cmd = ["apt-get", "install", "-y", "wrk"]
    if subprocess.run(cmd, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update"], capture_output=True, timeout=300)
        subprocess.run(cmd, capture_output=True, timeout=300, check=True)
    return shutil.which("wrk") or "wrk"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _server(url: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`tidings serve --workers 2` on a free loopback port, stopped (process group) after."""
    port = _free_port()
    env = os.environ | {
        "TIDINGS_DATABASE_URL": url,
        "TIDINGS_LOAD_DEMO": "false",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    cmd = [str(REPO / ".venv" / "bin" / "tidings"), "serve", "--workers", str(WORKERS)]
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [*cmd, "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_healthy(proc, log, f"http://127.0.0.1:{port}")
            yield proc, f"http://127.0.0.1:{port}"
        finally:
            _stop(proc)


def _wait_healthy(proc: subprocess.Popen[bytes], log: IO[bytes], base: str) -> None:
    deadline = time.monotonic() + 180
    while True:
        if proc.poll() is not None:
            log.seek(0)
            tail = log.read().decode(errors="replace")[-1500:]
            raise RuntimeError(f"tidings serve exited with {proc.returncode}: {tail}")
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("tidings serve did not answer /api/v1/health within 180 s")
        time.sleep(0.5)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group, SIGKILL if it lingers."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _feed_path(reader_id: int) -> str:
    return f"/api/v1/readers/{reader_id}/feed?limit={LIMIT}"


def _timed_get(base: str, reader_id: int) -> float:
    """Milliseconds of one feed request (generous timeout: the slow cases are the point)."""
    t0 = time.perf_counter()
    httpx.get(base + _feed_path(reader_id), timeout=FIRST_TIMEOUT_S).raise_for_status()
    return (time.perf_counter() - t0) * 1000


def _drop_profiles(url: str) -> int:
    """Forget the profiles an earlier run stored, so that every run builds them all once."""
    from tidings.store import Store

    store = Store.open(url)
    try:
        return store.ranking.drop_profiles()
    finally:
        store.close()


def _first_feeds(base: str, readers: tuple[int, ...]) -> First:
    """Each reader's feed once, over FIRST_CONNECTIONS connections."""
    local = threading.local()
    took: list[float] = []
    failures: list[int] = []

    def one(rid: int) -> None:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(base_url=base, timeout=FIRST_TIMEOUT_S)
        t0 = time.perf_counter()
        try:
            client.get(_feed_path(rid)).raise_for_status()
            took.append((time.perf_counter() - t0) * 1000)
        except httpx.HTTPError:
            failures.append(rid)

    started = time.perf_counter()
    with ThreadPoolExecutor(FIRST_CONNECTIONS) as pool:
        list(pool.map(one, readers))
    seconds = time.perf_counter() - started
    took.sort()
    if not took:
        return First(0, seconds, failed=len(failures))
    p95 = took[int(0.95 * (len(took) - 1))]
    return First(len(took), seconds, statistics.median(took), p95, len(failures))


def _single(base: str, reader_id: int) -> tuple[float, int]:
    """Median latency (ms) of sequential requests for one reader, bounded in time."""
    took: list[float] = []
    deadline = time.monotonic() + SINGLE_BUDGET_S
    with httpx.Client(base_url=base, timeout=120) as client:
        client.get(_feed_path(reader_id)).raise_for_status()  # warm
        while len(took) < SINGLE_REQUESTS and time.monotonic() < deadline:
            t0 = time.perf_counter()
            client.get(_feed_path(reader_id)).raise_for_status()
            took.append((time.perf_counter() - t0) * 1000)
    return statistics.median(took), len(took)


def _wrk(base: str, heavy: tuple[int, ...], seconds: int, pace_ms: int) -> Load:
    script = _LUA % {
        "seed": 5,
        "pace": pace_ms,
        "lo": min(heavy),
        "hi": max(heavy),
        "limit": LIMIT,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        cmd = [_ensure_wrk(), "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "60s"]
        out = subprocess.run(
            [*cmd, "-s", f.name, base + "/"], capture_output=True, text=True, timeout=seconds + 90
        )
    finally:
        os.unlink(f.name)
    m = re.search(r"^FEEDLOAD (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", out.stdout, re.M)
    if not m:
        raise RuntimeError(f"wrk gave no summary: {out.stdout[-800:]} {out.stderr[-800:]}")
    n, dur_us, p50, p95, p99, errors, non2xx = (int(g) for g in m.groups())
    return Load(n, n / (dur_us / 1e6), p50 / 1000, p95 / 1000, p99 / 1000, errors, non2xx)


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out += [int(c) for c in (task / "children").read_text().split()]
    return out


def _rollup(pid: int) -> tuple[int, int]:
    text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    rss = int(re.search(r"^Rss:\s+(\d+)", text, re.M).group(1))  # type: ignore[union-attr]
    pss = int(re.search(r"^Pss:\s+(\d+)", text, re.M).group(1))  # type: ignore[union-attr]
    return rss, pss


def _memory(pid: int) -> Memory:
    mem = Memory(parent_rss_kb=_rollup(pid)[0])
    for child in _children(pid):
        try:
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                mem.workers.append((child, *_rollup(child)))
        except OSError:
            continue
    return mem


def _measure(backend: str, n: int, seconds: int, max_age: timedelta) -> Result:
    res = Result(backend, n, loadavg=os.getloadavg()[0])
    try:
        res.gen = gen = _feedgen.ensure(backend, n, CACHE, max_age=max_age)
        dropped = _drop_profiles(gen.url)
        with _server(gen.url) as (proc, base):
            # Each worker process may build state on its first request: time the first few
            # (new connections land on either worker) until two in a row are fast.
            for _ in range(2 * WORKERS + 1):
                res.cold_ms.append(_timed_get(base, gen.bench_reader_id))
                _log(f"{backend} {n:,}: early request {res.cold_ms[-1]:.0f} ms")
                if len(res.cold_ms) >= 2 and max(res.cold_ms[-2:]) <= TOO_SLOW_MS:
                    break
            if res.cold_ms[-1] > TOO_SLOW_MS:
                # Far too slow for load: 50 in flight would answer after ~50 × this / 2.
                res.single_ms, res.single_n = res.cold_ms[-1], 1
                res.skipped = f"load not run: one request takes {res.single_ms / 1000:.0f} s"
                _log(f"{backend} {n:,}: {res.skipped}")
                res.memory = _memory(proc.pid)
                return res
            _log(f"{backend} {n:,}: first feed of {len(gen.heavy_reader_ids):,} readers")
            res.first = _first_feeds(base, gen.heavy_reader_ids)
            res.first.dropped = dropped
            _log(
                f"{backend} {n:,}: first feeds {res.first.rps:.1f} rps, "
                f"p95 {res.first.p95:.0f} ms, {res.first.failed} failed"
            )
            res.single_ms, res.single_n = _single(base, gen.bench_reader_id)
            _log(f"{backend} {n:,}: single request median {res.single_ms:.0f} ms")
            # In a closed loop the in-flight requests share the CPU: when one takes L seconds
            # alone, the first answers come after ~ CONNECTIONS * L / WORKERS. Run long enough
            # for several such rounds (bounded) or nothing completes.
            rounds = 3 * CONNECTIONS * res.single_ms / 1000 / WORKERS
            res.seconds = int(min(MAX_RUN_S, max(seconds, rounds)))
            res.closed = _wrk(base, gen.heavy_reader_ids, res.seconds, 0)
            _log(f"{backend} {n:,}: closed loop {res.closed.rps:.1f} rps ({res.seconds} s)")
            if res.closed.rps >= TARGET_RPS * PACED_MIN_SHARE:
                # Each connection waits (uniform, mean pace) after each response: 50
                # connections then offer ~200 requests/s while the latency is small.
                res.pace_ms = max(0, round(CONNECTIONS / TARGET_RPS * 1000 - res.single_ms))
                res.paced = _wrk(base, gen.heavy_reader_ids, seconds, res.pace_ms)
                _log(f"{backend} {n:,}: paced {res.paced.rps:.1f} rps, p95 {res.paced.p95:.0f}")
            if res.closed.rps > 0:
                # Latency at a load the server holds: half of its measured capacity offered.
                res.half_pace_ms = max(
                    0, round(CONNECTIONS / (HALF_SHARE * res.closed.rps) * 1000 - res.single_ms)
                )
                res.half = _wrk(base, gen.heavy_reader_ids, seconds, res.half_pace_ms)
                _log(f"{backend} {n:,}: half load {res.half.rps:.1f} rps, p95 {res.half.p95:.0f}")
            res.memory = _memory(proc.pid)
    except Exception as exc:  # one failing configuration must not lose the others
        _log(f"{backend} {n:,}: failed: {exc}")
        res.error = f"{type(exc).__name__}: {exc}"[:300]
    return res


def _postgres_ready() -> str | None:
    out = subprocess.run(
        ["bash", str(REPO / ".ci" / "setup-postgres.sh")], capture_output=True, text=True
    )
    return None if out.returncode == 0 else (out.stderr or out.stdout).strip()[-300:]


def run() -> str:
    sizes = [int(s) for s in _env_list("TIDINGS_BENCH_FEED_SIZES", "10000,100000,1000000")]
    backends = _env_list("TIDINGS_BENCH_FEED_BACKENDS", "sqlite,postgresql")
    seconds = int(os.environ.get("TIDINGS_BENCH_FEED_SECONDS", "20"))
    pg_max = int(os.environ.get("TIDINGS_BENCH_FEED_PG_MAX", "1000000"))
    max_age = timedelta(hours=float(os.environ.get("TIDINGS_BENCH_FEED_MAX_AGE_H", "48")))
    _ensure_wrk()
    results: list[Result] = []
    notes: list[str] = []
    for backend in backends:
        if backend == "postgresql":
            problem = _postgres_ready()
            if problem:
                notes.append(f"PostgreSQL skipped: cannot start it ({problem}).")
                continue
        for n in sizes:
            if backend == "postgresql" and n > pg_max:
                notes.append(
                    f"PostgreSQL {n:,} articles not run (TIDINGS_BENCH_FEED_PG_MAX={pg_max:,})."
                )
                continue
            results.append(_measure(backend, n, seconds, max_age))
    from bench._feedreport import render

    return render(results, notes, seconds)


if __name__ == "__main__":
    sys.stdout.write(run())
