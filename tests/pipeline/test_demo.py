"""The bundled demo content loads once, with attribution, and gives the demo reader a feed."""

from __future__ import annotations

from support import make_settings
from tidings.enrich.entities import EntityExtractor
from tidings.pipeline import DEMO_READER, Pipeline, load_demo, reader_feed, wikinews_articles
from tidings.store import Store


def test_wikinews_demo_articles_carry_their_licence() -> None:
    articles = list(wikinews_articles())
    assert len(articles) == 310
    assert len({a.url for a in articles}) == 310
    assert all(a.url and a.url.startswith("https://en.wikinews.org/wiki/") for a in articles)
    assert all(a.licence and "Wikinews" in a.licence for a in articles)
    assert sum(1 for a in articles if a.licence and "CC BY 2.5" in a.licence) == 291
    assert all(a.body_paragraphs and a.published for a in articles)


def test_load_demo_is_idempotent_and_puts_the_seed_first(
    sqlite_url: str, entity_extractor: EntityExtractor
) -> None:
    store = Store.open(sqlite_url)
    pipeline = Pipeline(store, make_settings(sqlite_url), entities=entity_extractor)
    first = load_demo(pipeline)
    assert first == {"articles": 311, "sources": 2}
    assert load_demo(pipeline) == {"articles": 0, "sources": 0}
    assert store.articles.count() == 311
    reader = store.readers.find(DEMO_READER)
    assert len(store.readers.follows(reader.id)) >= 3
    feed = reader_feed(store, reader.id, limit=20)
    assert feed[0].article.article.print_headline == "China, Russia to work together"
    assert feed[0].reason == "Because you follow Afghanistan"
    # the rest of the page explains itself too, and follows surface Wikinews stories
    assert all(item.reason for item in feed)
    assert any(
        item.reason.startswith("Because you follow")
        and item.article.article.publisher == "Wikinews"
        for item in feed[1:]
    )
