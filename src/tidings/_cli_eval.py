"""`tidings eval`: offline evaluation of the ranking."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tidings._cli_base import app, err, friendly, out
from tidings.core import InvalidInputError

eval_app = typer.Typer(help="Evaluate the ranking offline.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


@eval_app.command("mind")
@friendly
def eval_mind(
    folder: Annotated[Path, typer.Argument(help="Folder with news.tsv and behaviors.tsv (or .gz)")],
    test_from: Annotated[
        str | None,
        typer.Option(
            "--test-from", help="First test day, YYYY-MM-DD (default: the log's last day)"
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
    chart: Annotated[
        Path, typer.Option(help="Where to write the PNG bar chart of the results")
    ] = Path("tidings-eval-mind.png"),
) -> None:
    """Replay a MIND click log: score every test impression's candidates with Tidings' ranker
    and the baselines (random, popularity, recency, content, collaborative) and report AUC,
    MRR, nDCG@5 and nDCG@10, averaged over impressions."""
    from tidings.pipeline.evaluation import as_json as to_json
    from tidings.pipeline.evaluation import chart as draw
    from tidings.pipeline.evaluation import evaluate_mind

    when = None
    if test_from is not None:
        try:
            when = datetime.strptime(test_from, "%Y-%m-%d")
        except ValueError:
            raise InvalidInputError(f"--test-from wants YYYY-MM-DD, not {test_from!r}") from None
    if not folder.exists():
        raise InvalidInputError(f"no such folder: {folder}")
    with err.status("evaluating…") as status:
        result = evaluate_mind(folder, when, progress=lambda m: status.update(m))
    title = f"MIND replay, {folder.name}: {result.impressions:,} test impressions"
    path = draw(result, chart, title)
    err.print(f"chart: {path}")
    if as_json:
        sys.stdout.write(to_json(result) + "\n")
        return
    table = Table(title=title)
    for col in ("model", "AUC", "MRR", "nDCG@5", "nDCG@10"):
        table.add_column(col, justify="left" if col == "model" else "right")
    for name, m in result.models.items():
        table.add_row(name, *(f"{m[k]:.4f}" for k in ("auc", "mrr", "ndcg5", "ndcg10")))
    out.print(table)
    out.print(
        f"ranker trained on {result.train_impressions:,} impressions "
        f"({result.train_days} day(s) before the test day)"
    )
