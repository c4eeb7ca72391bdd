"""Article body extraction on the Zyte (Scrapinghub) article-extraction benchmark, 181 pages.

Tidings (`tidings.extract.extract_html`) and the peers (bench/peers.py) run on the same pages in
the same run; each output is scored against `ground-truth.json` articleBody with token-level
precision/recall/F1 (bench/metrics.py), averaged over pages. Body extraction was tuned on the
pages whose id starts with 0-7 only; the held-out half (8-f) is reported on its own."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable
from pathlib import Path

from bench._data import shared_data
from bench.metrics import PRF, mean_prf, token_prf
from bench.peers import PEERS

TUNE_PREFIXES = tuple("01234567")


def _tidings_body(html: str, url: str | None) -> str:
    from tidings.core.errors import ExtractError
    from tidings.extract import extract_html

    try:
        return "\n".join(extract_html(html, url).body_paragraphs)
    except ExtractError:
        return ""


def load_pages(root: Path) -> list[tuple[str, str, str, str]]:
    """(id, url, html, gold body) for every page of the benchmark, sorted by id."""
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        raw = gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes())
        html = raw.decode("utf-8", "replace")
        pages.append((page_id, truth[page_id]["url"], html, truth[page_id]["articleBody"] or ""))
    return pages


def _measure(
    body: Callable[[str, str | None], str], pages: list[tuple[str, str, str, str]]
) -> tuple[dict[str, PRF], float]:
    scores: dict[str, PRF] = {}
    started = time.perf_counter()
    for page_id, url, html, gold in pages:
        scores[page_id] = token_prf(body(html, url), gold)
    return scores, len(pages) / max(time.perf_counter() - started, 1e-9)


def run() -> str:
    root = shared_data() / "zyte-article-extraction-benchmark"
    pages = load_pages(root)
    systems: dict[str, Callable[[str, str | None], str]] = {"Tidings": _tidings_body, **PEERS}
    results = {name: _measure(body, pages) for name, body in systems.items()}
    tidings_f1 = mean_prf(results["Tidings"][0].values()).f1

    def half(scores: dict[str, PRF], tuned: bool) -> float:
        return mean_prf(s for pid, s in scores.items() if pid.startswith(TUNE_PREFIXES) == tuned).f1

    n_tune = sum(pid.startswith(TUNE_PREFIXES) for pid, *_ in pages)
    lines = [
        f"## Extraction: Zyte article-extraction benchmark ({len(pages)} pages)",
        "",
        "| system | precision | recall | F1 | F1 ratio vs Tidings | F1 tuning half "
        f"({n_tune}) | F1 held-out half ({len(pages) - n_tune}) | pages/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, (scores, rate) in results.items():
        total = mean_prf(scores.values())
        label = f"**{name}**" if name == "Tidings" else name
        lines.append(
            f"| {label} | {total.precision:.4f} | {total.recall:.4f} | {total.f1:.4f} | "
            f"{total.f1 / tidings_f1:.3f} | {half(scores, True):.4f} | "
            f"{half(scores, False):.4f} | {rate:.1f} |"
        )
    lines += [
        "",
        "Method: every system gets the same decoded HTML and the page URL; the body it returns is "
        "scored against the benchmark's `articleBody` as multisets of lower-cased `\\w+` tokens "
        "(precision, recall, F1 per page, then averaged over pages). Tidings is "
        "`tidings.extract.extract_html` (the whole extraction, metadata included, so its pages/s "
        "is the full cost); peers are used as their docs show (bench/peers.py): "
        "`trafilatura.extract(html, url=url)`, readability-lxml `Document(html).summary()` "
        "rendered by html-text, newspaper4k `Article(url).download(input_html=html).parse()`. "
        "Tidings' body rules were tuned on the pages whose id starts with 0-7 only; the held-out "
        "column is the other half. pages/s is single-process wall time on this machine.",
    ]
    return "\n".join(lines) + "\n"
