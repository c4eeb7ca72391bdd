"""The feedback loop through the JSON API: onboarding topics, every event kind reflected in
the next feed, impressions logged when a feed is served, exploration flagged."""

from __future__ import annotations

from datetime import timedelta

from apikit import assert_error, new_reader, seed_id
from fastapi.testclient import TestClient

from tidings.core.text import utcnow
from tidings.store import Store


def _feed(client: TestClient, rid: int, **params: int) -> list[dict]:
    r = client.get(f"/api/v1/readers/{rid}/feed", params=params)
    assert r.status_code == 200, r.text
    items: list[dict] = r.json()["items"]
    return items


def test_a_new_reader_picks_topics_at_onboarding_and_the_feed_follows_them(
    client: TestClient, store: Store
) -> None:
    r = client.post("/api/v1/readers", json={"name": "Onboarded", "topics": ["World", "sport"]})
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    follows = client.get(f"/api/v1/readers/{rid}/follows").json()
    assert sorted((f["kind"], f["value"], f["label"]) for f in follows) == [
        ("topic", "sport", "Sport"),
        ("topic", "world", "World"),
    ]
    items = _feed(client, rid)
    assert items[0]["reason"] == "Because you follow World"  # the seed is a World story
    # an unknown topic is a clear error and creates no reader
    bad = client.post("/api/v1/readers", json={"name": "Nobody", "topics": ["Astrology"]})
    assert_error(bad, 422, "unknown topic 'Astrology'")
    assert "Nobody" not in [x["name"] for x in client.get("/api/v1/readers").json()]


def test_a_cold_reader_gets_top_stories_with_reasons(client: TestClient) -> None:
    rid = new_reader(client, "Cold")
    items = _feed(client, rid, limit=10)
    assert len(items) == 10
    assert all(it["reason"] for it in items)
    assert not any(it["explore"] for it in items)  # nothing to explore away from yet


def test_save_read_and_fewer_like_this_reach_the_next_feed(
    client: TestClient, store: Store
) -> None:
    rid = new_reader(client, "Active")
    client.post(f"/api/v1/readers/{rid}/follows", json={"kind": "topic", "value": "Afghanistan"})
    sid = seed_id(store)
    before = [it["article"]["id"] for it in _feed(client, rid)]
    assert before[0] == sid
    other = before[1]
    # a long read takes the story out of the feed
    r = client.post(
        f"/api/v1/readers/{rid}/events", json={"kind": "read", "article_id": sid, "dwell_s": 95}
    )
    assert r.status_code == 202
    after_read = [it["article"]["id"] for it in _feed(client, rid)]
    assert sid not in after_read
    # a saved story leaves the feed too (it is kept among the reader's saved stories)
    client.post(f"/api/v1/readers/{rid}/events", json={"kind": "save", "article_id": other})
    assert other not in [it["article"]["id"] for it in _feed(client, rid)]
    # "fewer like this" through the API removes the story at once
    third = after_read[1] if after_read[0] == other else after_read[0]
    client.post(
        f"/api/v1/readers/{rid}/events", json={"kind": "fewer_like_this", "article_id": third}
    )
    assert third not in [it["article"]["id"] for it in _feed(client, rid)]


def test_every_feed_served_is_logged_as_an_impression(client: TestClient, store: Store) -> None:
    rid = new_reader(client, "Logged")
    since = utcnow() - timedelta(minutes=1)
    first = [it["article"]["id"] for it in _feed(client, rid, limit=7)]
    _feed(client, rid, limit=7, offset=7)
    pages = [p for p in store.ranking.impressions(since=since) if p[1] == rid]
    assert pages[0][3] == first
    assert len(pages) == 2 and all(p[5] == "hand-set" for p in pages)
    # shown once without a click: the next feed knows it
    shown = store.ranking.shown_counts(rid, since=since)
    assert all(shown[a] == 1 for a in first)
