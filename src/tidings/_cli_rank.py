"""`tidings train`: learn the feed ranker from the platform's own feed log."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Annotated

import typer

from tidings._cli_base import _open, app, err, friendly, out


@app.command()
@friendly
def train(
    days: Annotated[
        float, typer.Option(min=0.1, help="Learn from this many days of the log")
    ] = 14.0,
    min_pages: Annotated[
        int,
        typer.Option(
            min=1, help="Feed pages with a clicked and an unclicked story needed to learn from"
        ),
    ] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
) -> None:
    """Train the feed ranker (LightGBM LambdaRank) on the feed pages served and what readers
    did next; the servers switch to it when it ranks held-out pages at least as well as the
    hand-set scorer. Until then, and whenever a model is missing or broken, the hand-set
    scorer ranks the feed."""
    from tidings.pipeline.training import train as run

    settings, store, _ = _open()
    with err.status("training the ranker…"):
        report, version = run(store, settings.model_dir, days=days, min_groups=min_pages)
    if as_json:
        sys.stdout.write(json.dumps({"version": version, **asdict(report)}) + "\n")
        return
    out.print(
        f"{report.pages:,} feed pages, {report.groups:,} with a clicked and an unclicked story"
    )
    if report.model:
        out.print(
            f"held out ({report.validation_groups:,} pages): model AUC {report.model['auc']:.4f}"
            f" nDCG@10 {report.model['ndcg10']:.4f}; hand-set AUC {report.hand_set['auc']:.4f}"
            f" nDCG@10 {report.hand_set['ndcg10']:.4f}"
        )
    out.print(report.reason)
    if version:
        out.print(f"model {version} written to {settings.model_dir} and in use")
