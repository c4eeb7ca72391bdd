"""`tidings eval`: offline evaluation of the ranking."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tidings._cli_base import _settings, app, err, friendly, out
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


@eval_app.command("simulate")
@friendly
def eval_simulate(
    readers: Annotated[int, typer.Option(help="Synthetic readers", min=1)] = 30,
    seed: Annotated[int, typer.Option(help="Seed of the readers and their clicks")] = 0,
    follows: Annotated[
        bool,
        typer.Option(help="Let every other reader follow their main interest at sign-up"),
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
) -> None:
    """Simulate synthetic readers with hidden interests on the demo corpus (in a temporary
    database): they click the feed with a position-biased click model; report nDCG@10 against
    their interests and the diversity of the top 20 after 0, 5, 10, 20 and 50 clicks."""
    from tidings.pipeline.simulation import as_json as to_json
    from tidings.pipeline.simulation import simulate

    settings = _settings()
    with err.status("simulating…") as status:
        result = simulate(
            settings,
            readers=readers,
            seed=seed,
            follows=follows,
            progress=lambda m: status.update(m),
        )
    err.print(
        f"{result.readers} readers, {result.pages:,} pages, {result.clicks:,} clicks "
        f"(scorer: {result.scorer}); setup {result.setup_s:.0f} s, "
        f"simulation {result.run_s:.0f} s"
    )
    if as_json:
        sys.stdout.write(to_json(result) + "\n")
        return
    groups = [("all readers", result.readers, result.checkpoints)] + [
        (f"{name} ({n})", n, cps) for name, (n, cps) in result.groups.items()
    ]
    for title, _n, cps in groups:
        table = Table(title=f"Simulated readers: {title}")
        for col in ("clicks", "nDCG@10", "nDCG@10 unread", "topics in top 20", "ILD", "explore"):
            table.add_column(col, justify="right")
        for c, cp in cps.items():
            table.add_row(
                str(c),
                _num(cp.ndcg10),
                _num(cp.ndcg10_unread),
                _num(cp.distinct_topics, 1),
                _num(cp.intra_list_distance),
                _num(cp.explore_share, 2),
            )
        out.print(table)


def _num(value: float | None, places: int = 3) -> str:
    return "–" if value is None else f"{value:.{places}f}"
