"""`make bench`: run every benchmark in one process and write BENCHMARKS.md.

Each benchmark is a module in `bench/` with `run() -> str` returning a Markdown section
(a `## ` heading, a table and notes). `python -m bench NAME ...` runs only the named benchmarks
and prints their sections without touching BENCHMARKS.md (for development); a plain
`python -m bench` runs them all and rewrites BENCHMARKS.md, so its tables always come from one
run."""

from __future__ import annotations

import importlib
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

REPO = Path(__file__).resolve().parent.parent
# Order in which sections appear in BENCHMARKS.md.
BENCHMARKS = ["zyte", "mozilla", "throughput", "conll", "topics", "enrichment", "mind", "feedload"]


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")
    except OSError:
        return "unknown"


def _header(total_s: float) -> str:
    cpus = os.cpu_count()
    return (
        "# Benchmarks\n\n"
        "Written by `make bench` (`python -m bench`); every table below comes from the same run.\n"
        "Do not edit by hand.\n\n"
        f"- Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {_commit()}, "
        f"{total_s / 60:.1f} min in all\n"
        f"- Machine: {platform.machine()}, {cpus} CPUs, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}\n"
        "- Threads: OMP/OpenBLAS/MKL limited to 1\n"
    )


def main(argv: list[str]) -> int:
    names = argv or BENCHMARKS
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        sys.stderr.write(f"unknown benchmark(s): {', '.join(unknown)}; known: {BENCHMARKS}\n")
        return 2
    started = time.monotonic()
    sections: list[str] = []
    for name in names:
        sys.stderr.write(f"== {name}\n")
        module = importlib.import_module(f"bench.{name}")
        t0 = time.monotonic()
        section = module.run().rstrip() + "\n"
        sys.stderr.write(f"== {name} done in {time.monotonic() - t0:.0f} s\n")
        sections.append(section)
        if argv:
            sys.stdout.write(section + "\n")
    if not argv:
        text = _header(time.monotonic() - started) + "\n" + "\n".join(sections)
        (REPO / "BENCHMARKS.md").write_text(text, encoding="utf-8")
        sys.stderr.write("wrote BENCHMARKS.md\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
