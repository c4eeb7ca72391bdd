"""The feed route's JSON is assembled from serialised pieces (`tidings.api.feedjson`): it must
say exactly what the documented `FeedOut` model says, reuse a piece only for the very article
object it was made from, and come back from the route as FeedOut."""

from __future__ import annotations

import json
from dataclasses import replace

from apikit import new_reader
from fastapi.testclient import TestClient

from tidings.api.feedjson import FeedJson
from tidings.api.schemas import FeedItemOut, FeedOut, ReaderOut
from tidings.pipeline.feed import FeedPage, feed_service
from tidings.store import Store


def _model(page: FeedPage, offset: int) -> dict[str, object]:
    r = page.reader
    out = FeedOut(
        reader=ReaderOut(id=r.id, name=r.name, created_at=r.created_at),
        items=[
            FeedItemOut.of(
                offset + i + 1,
                it,
                page.stories.get(it.article.story_id) if it.article.story_id is not None else None,
            )
            for i, it in enumerate(page.items)
        ],
    )
    parsed: dict[str, object] = json.loads(out.model_dump_json())
    return parsed


def test_pieces_say_what_the_model_says(client: TestClient, store: Store) -> None:
    rid = new_reader(client, 'Ada Lovelace — «quotes» "and" \\ slashes')
    client.post(f"/api/v1/readers/{rid}/follows", json={"kind": "topic", "value": "Afghanistan"})
    page = feed_service(store).page(rid, limit=15, offset=3, log_impressions=False)
    assert len(page.items) == 15 and page.stories  # stories and a reader name worth escaping
    pieces = FeedJson()
    first = pieces.page(page, 3)
    assert json.loads(first) == _model(page, 3)
    assert pieces.page(page, 3) == first  # the same index: the cached pieces
    # an article that changed comes with a new index (enrichment rebuilds it): serialised
    # again, never the old piece
    it = page.items[0]
    renamed = replace(it.article, article=replace(it.article.article, title="A new title"))
    changed = replace(
        page, items=[replace(it, article=renamed), *page.items[1:]], serial=page.serial + 1
    )
    again = json.loads(pieces.page(changed, 3))
    assert again["items"][0]["article"]["title"] == "A new title"
    assert again == _model(changed, 3)


def test_feed_route_answers_feed_out(client: TestClient) -> None:
    rid = new_reader(client, "Reader")
    client.post(f"/api/v1/readers/{rid}/follows", json={"kind": "topic", "value": "Afghanistan"})
    r = client.get(f"/api/v1/readers/{rid}/feed", params={"limit": 7})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    feed = FeedOut.model_validate_json(r.content)
    assert [it.rank for it in feed.items] == list(range(1, 8))
    assert feed.items[0].reason == "Because you follow Afghanistan"


def test_other_copies_follow_the_item(client: TestClient, store: Store) -> None:
    """The array of an item's other copies is reused only for the same copies: a story that
    gains or loses a copy is serialised again."""
    rid = new_reader(client, "Reader")
    page = feed_service(store).page(rid, limit=6, log_impressions=False)
    assert len(page.items) == 6
    head, *rest = page.items
    pieces = FeedJson()
    for also in ((rest[0].article, rest[1].article), (rest[1].article,), ()):
        shaped = replace(page, items=[replace(head, also=also), *rest])
        got = json.loads(pieces.page(shaped, 0))
        assert got == _model(shaped, 0)
        assert [a["id"] for a in got["items"][0]["also_reported_by"]] == [a.id for a in also]
