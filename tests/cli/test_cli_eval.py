"""`tidings eval mind` on the MIND sample (read by path from ../shared/data, never copied)."""

from __future__ import annotations

from pathlib import Path

from clirun import Cli
from support import SHARED, require

MIND = SHARED / "mind-small-sample"


def test_eval_mind_on_the_sample_prints_every_models_metrics_and_draws_a_chart(
    cli: Cli, tmp_path: Path
) -> None:
    require(MIND.is_dir(), f"MIND sample missing at {MIND}")
    chart = tmp_path / "eval.png"
    r = cli("eval", "mind", str(MIND), "--test-from", "2019-11-14", "--json", "--chart", str(chart))
    assert r.code == 0, r.err
    result = r.json()
    assert result["impressions"] == 968  # the sample's 11/14 impressions (SOURCE.md)
    models = result["models"]
    assert set(models) == {"random", "popularity", "recency", "content", "collaborative", "tidings"}
    for m in models.values():
        assert set(m) == {"auc", "mrr", "ndcg5", "ndcg10"}
    # quality gate: the learned ranker above every baseline on AUC and nDCG@10 (measured
    # 0.593 / 0.330 against the best baseline's 0.541 / 0.296)
    for name, m in models.items():
        if name != "tidings":
            assert models["tidings"]["auc"] > m["auc"], name
            assert models["tidings"]["ndcg10"] > m["ndcg10"], name
    assert models["tidings"]["auc"] >= 0.57
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_eval_mind_refuses_bad_input_clearly(cli: Cli, tmp_path: Path) -> None:
    r = cli("eval", "mind", str(tmp_path / "nowhere"))
    assert r.code == 1 and "no such folder" in r.err
    r = cli("eval", "mind", str(tmp_path))
    assert r.code == 1 and "no behaviors.tsv" in r.err
    r = cli("eval", "mind", str(MIND), "--test-from", "14/11/2019")
    assert r.code == 1 and "YYYY-MM-DD" in r.err
