"""`tidings eval simulate`: a small run of synthetic readers over the enriched demo corpus."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from clirun import Cli

FIELDS = {
    "ndcg10",
    "ndcg10_unread",
    "distinct_topics",
    "intra_list_distance",
    "explore_share",
    "readers",
}


def _tidings() -> list[str]:
    script = Path(sys.executable).with_name("tidings")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tidings.cli"]


@pytest.mark.timeout(900)
def test_eval_simulate_reports_every_checkpoint_for_both_groups(cli: Cli) -> None:
    # run here rather than through `cli(...)`: loading and enriching the demo takes most of
    # its three minutes on a busy two-core machine
    proc = subprocess.run(
        [*_tidings(), "eval", "simulate", "--readers", "4", "--seed", "1", "--json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=cli.env(),
        cwd=cli.cwd,
        timeout=840,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    result = json.loads(proc.stdout)
    assert result["readers"] == 4 and result["seed"] == 1
    assert result["articles"] >= 310  # the Wikinews demo and the seed page
    assert set(result["checkpoints"]) == {"0", "5", "10", "20", "50"}
    for point in result["checkpoints"].values():
        assert set(point) == FIELDS
        assert point["readers"] == 4
        assert 0.0 <= point["ndcg10"] <= 1.0
        assert 0.0 <= point["explore_share"] <= 1.0
        assert 0.0 <= point["intra_list_distance"] <= 2.0
        assert 1 <= point["distinct_topics"] <= 20
    assert set(result["groups"]) == {"follows", "cold"}
    for group in result["groups"].values():
        assert group["readers"] == 2
        assert set(group["checkpoints"]["0"]) == FIELDS
    # a follow made at sign-up takes effect on the very first page
    follows, cold = (result["groups"][g]["checkpoints"]["0"]["ndcg10"] for g in ("follows", "cold"))
    assert follows > cold
    assert result["clicks"] > 0 and result["pages"] >= 4 * 5
    # nothing is left behind in the install's own database
    assert not cli.db.exists() or "Simulated reader" not in cli.db.read_bytes().decode("latin-1")
