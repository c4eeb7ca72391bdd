"""What enrichment stores about articles: the seed's entities, quotes, topics and summary;
entity aliases across articles; story clusters; the embedding cache; articles in other
languages, empty and very long bodies. Real models, real SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import numpy as np
import sqlalchemy as sa

from support import SEED_ORGS, SEED_PEOPLE, SEED_PLACES, SEED_STANDFIRST, FeedServer
from tidings.core import Article, EntityLabel, FollowKind, SourceKind
from tidings.pipeline import Pipeline
from tidings.pipeline.analysis import shared_backend
from tidings.store.tables import articles


def _seed_id(pipeline: Pipeline, feed_server: FeedServer, seed_text: str) -> int:
    source = pipeline.add_source(feed_server.serve("/seed.txt", seed_text, "text/plain"))
    pipeline.refresh([source])
    pipeline.enrich_pending()
    (art,) = [a for a in pipeline.store.articles.recent(10) if a.source_id == source.id]
    return art.id


def test_the_seed_articles_stored_enrichment(
    pipeline: Pipeline, feed_server: FeedServer, seed_text: str
) -> None:
    store = pipeline.store
    art = store.articles.get(_seed_id(pipeline, feed_server, seed_text))
    by_label: dict[EntityLabel, set[str]] = {}
    for e in art.entities:
        by_label.setdefault(e.label, set()).add(e.name)
    assert by_label[EntityLabel.PERSON] >= SEED_PEOPLE
    assert by_label[EntityLabel.ORG] >= SEED_ORGS
    assert by_label[EntityLabel.PLACE] >= SEED_PLACES
    assert art.article.language == "en"

    speakers = {q.quote.speaker for q in store.understanding.quotes_for(art.id)}
    assert {"Wang Yi", "Fu Xiaoqiang"} <= speakers
    wang = [q.quote.text for q in store.understanding.quotes_by("Wang Yi")]
    assert any("doomed to fail" in t for t in wang)
    # searchable by surname too: "Wang" is an alias of Wang Yi
    assert [q.quote.text for q in store.understanding.quotes_by("Wang")] == wang
    assert store.understanding.quotes_by("Fu Xiaoqiang")

    kinds: dict[str, set[str]] = {}
    for t in art.topics:
        kinds.setdefault(t.kind, set()).add(t.key)
    assert "afghanistan" in kinds["tag"]
    assert {"china", "russia"} <= kinds["place"]
    assert kinds["taxonomy"] & {"conflict", "world"}

    # the standfirst is the summary (its bullets joined as sentences)
    assert art.summary is not None
    assert all(bullet in art.summary for bullet in SEED_STANDFIRST)
    assert len(art.summary) <= sum(len(b) + 2 for b in SEED_STANDFIRST)
    assert store.understanding.embeddings([art.id])[art.id]
    assert art.story_id is not None
    assert store.stories.story(art.story_id).lead_article_id == art.id


def test_a_short_name_seen_in_full_elsewhere_is_that_entity(pipeline: Pipeline) -> None:
    store = pipeline.store
    source = store.sources.add("https://news.example/", SourceKind.FEED)
    pipeline.save_articles(
        source,
        [
            Article(
                title="Sergey Lavrov meets Wang Yi in Tianjin",
                body_paragraphs=(
                    "Russian Foreign Minister Sergey Lavrov met his Chinese counterpart Wang Yi "
                    "on Tuesday. Lavrov said the talks had gone well.",
                ),
                guid="1",
            )
        ],
    )
    pipeline.enrich_pending()
    pipeline.save_articles(
        source,
        [
            Article(
                title="Lavrov warns of new sanctions",
                body_paragraphs=(
                    # the model types this "Lavrov" as a person (a sentence-initial lone
                    # surname it often calls an organisation, which then stays one)
                    "Mr Lavrov said on Tuesday that the sanctions would hurt Europe more than "
                    "Russia, and that Moscow would answer them.",
                ),
                guid="2",
            )
        ],
    )
    pipeline.enrich_pending()
    second = next(a for a in store.articles.recent(10) if a.article.guid == "2")
    assert "Sergey Lavrov" in {e.name for e in store.articles.get(second.id).entities}
    assert store.understanding.entity("Lavrov")[1] == "Sergey Lavrov"
    reader = store.readers.create("ana")
    follow = store.readers.follow(reader.id, FollowKind.ENTITY, "Lavrov")
    assert follow.value == "sergey lavrov" and follow.label == "Sergey Lavrov"


QUAKE_A = Article(
    title="Powerful earthquake strikes off the coast of northern Japan",
    body_paragraphs=(
        "A magnitude 7.3 earthquake struck off the coast of Fukushima in northern Japan late on "
        "Saturday, shaking buildings in Tokyo and cutting power to more than two million homes, "
        "the Japan Meteorological Agency said.",
        "The agency issued a tsunami advisory for the Fukushima and Miyagi coasts.",
    ),
    guid="quake-a",
)
QUAKE_B = Article(
    title="Magnitude 7.3 quake hits Fukushima, tsunami advisory issued",
    body_paragraphs=(
        "A strong earthquake of magnitude 7.3 hit the sea off Fukushima prefecture on Saturday "
        "night, the Japan Meteorological Agency said, leaving two million households in eastern "
        "Japan without electricity.",
        "A tsunami advisory was issued for parts of the Pacific coast, including Miyagi.",
    ),
    guid="quake-b",
)
BUDGET = Article(
    title="Parliament passes the annual budget after a late-night vote",
    body_paragraphs=(
        "Lawmakers approved the government's spending plan for next year by 312 votes to 290, "
        "with extra money for schools and hospitals and a freeze on fuel duty.",
    ),
    guid="budget",
)


def test_coverage_of_one_event_from_two_sources_is_one_story(pipeline: Pipeline) -> None:
    store = pipeline.store
    when = datetime(2026, 11, 20, 22, tzinfo=UTC)
    one = store.sources.add("https://one.example/", SourceKind.FEED)
    two = store.sources.add("https://two.example/", SourceKind.FEED)
    pipeline.save_articles(one, [replace(QUAKE_A, published=when)])
    pipeline.save_articles(
        two,
        [
            replace(QUAKE_B, published=when + timedelta(hours=2)),
            replace(BUDGET, published=when + timedelta(hours=1)),
        ],
    )
    pipeline.enrich_pending()
    got = {a.article.guid: a for a in store.articles.recent(10)}
    assert got["quake-a"].story_id is not None
    assert got["quake-a"].story_id == got["quake-b"].story_id
    assert got["budget"].story_id not in (None, got["quake-a"].story_id)
    story = store.stories.story(got["quake-a"].story_id)
    assert story.size == 2
    assert set(story.article_ids) == {got["quake-a"].id, got["quake-b"].id}
    assert story.lead_article_id in story.article_ids


@dataclass
class CountingBackend:
    """The real model, counting the texts it is asked to encode."""

    name: str = "all-MiniLM-L6-v2"
    dim: int = 384
    texts: list[str] = field(default_factory=list)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        return shared_backend().encode(texts)


def test_embeddings_are_cached_by_the_text_they_encode(pipeline: Pipeline) -> None:
    store = pipeline.store
    counting = CountingBackend()
    pipeline.saver.enricher.analyser._backend = counting
    source = store.sources.add("https://one.example/", SourceKind.FEED)
    pipeline.save_articles(source, [QUAKE_A, BUDGET])
    pipeline.enrich_pending()
    assert len(counting.texts) == 2
    # enriching again encodes nothing: the texts are unchanged
    store.understanding.reset()
    pipeline.enrich_pending()
    assert len(counting.texts) == 2
    vecs = store.understanding.embeddings(store.articles.all_ids())
    assert len(vecs) == 2
    for data in vecs.values():
        v = np.frombuffer(data, dtype="<f2").astype(np.float32)
        assert v.shape == (384,) and abs(float(np.linalg.norm(v)) - 1.0) < 0.01


FRENCH = Article(
    title="Le gouvernement présente son budget pour l'année prochaine",
    body_paragraphs=(
        "Le ministre de l'Économie a présenté mercredi à Paris un budget qui prévoit une hausse "
        "des dépenses pour les écoles et les hôpitaux, ainsi qu'un gel de la taxe sur les "
        "carburants. « Nous tenons nos engagements », a-t-il déclaré devant les députés.",
    ),
    guid="fr",
)
GERMAN = Article(
    title="Bundesregierung beschließt neues Klimaschutzgesetz",
    body_paragraphs=(
        "Die Bundesregierung hat am Mittwoch in Berlin ein neues Gesetz zum Klimaschutz "
        "beschlossen, das strengere Ziele für Verkehr und Gebäude vorsieht.",
    ),
    guid="de",
)


def test_other_languages_empty_and_very_long_bodies_are_enriched_without_error(
    pipeline: Pipeline,
) -> None:
    store = pipeline.store
    source = store.sources.add("https://mixed.example/", SourceKind.FEED)
    long_para = (
        "The committee met again on Monday to discuss the report, and members said that "
        '"the findings will take many months to study in full," according to the chair. '
    )
    huge = Article(
        title="A very long report",
        body_paragraphs=tuple(long_para * 8 for _ in range(200)),  # ~260 KB
        guid="huge",
    )
    empty = Article(title="Photo gallery", body_paragraphs=(), guid="empty")
    pipeline.save_articles(source, [FRENCH, GERMAN, empty, huge])
    assert sum(len(p) for p in huge.body_paragraphs) > 200_000
    assert pipeline.enrich_pending() == 4
    assert store.articles.count_pending_enrichment() == 0
    got = {a.article.guid: store.articles.get(a.id) for a in store.articles.recent(10)}
    assert got["fr"].article.language == "fr" and got["de"].article.language == "de"
    for key in ("fr", "de"):
        # English-only models are not applied: no entities, embedding or taxonomy topic
        assert got[key].entities == ()
        assert not store.understanding.embeddings([got[key].id])
        assert not [t for t in got[key].topics if t.kind == "taxonomy"]
        assert got[key].summary  # the lead sentence is still a summary
    assert got["empty"].entities == () and got["empty"].summary is None
    assert got["huge"].summary and len(got["huge"].summary) <= 400
    assert store.understanding.embeddings([got["huge"].id])
    quotes = store.understanding.quotes_for(got["huge"].id)
    assert quotes and all("findings will take" in q.quote.text for q in quotes)
    with store.engine.connect() as conn:
        enriched = conn.execute(
            sa.select(sa.func.count()).where(articles.c.enriched_at.is_not(None))
        ).scalar_one()
    assert enriched == 4


def test_an_article_dated_in_the_future_does_not_close_todays_stories(pipeline: Pipeline) -> None:
    store = pipeline.store
    now = datetime.now(UTC)
    one = store.sources.add("https://one.example/", SourceKind.FEED)
    two = store.sources.add("https://two.example/", SourceKind.FEED)
    pipeline.save_articles(one, [replace(QUAKE_A, published=now - timedelta(hours=2))])
    pipeline.save_articles(
        one, [replace(BUDGET, guid="future", published=datetime(2099, 1, 1, tzinfo=UTC))]
    )
    pipeline.enrich_pending()
    pipeline.save_articles(two, [replace(QUAKE_B, published=now - timedelta(hours=1))])
    pipeline.enrich_pending()
    got = {a.article.guid: a for a in store.articles.recent(10)}
    assert got["quake-a"].story_id == got["quake-b"].story_id


def test_enrich_ids_enriches_just_those_pending_articles(pipeline: Pipeline) -> None:
    store = pipeline.store
    source = store.sources.add("https://one.example/", SourceKind.FEED)
    # pending, though the feed gave a language
    pipeline.save_articles(source, [replace(QUAKE_A, language="en"), BUDGET])
    quake = next(a for a in store.articles.recent(10) if a.article.guid == "quake-a")
    assert store.articles.count_pending_enrichment() == 2
    assert pipeline.saver.enricher.enrich_ids([quake.id]) == 1
    assert store.articles.count_pending_enrichment() == 1
    assert store.articles.get(quake.id).entities
    assert pipeline.saver.enricher.enrich_ids([quake.id]) == 0  # already enriched
