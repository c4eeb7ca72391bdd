"""What enrichment knows, through the JSON API: an article's summary, topics of three kinds,
quotes and story; stories with all their coverage; quotes by speaker; entities with their
aliases; and follows of an entity, a place or a taxonomy topic reflected in the next feed."""

from __future__ import annotations

from typing import Any

import pytest
from apikit import (
    WIKINEWS_COUNT,
    assert_error,
    new_reader,
    seed_id,
)
from fastapi import FastAPI
from fastapi.testclient import TestClient

from seedstory import COMPANION_TITLE, companion_article
from support import SEED_STANDFIRST, SEED_TITLE
from tidings.core import SourceKind
from tidings.pipeline import Pipeline
from tidings.store import Store

KIND_ORDER = {"tag": 0, "place": 1, "taxonomy": 2}


def _article(client: TestClient, article_id: int) -> dict[str, Any]:
    r = client.get(f"/api/v1/articles/{article_id}")
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _add_companion(app_store: tuple[FastAPI, Store]) -> int:
    """Another source's report of the seed story, enriched and clustered like any article."""
    app, store = app_store
    pipeline: Pipeline = app.state.pipeline
    wire = store.sources.add(
        "https://wire.example.org/feed", SourceKind.FEED, title="Example Wire", active=False
    )
    assert pipeline.save_articles(wire, [companion_article()]) == 1
    assert pipeline.enrich_pending() == 1
    return next(s.id for s in store.articles.recent(100) if s.article.title == COMPANION_TITLE)


# -- one article --------------------------------------------------------------------------------


def test_seed_article_has_summary_language_topics_quotes_and_story(
    client: TestClient, store: Store
) -> None:
    sid = seed_id(store)
    a = _article(client, sid)
    assert a["language"] == "en"
    # The page has a standfirst: it is the summary.
    assert a["summary"].startswith(SEED_STANDFIRST[0])

    topics = a["topics"]
    by_kind = {k: [t["key"] for t in topics if t["kind"] == k] for k in KIND_ORDER}
    assert by_kind["tag"] == ["afghanistan"]
    assert {"china", "russia"} <= set(by_kind["place"])
    assert by_kind["taxonomy"], topics
    assert set(by_kind["taxonomy"]) & {"world", "conflict", "politics"}
    assert all(0.0 <= t["score"] <= 1.0 and t["label"] for t in topics)
    # Tags first, then places, then taxonomy; best first within a kind.
    assert [KIND_ORDER[t["kind"]] for t in topics] == sorted(KIND_ORDER[t["kind"]] for t in topics)
    for kind in KIND_ORDER:
        scores = [t["score"] for t in topics if t["kind"] == kind]
        assert scores == sorted(scores, reverse=True)

    quotes = a["quotes"]
    speakers = {q["speaker"] for q in quotes}
    assert {"Wang Yi", "Fu Xiaoqiang"} <= speakers
    doomed = [q for q in quotes if "doomed to fail" in q["text"]]
    assert len(doomed) == 1 and doomed[0]["speaker"] == "Wang Yi"
    paragraphs = [q["paragraph"] for q in quotes]
    assert paragraphs == sorted(paragraphs)
    assert a["body_text"].split("\n\n")[doomed[0]["paragraph"]].count("doomed to fail") == 1

    # Alone in its story so far.
    assert a["story"] == {
        "id": a["story_id"],
        "title": SEED_TITLE,
        "size": 1,
        "lead_article_id": sid,
    }


def test_feed_items_carry_topics_and_story(client: TestClient) -> None:
    rid = new_reader(client, "Topical")
    client.post(f"/api/v1/readers/{rid}/follows", json={"kind": "topic", "value": "Afghanistan"})
    items = client.get(f"/api/v1/readers/{rid}/feed").json()["items"]
    assert len(items) == 1 + WIKINEWS_COUNT
    top = items[0]
    assert top["article"]["title"] == SEED_TITLE
    assert {"afghanistan", "china", "russia"} <= {t["key"] for t in top["article"]["topics"]}
    assert top["story"]["id"] == top["article"]["story_id"]
    assert top["story"]["size"] == 1
    # Every enriched article is in a story and has a summary.
    assert all(it["article"]["story_id"] == it["story"]["id"] for it in items)
    assert all(it["article"]["summary"] for it in items)


# -- stories -------------------------------------------------------------------------------------


def test_second_source_joins_the_seed_story(
    client: TestClient, store: Store, app_store: tuple[FastAPI, Store]
) -> None:
    sid = seed_id(store)
    other = _add_companion(app_store)
    story = _article(client, sid)["story"]
    assert story["size"] == 2
    assert _article(client, other)["story"] == story

    r = client.get(f"/api/v1/stories/{story['id']}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == story["id"] and body["size"] == 2
    assert body["lead_article_id"] in (sid, other)
    # All coverage, oldest first: the wire report came two days before the seed page.
    assert [x["id"] for x in body["articles"]] == [other, sid]
    assert [x["publisher"] for x in body["articles"]] == [
        "Example Wire",
        "South China Morning Post",
    ]
    assert body["first_at"] < body["last_at"]

    rid = new_reader(client, "Coverage")
    client.post(f"/api/v1/readers/{rid}/follows", json={"kind": "topic", "value": "Afghanistan"})
    items = client.get(f"/api/v1/readers/{rid}/feed").json()["items"]
    assert items[0]["article"]["id"] == sid
    assert items[0]["story"]["size"] == 2


def test_unknown_story_is_404_and_bad_id_422(client: TestClient) -> None:
    assert_error(client.get("/api/v1/stories/999999"), 404, "no story 999999")
    assert_error(client.get("/api/v1/stories/0"), 422, "story_id")
    assert_error(client.get("/api/v1/stories/abc"), 422, "story_id")
    # ids are 32-bit in the database (PostgreSQL's integer): larger ones are bad input
    assert_error(client.get("/api/v1/stories/2147483648"), 422, "story_id")
    assert_error(client.get("/api/v1/articles/3000000000"), 422, "article_id")


# -- quotes --------------------------------------------------------------------------------------


@pytest.mark.parametrize("asked", ["Wang Yi", "Wang", "wang yi"])
def test_quotes_by_speaker_across_articles(
    client: TestClient, store: Store, app_store: tuple[FastAPI, Store], asked: str
) -> None:
    sid = seed_id(store)
    other = _add_companion(app_store)
    r = client.get("/api/v1/quotes", params={"speaker": asked})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["speaker"] == asked
    assert body["entity"] == "Wang Yi"
    quotes = body["quotes"]
    assert {q["speaker"] for q in quotes} == {"Wang Yi"}
    # Most recently stored articles first (the wire report), in text order within one.
    assert [q["article_id"] for q in quotes] == [other] + [sid] * (len(quotes) - 1)
    assert len(quotes) >= 5
    assert any("doomed to fail" in q["text"] for q in quotes)
    assert quotes[0]["text"].startswith("The new authorities in Kabul")
    assert quotes[0]["article_title"] == COMPANION_TITLE
    assert quotes[1]["article_title"] == SEED_TITLE
    assert [q["paragraph"] for q in quotes[1:]] == sorted(q["paragraph"] for q in quotes[1:])

    limited = client.get("/api/v1/quotes", params={"speaker": asked, "limit": 2}).json()
    assert limited["quotes"] == quotes[:2]


def test_quotes_of_unknown_speaker_is_empty(client: TestClient) -> None:
    r = client.get("/api/v1/quotes", params={"speaker": "Nobody In Particular"})
    assert r.status_code == 200
    assert r.json() == {"speaker": "Nobody In Particular", "entity": None, "quotes": []}


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("", "speaker"),
        ("?speaker=", "speaker"),
        ("?speaker=...", "speaker is empty"),
        ("?speaker=Wang&limit=0", "limit"),
        ("?speaker=Wang&limit=201", "limit"),
        ("?speaker=" + "x" * 257, "speaker"),
        ("?speaker=Wa%00ng", "NUL"),
    ],
)
def test_bad_quote_queries_are_422(client: TestClient, query: str, fragment: str) -> None:
    assert_error(client.get("/api/v1/quotes" + query), 422, fragment)


# -- entities ------------------------------------------------------------------------------------


def test_entity_by_alias_has_names_articles_and_quotes(client: TestClient, store: Store) -> None:
    sid = seed_id(store)
    r = client.get("/api/v1/entities/Lavrov")
    assert r.status_code == 200, r.text
    e = r.json()
    assert (e["key"], e["name"], e["label"]) == ("sergey lavrov", "Sergey Lavrov", "PERSON")
    assert "Lavrov" in e["aliases"]
    assert [x["id"] for x in e["articles"]] == [sid]

    wang = client.get("/api/v1/entities/Wang%20Yi").json()
    assert wang["name"] == "Wang Yi"
    assert wang["articles"][0]["title"] == SEED_TITLE
    assert len(wang["quotes"]) >= 4 and {q["speaker"] for q in wang["quotes"]} == {"Wang Yi"}

    china = client.get("/api/v1/entities/china").json()
    assert (china["name"], china["label"]) == ("China", "PLACE")
    assert sid in [x["id"] for x in china["articles"]]
    limited = client.get("/api/v1/entities/china", params={"limit": 1}).json()
    assert len(limited["articles"]) == 1


def test_entity_names_may_hold_slashes(client: TestClient) -> None:
    # The path takes any name; one with a slash is not a different route.
    assert_error(client.get("/api/v1/entities/AC/DC"), 404, "no entity called 'AC/DC'")


@pytest.mark.parametrize(
    ("path", "status", "fragment"),
    [
        ("/api/v1/entities/Nobody%20In%20Particular", 404, "no entity"),
        ("/api/v1/entities/...", 422, "name is empty"),
        ("/api/v1/entities/Wa%00ng", 422, "NUL"),
        ("/api/v1/entities/" + "x" * 257, 422, "name"),
        ("/api/v1/entities/Wang?limit=0", 422, "limit"),
    ],
)
def test_bad_or_unknown_entities(client: TestClient, path: str, status: int, fragment: str) -> None:
    assert_error(client.get(path), status, fragment)


# -- follows reflected in the feed ---------------------------------------------------------------


def _seed_topic(client: TestClient, store: Store, kind: str, key: str | None = None) -> str:
    topics = _article(client, seed_id(store))["topics"]
    labels = [t["label"] for t in topics if t["kind"] == kind and (key is None or t["key"] == key)]
    assert labels, topics
    return str(labels[0])


@pytest.mark.parametrize(
    ("kind", "what", "stored_kind", "stored_value"),
    [
        ("place", "china", "entity", "china"),
        ("topic", "taxonomy", "topic", None),
        ("entity", "Wang Yi", "entity", "wang yi"),
        ("entity", "Lavrov", "entity", "sergey lavrov"),
        ("topic", "russia", "topic", "russia"),
    ],
)
def test_follow_reflects_in_next_feed(
    client: TestClient,
    store: Store,
    kind: str,
    what: str,
    stored_kind: str,
    stored_value: str | None,
) -> None:
    """A place (a place topic of the seed), a taxonomy topic of the seed, or an entity by its
    name or an alias: once followed, the next feed puts the seed story first, credited to it."""
    if what == "taxonomy":
        value = _seed_topic(client, store, "taxonomy")
    elif what in ("china", "russia"):
        value = _seed_topic(client, store, "place", what)
    else:
        value = what
    rid = new_reader(client, f"Follows {kind} {what}")
    before = client.get(f"/api/v1/readers/{rid}/feed").json()["items"]
    assert not any(it["reason"].startswith("Because you follow") for it in before)

    r = client.post(f"/api/v1/readers/{rid}/follows", json={"kind": kind, "value": value})
    assert r.status_code == 201, r.text
    follow = r.json()
    assert follow["kind"] == stored_kind
    assert follow["value"] == (stored_value or value.casefold())
    label = follow["label"]
    assert label == ("Sergey Lavrov" if what == "Lavrov" else value)

    items = client.get(f"/api/v1/readers/{rid}/feed").json()["items"]
    assert items[0]["article"]["title"] == SEED_TITLE
    assert items[0]["reason"] == f"Because you follow {label}"
    assert items[0]["matched"] == [label]


@pytest.mark.parametrize(
    ("kind", "value", "delete_as"),
    [
        ("place", "China", "place/China"),
        ("entity", "Lavrov", "entity/Lavrov"),
        ("entity", "Lavrov", "person/Sergey%20Lavrov"),
        ("topic", "World", "topic/world"),
    ],
)
def test_unfollow_by_the_name_followed(
    client: TestClient, kind: str, value: str, delete_as: str
) -> None:
    rid = new_reader(client, f"Unfollows {delete_as}")
    assert (
        client.post(
            f"/api/v1/readers/{rid}/follows", json={"kind": kind, "value": value}
        ).status_code
        == 201
    )
    r = client.delete(f"/api/v1/readers/{rid}/follows/{delete_as}")
    assert r.status_code == 204, r.text
    assert client.get(f"/api/v1/readers/{rid}/follows").json() == []
    assert_error(
        client.delete(f"/api/v1/readers/{rid}/follows/{delete_as}"), 404, "does not follow"
    )
