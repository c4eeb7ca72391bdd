"""`make bench`: run the benchmarks and write BENCHMARKS.md.

No benchmark exists yet: the extraction, enrichment and ranking benchmarks arrive with their
issues (see docs/roadmap.md). This entry point exists so `make bench` is wired from the start;
it exits non-zero so nobody mistakes it for a passing benchmark run."""

from __future__ import annotations

import sys


def main() -> int:
    sys.stderr.write("no benchmarks are implemented yet; see docs/roadmap.md\n")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
