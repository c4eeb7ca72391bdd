"""`tidings train`: learn the feed ranker from the feed pages served and what readers did
next, and write it as a new model version that the servers pick up."""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from tidings.core import InvalidInputError, Settings
from tidings.core.text import utcnow
from tidings.rank.coread import fit_coread
from tidings.rank.features import FEATURES
from tidings.rank.profile import dwell_weight
from tidings.rank.scoring import COREAD, CURRENT, MODEL_FORMAT
from tidings.rank.training import Action, ServedPage, TrainingReport, train_ranker
from tidings.store import Store

log = logging.getLogger(__name__)

KEEP_VERSIONS = 5
_ACTION_KINDS = {"click", "read", "save", "hide", "fewer_like_this"}


def train(
    store: Store,
    model_dir: Path | None,
    *,
    days: float = 14.0,
    min_groups: int = 50,
    now: datetime | None = None,
) -> tuple[TrainingReport, str | None]:
    """Train on the last `days` of the feed log. Returns the report and the version written
    (None when there was too little to learn from or the model lost to the hand-set scorer;
    the current model, if any, then stays)."""
    if model_dir is None:
        raise InvalidInputError("no model folder: set TIDINGS_MODEL_DIR")
    when = now or utcnow()
    start = when - timedelta(days=days)
    pages = []
    width = len(FEATURES)
    for _id, reader, at, ids, blob, _model in store.ranking.impressions(since=start):
        if not blob or not ids:
            continue
        feats = np.frombuffer(blob, dtype="<f2").astype(np.float32)
        if feats.size != len(ids) * width:
            continue  # logged with another feature set: not comparable
        pages.append(ServedPage(reader, at, ids, feats.reshape(len(ids), width)))
    actions = [
        Action(reader, article, kind, at, dwell)
        for reader, article, kind, dwell, at in store.ranking.events_between(
            start, when + timedelta(days=1)
        )
        if article is not None and kind in _ACTION_KINDS
    ]
    booster, report = train_ranker(pages, actions, min_groups=min_groups)
    _train_coread(store, model_dir, start, when, report)
    if booster is None or not report.accepted:
        log.info("tidings train: %s", report.reason)
        return report, None
    version = when.strftime("%Y%m%dT%H%M%SZ")
    model_dir.mkdir(parents=True, exist_ok=True)
    name = f"ranker-{version}.txt"
    booster.save_model(str(model_dir / name))
    meta = {
        "format": MODEL_FORMAT,
        "version": version,
        "file": name,
        "features": list(FEATURES),
        "trained_at": when.isoformat(),
        "report": asdict(report),
    }
    (model_dir / f"ranker-{version}.json").write_text(json.dumps(meta, indent=2), "utf-8")
    tmp = model_dir / f".{CURRENT}.tmp"
    tmp.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    os.replace(tmp, model_dir / CURRENT)  # servers never read a half-written pointer
    _prune(model_dir)
    log.info("tidings train: model %s in use (%s)", version, report.reason)
    return report, version


def _train_coread(
    store: Store, model_dir: Path, start: datetime, when: datetime, report: TrainingReport
) -> None:
    """Fit the co-read model (ALS over readers × articles and their entities) on the same
    days and name it in `coread.json`; servers pick it up like the ranker."""
    weights = {"click": 1.0, "save": 3.0}
    interactions = [
        (reader, article, weights.get(kind) or dwell_weight(dwell))
        for reader, article, kind, dwell in store.ranking.interactions(since=start)
    ]
    articles = sorted({a for _r, a, _w in interactions})
    entities_of = {
        s.id: [(key, sal) for key, _name, sal in s.entities]
        for s in store.ranking.signals(ids=articles)
    }
    model = fit_coread(interactions, entities_of)
    if model is None:
        return
    model_dir.mkdir(parents=True, exist_ok=True)
    version = when.strftime("%Y%m%dT%H%M%SZ")
    name = f"coread-{version}.npz"
    model.save(model_dir / name)
    tmp = model_dir / f".{COREAD}.tmp"
    tmp.write_text(json.dumps({"format": MODEL_FORMAT, "version": version, "file": name}), "utf-8")
    os.replace(tmp, model_dir / COREAD)
    report.coread_readers = len(model.reader_ids)
    report.coread_items = len(model.article_ids) + len(model.entity_keys)
    for old in sorted(model_dir.glob("coread-*.npz"))[:-KEEP_VERSIONS]:
        old.unlink(missing_ok=True)


def _prune(model_dir: Path) -> None:
    """Keep the newest `KEEP_VERSIONS` model versions."""
    versions = sorted(model_dir.glob("ranker-*.json"))
    for old in versions[:-KEEP_VERSIONS]:
        old.unlink(missing_ok=True)
        old.with_suffix(".txt").unlink(missing_ok=True)


def train_periodically(store: Store, settings: Settings) -> None:
    """Retrain every `train_interval_hours`, forever (`tidings serve` runs this in a thread);
    the servers pick the new version up. A failed run is logged and retried next interval."""
    while True:
        time.sleep(settings.train_interval_hours * 3600)
        try:
            report, version = train(store, settings.model_dir)
            log.info(
                "scheduled training: %s%s", report.reason, f" (model {version})" if version else ""
            )
        except Exception:  # never take the server down
            log.exception("scheduled training failed")
