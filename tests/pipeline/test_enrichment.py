"""Deferred enrichment: articles are saved pending, `enrich_pending` finds their entities in
batches, and a run killed with SIGKILL is resumed by the next one without partial writes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace

import sqlalchemy as sa
from rssgen import stories

from support import REPO, SHARED, make_settings
from tidings.core import Article, EntityMention, SourceKind
from tidings.core.text import normalise_key
from tidings.enrich.entities import EntityExtractor
from tidings.pipeline import Enricher, Pipeline
from tidings.store import Store
from tidings.store.tables import article_entities, articles


def _enriched(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(
            conn.execute(
                sa.select(sa.func.count())
                .select_from(articles)
                .where(articles.c.enriched_at.is_not(None))
            ).scalar_one()
        )


def _entity_rows(store: Store) -> dict[int, int]:
    with store.engine.connect() as conn:
        return dict(
            conn.execute(
                sa.select(article_entities.c.article_id, sa.func.count()).group_by(
                    article_entities.c.article_id
                )
            ).all()
        )


def _names(found: list[EntityMention] | tuple[EntityMention, ...]) -> set[str]:
    """Entity keys (an entity's display name and label are shared by every article that
    mentions it: the first one sets them)."""
    return {normalise_key(m.name) for m in found}


def test_saved_articles_wait_for_enrichment_then_get_their_entities(
    pipeline: Pipeline, entity_extractor: EntityExtractor
) -> None:
    store = pipeline.store
    source = store.sources.add("https://wikinews.example/", SourceKind.FEED)
    # as a feed gives them, without a language: enrichment finds it
    s = [replace(a, language=None) for a in stories(12)]
    assert pipeline.save_articles(source, s) == 12
    assert store.articles.count_pending_enrichment() == 12
    assert _entity_rows(store) == {}
    assert {a.article.language for a in store.articles.recent()} == {None}

    progress: list[int] = []
    enricher = Enricher(store, pipeline.settings, entity_extractor)
    assert enricher.run(batch=5, progress=progress.append) == 12
    assert progress == [5, 10, 12]
    assert enricher.pending() == 0 and pipeline.enrich_pending() == 0
    assert {a.article.language for a in store.articles.recent()} == {"en"}
    # the same entities as extracting them inline would give
    for stored in store.articles.recent(20):
        full = store.articles.get(stored.id)
        assert _names(full.entities) == _names(entity_extractor.extract(full.article))
    assert sum(1 for n in _entity_rows(store).values() if n) >= 11


def test_a_run_with_nothing_to_do_does_not_load_the_open_stories(
    pipeline: Pipeline, entity_extractor: EntityExtractor
) -> None:
    """A server start (which enriches what is pending) with nothing pending reads no story
    members: with a large window they are gigabytes."""
    store = pipeline.store
    source = store.sources.add("https://wikinews.example/", SourceKind.FEED)
    pipeline.save_articles(source, stories(6))
    enricher = Enricher(store, pipeline.settings, entity_extractor)
    loads: list[int] = []
    real = enricher._story_index
    enricher._story_index = lambda: (loads.append(1), real())[1]  # type: ignore[method-assign]
    assert enricher.run() == 6
    assert loads == [1]  # articles to cluster: the open stories were loaded
    clustered = {a.id: a.story_id for a in store.articles.recent(10)}
    assert all(sid is not None for sid in clustered.values())
    assert enricher.run() == 0
    assert loads == [1]  # nothing pending and nothing unclustered: not loaded again
    assert {a.id: a.story_id for a in store.articles.recent(10)} == clustered


def test_a_limit_stops_early(pipeline: Pipeline) -> None:
    source = pipeline.store.sources.add("https://wikinews.example/", SourceKind.FEED)
    pipeline.save_articles(source, stories(6))
    assert pipeline.enrich_pending(batch=2, limit=3) == 3
    assert pipeline.store.articles.count_pending_enrichment() == 3


def test_with_ner_off_articles_only_get_their_language(
    pipeline: Pipeline, entity_extractor: EntityExtractor
) -> None:
    store = pipeline.store
    source = store.sources.add("https://news.example/", SourceKind.FEED)
    german = Article(
        title="Regierung beschließt neues Gesetz",
        body_paragraphs=(
            "Die Bundesregierung hat am Mittwoch in Berlin ein neues Gesetz zum Klimaschutz "
            "beschlossen, das ab dem kommenden Jahr gelten soll.",
        ),
        guid="de-1",
    )
    pipeline.save_articles(source, [*stories(3), german])
    off = pipeline.settings.model_copy(update={"enrich_entities": False})
    assert Enricher(store, off, entity_extractor).run() == 4
    assert store.articles.count_pending_enrichment() == 0 and _entity_rows(store) == {}
    langs = {s.article.guid: s.article.language for s in store.articles.recent()}
    assert langs.pop("de-1") == "de" and set(langs.values()) == {"en"}


def test_two_enrichers_at_once_enrich_each_article_once(
    pipeline: Pipeline, entity_extractor: EntityExtractor
) -> None:
    store = pipeline.store
    source = store.sources.add("https://wikinews.example/", SourceKind.FEED)
    pipeline.save_articles(source, stories(16))
    done: list[int] = []
    start = threading.Barrier(2)

    def work() -> None:
        start.wait()
        done.append(Enricher(store, pipeline.settings, entity_extractor).run(batch=3))

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(done) == 16 and store.articles.count_pending_enrichment() == 0
    for stored in store.articles.recent(20):
        full = store.articles.get(stored.id)
        assert len(full.entities) == len(entity_extractor.extract(full.article))


def test_an_enrichment_killed_midway_is_resumed_without_partial_writes(
    db_url: str, entity_extractor: EntityExtractor
) -> None:
    store = Store.open(db_url)
    source = store.sources.add("https://wikinews.example/", SourceKind.FEED)
    p = Pipeline(store, make_settings(db_url), entities=entity_extractor)
    total = p.save_articles(source, stories(80))
    script = (
        "from tidings.core import Settings\n"
        "from tidings.pipeline import Pipeline\n"
        "from tidings.store import Store\n"
        "settings = Settings.from_env()\n"
        "Pipeline(Store.open(settings.database_url), settings).enrich_pending(batch=4)\n"
    )
    env = dict(
        os.environ,
        TIDINGS_DATABASE_URL=db_url,
        TIDINGS_SHARED_DATA=str(SHARED),
        OMP_NUM_THREADS="1",
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, env=env)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None and _enriched(store) < 12:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    partway = _enriched(store)
    assert 12 <= partway < total
    # batches are atomic: entities exist only for enriched articles
    with store.engine.connect() as conn:
        pending_ids = {
            r[0]
            for r in conn.execute(sa.select(articles.c.id).where(articles.c.enriched_at.is_(None)))
        }
    assert not pending_ids & set(_entity_rows(store))

    assert p.enrich_pending() == total - partway
    assert store.articles.count_pending_enrichment() == 0
    for stored in store.articles.recent(100):
        full = store.articles.get(stored.id)
        _assert_same_entities(store, full.entities, entity_extractor.extract(full.article))
    store.close()


def _assert_same_entities(
    store: Store, stored: tuple[EntityMention, ...], extracted: list[EntityMention]
) -> None:
    """The stored entities are the extracted ones, except that a short name another article
    gave in full is stored as that entity ("Trump" → "Donald Trump")."""
    got, want = _names(stored), _names(extracted)
    for name in want - got:
        assert store.understanding.entity(name)[0] in got, name
    assert got - want <= {store.understanding.entity(n)[0] for n in want - got}
