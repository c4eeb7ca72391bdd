"""The understanding and story repositories on hand-made enrichments (no models): entity
aliases, topic and entity follows by name, story assignment races, column limits. SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from tidings.core import (
    Article,
    EntityLabel,
    EntityMention,
    FollowKind,
    Quote,
    TopicScore,
)
from tidings.store import Store
from tidings.store.tables import entity_aliases, stories

WHEN = datetime(2026, 11, 20, 12, tzinfo=UTC)


def _article(store: Store, title: str) -> int:
    article_id, created = store.articles.save(
        Article(title=title, body_paragraphs=(f"{title}, in a sentence of its own.",)),
        source_id=None,
        canonical_url=None,
        content_hash=title,
        body_html="",
        fetched_at=WHEN,
    )
    assert created
    return article_id


def _enrich(store: Store, article_id: int, *mentions: EntityMention, **kw: object) -> None:
    from tidings.store.understanding import Enrichment

    done = store.understanding.save(
        [Enrichment(article_id=article_id, language="en", entities=mentions, **kw)],  # type: ignore[arg-type]
        claim=False,
    )
    assert done == [article_id]


def person(name: str, *aliases: str) -> EntityMention:
    return EntityMention(name=name, label=EntityLabel.PERSON, salience=0.5, aliases=aliases)


def org(name: str, *aliases: str) -> EntityMention:
    return EntityMention(name=name, label=EntityLabel.ORG, salience=0.5, aliases=aliases)


def _alias_counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return dict(
            conn.execute(sa.select(entity_aliases.c.alias_key, entity_aliases.c.count)).all()
        )


def test_a_short_name_becomes_the_entity_only_of_the_same_kind(store: Store) -> None:
    first = _article(store, "Museum remembers Gerald Ford")
    _enrich(store, first, person("Gerald Ford", "Ford"))
    lavrov = _article(store, "Lavrov speaks")
    _enrich(store, lavrov, person("Sergey Lavrov", "Lavrov"))
    carmaker = _article(store, "Ford to cut jobs")
    _enrich(store, carmaker, org("Ford"))
    later = _article(store, "Lavrov again")
    _enrich(store, later, person("Lavrov"))
    assert [(e.name, e.label) for e in store.articles.get(carmaker).entities] == [
        ("Ford", EntityLabel.ORG)
    ]
    assert [e.name for e in store.articles.get(later).entities] == ["Sergey Lavrov"]


def test_aliases_are_counted_once_per_article_whatever_the_reenrichment(store: Store) -> None:
    yi = _article(store, "Wang Yi")
    wenbin = _article(store, "Wang Wenbin")
    _enrich(store, yi, person("Wang Yi", "Wang"))
    _enrich(store, wenbin, person("Wang Wenbin", "Wang"))
    for _ in range(3):  # as `tidings reenrich` would
        _enrich(store, wenbin, person("Wang Wenbin", "Wang"))
    assert _alias_counts(store) == {"wang": 1}  # one row per entity, each counted once
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.sum(entity_aliases.c.count))).scalar_one() == 2
    # shared equally: ambiguous, so "Wang" means neither, and finds the quotes of both
    assert store.understanding.resolve_entity("Wang") is None


def test_names_longer_than_the_columns_are_dropped_not_fatal(store: Store) -> None:
    long_name = "Abdul" * 80 + " Baradar"
    expanding = "ß" * 200  # case folding makes the key 400 characters
    article_id = _article(store, "Talks in Kabul")
    _enrich(
        store,
        article_id,
        person(long_name, "Abdul" * 80),
        person(expanding),
        person("Abdul Ghani Baradar", "Baradar", "x" * 300),
        quotes=[Quote(text="We will talk", speaker="y" * 600, paragraph=0, start=0, end=12)],
    )
    names = [e.name for e in store.articles.get(article_id).entities]
    assert names == ["Abdul Ghani Baradar"]
    assert _alias_counts(store) == {"baradar": 1}
    (quote,) = store.understanding.quotes_for(article_id)
    assert quote.quote.speaker == "y" * 512


def test_follows_by_display_name_and_unfollow_by_alias(store: Store) -> None:
    article_id = _article(store, "Court rules")
    _enrich(
        store,
        article_id,
        person("Sergey Lavrov", "Lavrov"),
        topics=[TopicScore("crime-and-law", "Crime and law", "taxonomy", 0.8)],
    )
    reader = store.readers.create("ana")
    topic = store.readers.follow(reader.id, FollowKind.TOPIC, "Crime and law")
    assert (topic.value, topic.label) == ("crime-and-law", "Crime and law")
    entity = store.readers.follow(reader.id, FollowKind.ENTITY, "Lavrov")
    assert entity.value == "sergey lavrov"
    assert store.readers.unfollow(reader.id, FollowKind.ENTITY, "Lavrov")
    assert store.readers.unfollow(reader.id, FollowKind.TOPIC, "Crime and law")
    assert store.readers.follows(reader.id) == []


def test_a_story_race_keeps_the_first_assignment_and_leaves_no_empty_story(store: Store) -> None:
    from tidings.store.stories import StoryMember

    a, b = _article(store, "Quake one"), _article(store, "Quake two")
    for aid in (a, b):
        _enrich(store, aid)
    members = {aid: StoryMember(aid, None, None, (), WHEN, None, f"Quake {aid}") for aid in (a, b)}
    created, lost = store.stories.assign_stories([(a, "s1"), (b, "s1")], members, {"s1": a})
    assert lost == 0
    first = created["s1"]
    # a second run that clustered the same articles into its own new story loses
    again, lost = store.stories.assign_stories([(a, "x"), (b, "x")], members, {"x": b})
    assert lost == 2
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(stories.c.id, stories.c.size)).all()
    assert [tuple(r) for r in rows] == [(first, 2)]
    assert store.stories.story(first).article_ids == (a, b)
    assert again["x"] != first
