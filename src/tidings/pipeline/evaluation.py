"""Offline evaluation on a MIND-format click log: read `news.tsv` and `behaviors.tsv` (plain or
`.gz`), embed the news texts, replay with `rank.offline.evaluate`, and draw the table."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import numpy as np

from tidings.core import InvalidInputError
from tidings.rank.offline import Impression, MindNews, Result, evaluate

__all__ = ["chart", "evaluate_mind", "read_behaviors", "read_news"]

TIME_FORMAT = "%m/%d/%Y %I:%M:%S %p"


def _open(folder: Path, name: str) -> Iterator[str]:
    for path in (folder / name, folder / f"{name}.gz"):
        if path.is_file():
            with (
                gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb") as raw,
                io.TextIOWrapper(raw, encoding="utf-8", errors="replace") as text,
            ):
                yield from text
            return
    raise InvalidInputError(f"no {name} or {name}.gz in {folder}")


def _find(folder: Path) -> Path:
    """The folder holding the files: `folder` itself, or one level down (MIND's zips unpack
    to `MINDsmall_train/`)."""
    if any((folder / n).is_file() for n in ("behaviors.tsv", "behaviors.tsv.gz")):
        return folder
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []:
        if any((sub / n).is_file() for n in ("behaviors.tsv", "behaviors.tsv.gz")):
            return sub
    raise InvalidInputError(f"no behaviors.tsv(.gz) in {folder} or a folder inside it")


def read_news(folder: Path) -> dict[str, MindNews]:
    out: dict[str, MindNews] = {}
    for line in _open(folder, "news.tsv"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 4 or not parts[0]:
            continue
        abstract = parts[4] if len(parts) > 4 else ""
        out[parts[0]] = MindNews(parts[0], parts[1], parts[2], parts[3], abstract)
    return out


def read_behaviors(folder: Path) -> list[Impression]:
    out: list[Impression] = []
    for number, line in enumerate(_open(folder, "behaviors.tsv"), 1):
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 5:
            continue
        try:
            when = datetime.strptime(parts[2].strip(), TIME_FORMAT)
            pairs = [c.rsplit("-", 1) for c in parts[4].split()]
            candidates = tuple(p[0] for p in pairs)
            labels = tuple(int(p[1]) if len(p) == 2 else 0 for p in pairs)
        except ValueError as exc:
            raise InvalidInputError(f"behaviors.tsv line {number}: {exc}") from None
        out.append(
            Impression(
                id=parts[0],
                user=parts[1],
                time=when,
                history=tuple(parts[3].split()),
                candidates=candidates,
                labels=labels,
            )
        )
    return out


def evaluate_mind(
    folder: Path,
    test_from: datetime | None = None,
    *,
    embed: Callable[[list[str]], np.ndarray] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Result:
    """Evaluate every model on a MIND folder. Without `test_from`, the last day of the log is
    the test day. `embed` turns texts into L2-normalised vectors (default: the enrichment
    embedding model)."""
    say = progress or (lambda _m: None)
    where = _find(folder)
    say(f"reading {where}")
    news = read_news(where)
    impressions = read_behaviors(where)
    if not impressions:
        raise InvalidInputError(f"no impressions in {where}")
    if test_from is None:
        last = max(i.time for i in impressions)
        test_from = datetime(last.year, last.month, last.day)
    wanted = sorted({n for i in impressions for n in (*i.history, *i.candidates) if n in news})
    vectors: dict[str, np.ndarray] = {}
    if wanted:
        say(f"embedding {len(wanted):,} news texts")
        if embed is None:
            from tidings.pipeline.analysis import shared_backend

            embed = shared_backend().encode
        texts = [f"{news[n].title}. {news[n].abstract}".strip() for n in wanted]
        for nid, vec in zip(wanted, embed(texts), strict=True):
            if np.any(vec):
                vectors[nid] = np.asarray(vec, dtype=np.float32)
    return evaluate(impressions, news, vectors, test_from, progress=say)


def as_json(result: Result) -> str:
    return json.dumps({"impressions": result.impressions, "models": result.models}, indent=2)


def chart(result: Result, path: Path, title: str) -> Path:
    """A grouped bar chart of every model's four metrics, as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metrics = ["auc", "mrr", "ndcg5", "ndcg10"]
    names = list(result.models)
    fig, ax = plt.subplots(figsize=(9, 4.5), dpi=120)
    width = 0.8 / max(len(names), 1)
    x = np.arange(len(metrics))
    for k, name in enumerate(names):
        values = [result.models[name][m] for m in metrics]
        bars = ax.bar(x + k * width - 0.4 + width / 2, values, width, label=name)
        ax.bar_label(bars, fmt="%.3f", fontsize=6, rotation=90, padding=2)
    ax.set_xticks(x, ["AUC", "MRR", "nDCG@5", "nDCG@10"])
    ax.set_ylim(0, 1)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, ncol=3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
