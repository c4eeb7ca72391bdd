"""The feedback loop on a real database: served feed pages are logged with their features,
`tidings train` learns from them and what readers did next, the servers switch to the new
model version, and a broken model falls back to the hand-set scorer."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from tidings.core import Article, Event, EventKind, Settings, SourceKind
from tidings.core.text import utcnow
from tidings.pipeline import Pipeline
from tidings.pipeline.feed import FeedService
from tidings.pipeline.training import train
from tidings.rank.features import FEATURES, F
from tidings.rank.scoring import COREAD, CURRENT


def _corpus(pipeline: Pipeline) -> dict[int, bool]:
    """30 articles from one source, alike but for their length: id → is it long?"""
    source = pipeline.store.sources.add("https://wire.example/", SourceKind.FEED)
    now = utcnow()
    words = [
        "the",
        "council",
        "met",
        "again",
        "on",
        "tuesday",
        "to",
        "discuss",
        "the",
        "budget",
        "and",
        "the",
        "new",
        "plan",
    ]
    articles = []
    for i in range(30):
        n = 900 if i % 2 else 60
        body = " ".join(words[j % len(words)] for j in range(n))
        articles.append(
            Article(
                title=f"Council story {i}",
                body_paragraphs=(f"Story {i}. {body}",),
                guid=f"s{i}",
                published=now - timedelta(hours=2 + i * 0.1),
            )
        )
    pipeline.save_articles(source, articles)
    return {
        a.id: int(a.article.title.rsplit(" ", 1)[-1]) % 2 == 1
        for a in pipeline.store.articles.recent(100)
    }


def test_served_pages_are_logged_and_a_trained_model_takes_over(
    pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    store = pipeline.store
    long = _corpus(pipeline)
    service = FeedService(store, settings.model_copy(update={"model_dir": tmp_path / "models"}))
    readers = [store.readers.create(f"reader {i}").id for i in range(8)]
    rng = np.random.default_rng(5)
    start = utcnow() - timedelta(hours=10)
    pages = 0
    for step in range(5):
        for rid in readers:
            at = start + timedelta(minutes=10 * (step * len(readers) + rid))
            items = service.feed(rid, limit=20, now=at)
            pages += 1
            for pos, it in enumerate(items):
                # readers of this paper open long stories (and a few short ones)
                p = (0.5 if long[it.article.id] else 0.04) / (1 + pos * 0.1)
                if rng.random() < p:
                    store.events.record(
                        Event(rid, it.article.id, EventKind.CLICK, at=at + timedelta(minutes=1))
                    )
    logged = store.ranking.impressions(since=start - timedelta(hours=1))
    assert len(logged) == pages
    _id, rid, at, ids, blob, model = logged[0]
    assert model == "hand-set" and len(ids) == 20
    feats = np.frombuffer(blob, dtype="<f2").reshape(len(ids), len(FEATURES))
    assert feats[:, F["freshness"]].max() > 0.9  # what placed them, row per article

    report, version = train(store, tmp_path / "models", min_groups=20)
    assert version is not None and report.accepted, report
    assert report.model["auc"] > report.hand_set["auc"]
    meta = json.loads((tmp_path / "models" / CURRENT).read_text())
    assert meta["version"] == version and (tmp_path / "models" / meta["file"]).exists()

    # the co-read model of the same log is written beside it
    assert report.coread_readers == len(readers) and (tmp_path / "models" / COREAD).exists()

    # a new server process (or this one, a few seconds later) ranks with the new model
    fresh = FeedService(store, settings.model_copy(update={"model_dir": tmp_path / "models"}))
    assert fresh.scorer().name == f"lightgbm:{version}"
    user, items = fresh.coread(fresh.state.index(), readers[0])
    assert user is not None and items is not None and items.shape[0] == fresh.state.index().size
    newcomer = store.readers.create("newcomer").id
    top = fresh.feed(newcomer, limit=10)
    assert sum(long[it.article.id] for it in top) >= 8  # it learnt what readers open
    assert store.ranking.impressions(since=utcnow() - timedelta(minutes=5))[-1][5] == (
        f"lightgbm:{version}"
    )


def test_too_few_pages_keep_the_hand_set_scorer(pipeline: Pipeline, tmp_path: Path) -> None:
    report, version = train(pipeline.store, tmp_path / "models", min_groups=20)
    assert version is None and not (tmp_path / "models" / CURRENT).exists()
    assert "hand-set scorer stays" in report.reason


def test_a_broken_model_file_falls_back_to_the_hand_set_scorer(
    pipeline: Pipeline,
    settings: Settings,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _corpus(pipeline)
    models = tmp_path / "models"
    models.mkdir()
    (models / CURRENT).write_text(
        json.dumps({"format": 1, "version": "x", "file": "gone.txt", "features": ["follow"]}),
        encoding="utf-8",
    )
    service = FeedService(pipeline.store, settings.model_copy(update={"model_dir": models}))
    reader = pipeline.store.readers.create("r").id
    with caplog.at_level(logging.WARNING):
        items = service.feed(reader, limit=5)
    assert len(items) == 5 and service.scorer().name == "hand-set"
    assert any("using the hand-set scorer" in r.getMessage() for r in caplog.records)
