"""Duplicates through the real pipeline: feeds served on 127.0.0.1, refreshed into SQLite and
PostgreSQL. Exact copies are stored once; near copies from another source are stored and linked
to the canonical story, which the feed shows once with "also reported by"."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient
from rssgen import Item, item_of, rss, stories

from support import FeedServer
from tidings.app import create_app
from tidings.core import Article, Event, EventKind, FollowKind, Source, SourceKind
from tidings.enrich.entities import EntityExtractor
from tidings.pipeline import Pipeline, reader_feed
from tidings.store import Store

INTRO = (
    "The agency's correspondents reported on Tuesday that the events below were confirmed by "
    "several officials, who spoke on condition of anonymity."
)
CREDIT = "Additional reporting by the wire desk; editing by the night team."


def wire_item(a: Article, guid: str, title: str) -> Item:
    return Item(title=title, paragraphs=[INTRO, *a.body_paragraphs[1:], CREDIT], guid=guid)


def add_feed(pipeline: Pipeline, server: FeedServer, name: str, items: list[Item]) -> Source:
    url = server.serve(f"/{name}.xml", rss(name, items), "application/rss+xml")
    return pipeline.store.sources.add(url, SourceKind.FEED, title=name)


def by_guid(store: Store) -> dict[str, int]:
    return {a.article.guid or "": a.id for a in store.articles.recent(1000)}


def test_a_wire_copy_from_another_source_is_linked_and_shown_once(
    pipeline: Pipeline, feed_server: FeedServer
) -> None:
    s = stories(6, min_words=200)
    store = pipeline.store
    agency = add_feed(
        pipeline, feed_server, "Agency", [item_of(a, f"ag-{i}") for i, a in enumerate(s[:4])]
    )
    assert pipeline.refresh([agency]).items_new == 4
    daily = add_feed(
        pipeline,
        feed_server,
        "Daily",
        [wire_item(s[1], "daily-1", "A new headline for the same story"), item_of(s[4], "daily-4")],
    )
    assert pipeline.refresh([daily]).items_new == 2  # the copy is stored, not dropped
    ids = by_guid(store)
    stored = {a.id: a for a in store.articles.recent(100)}
    assert stored[ids["daily-1"]].duplicate_of == ids["ag-1"]
    assert all(a.duplicate_of is None for i, a in stored.items() if i != ids["daily-1"]), (
        "only the copy is linked"
    )

    reader = store.readers.create("Reader")
    feed = reader_feed(store, reader.id)
    shown = [item.article.id for item in feed]
    assert ids["ag-1"] in shown and ids["daily-1"] not in shown
    assert len(shown) == 5 == len(set(shown))
    story = next(item for item in feed if item.article.id == ids["ag-1"])
    assert [c.id for c in story.also] == [ids["daily-1"]]
    assert story.also[0].article.publisher == "Daily"

    # the web page and the JSON feed show the story once, naming the other source
    app = create_app(pipeline.settings, store=store, pipeline=pipeline)
    with TestClient(app) as client:
        html = client.get(f"/?reader={reader.id}").text
        assert html.count(f'data-article-id="{ids["ag-1"]}"') == 1
        assert f'data-article-id="{ids["daily-1"]}"' not in html
        assert (
            "Also reported by" in html and f'<a href="/articles/{ids["daily-1"]}">Daily</a>' in html
        )
        items = client.get(f"/api/v1/readers/{reader.id}/feed").json()["items"]
        assert len(items) == 5
        story_json = next(i for i in items if i["article"]["id"] == ids["ag-1"])
        assert [c["id"] for c in story_json["also_reported_by"]] == [ids["daily-1"]]
        assert story_json["also_reported_by"][0]["publisher"] == "Daily"
        copy_json = client.get(f"/api/v1/articles/{ids['daily-1']}").json()
        assert copy_json["duplicate_of"] == ids["ag-1"]

    # a reader who follows the Daily sees its copy of the story, with the agency's as the other
    store.readers.follow(reader.id, FollowKind.SOURCE, str(daily.id))
    story = next(item for item in reader_feed(store, reader.id) if item.also)
    assert story.article.id == ids["daily-1"] and [c.id for c in story.also] == [ids["ag-1"]]
    assert story.reason == "From a source you follow"

    # hiding one copy hides the story
    store.events.record(Event(reader.id, ids["daily-1"], EventKind.HIDE))
    shown = [item.article.id for item in reader_feed(store, reader.id)]
    assert ids["ag-1"] not in shown and ids["daily-1"] not in shown and len(shown) == 4


def test_exact_copies_are_stored_once(pipeline: Pipeline, feed_server: FeedServer) -> None:
    s = stories(3, min_words=100)
    first = item_of(s[0], "one", link="https://news.example/a/1?utm_source=rss&id=7")
    items = [
        first,
        item_of(s[1], "two", link="https://news.example/a/2"),
        # same link once tracking parameters, fragment and host case are normalised
        item_of(s[2], "three", link="https://NEWS.example/a/1?id=7&fbclid=xyz#top"),
        # same GUID from the same source
        Item(title="Changed title", paragraphs=["Other text."], guid="two"),
    ]
    feed = add_feed(pipeline, feed_server, "Exact", items)
    assert pipeline.refresh([feed]).items_new == 2
    # another source carrying the same title and text: the same article (content hash)
    other = add_feed(pipeline, feed_server, "Mirror", [item_of(s[0], "mirror-0")])
    assert pipeline.refresh([other]).items_new == 0
    assert pipeline.refresh([feed, other]).items_new == 0
    assert pipeline.store.articles.count() == 2


def test_the_per_source_switch_turns_linking_off(
    pipeline: Pipeline, feed_server: FeedServer
) -> None:
    s = stories(3, min_words=200)
    store = pipeline.store
    agency = add_feed(
        pipeline, feed_server, "Agency", [item_of(a, f"ag-{i}") for i, a in enumerate(s)]
    )
    pipeline.refresh([agency])
    # a source with the switch off is never linked...
    quiet = add_feed(pipeline, feed_server, "Quiet", [wire_item(s[0], "q-0", "Quiet copy")])
    store.sources.set_dedup(quiet.id, False)
    pipeline.refresh([store.sources.get(quiet.id)])
    # ...and, once the agency turns it off, nothing links to the agency's stories any more
    store.sources.set_dedup(agency.id, False)
    loud = add_feed(pipeline, feed_server, "Loud", [wire_item(s[1], "l-1", "Loud copy")])
    pipeline.refresh([loud])
    assert all(a.duplicate_of is None for a in store.articles.recent(100))
    # turned on again, the agency's stories take links again
    store.sources.set_dedup(agency.id, True)
    later = add_feed(pipeline, feed_server, "Later", [wire_item(s[2], "la-2", "Later copy")])
    pipeline.refresh([later])
    ids = by_guid(store)
    assert store.articles.get(ids["la-2"]).duplicate_of == ids["ag-2"]


def test_the_switch_is_exposed_in_the_api(pipeline: Pipeline, feed_server: FeedServer) -> None:
    feed = add_feed(pipeline, feed_server, "Switch", [item_of(stories(1)[0], "s-0")])
    app = create_app(pipeline.settings, store=pipeline.store, pipeline=pipeline)
    with TestClient(app) as client:
        assert client.get(f"/api/v1/sources/{feed.id}").json()["dedup"] is True
        res = client.patch(f"/api/v1/sources/{feed.id}", json={"dedup": False})
        assert res.status_code == 200 and res.json()["dedup"] is False
        assert pipeline.store.sources.get(feed.id).dedup is False
        assert client.patch("/api/v1/sources/999999", json={"dedup": True}).status_code == 404
        assert client.patch(f"/api/v1/sources/{feed.id}", json={"dedup": "x"}).status_code == 422


def test_a_new_process_links_to_stories_another_one_stored(
    pipeline: Pipeline, feed_server: FeedServer, entity_extractor: EntityExtractor
) -> None:
    s = stories(4, min_words=200)
    store = pipeline.store
    agency = add_feed(pipeline, feed_server, "Agency", [item_of(s[0], "ag-0")])
    pipeline.refresh([agency])
    # a second pipeline (as in another process) builds its index from the stored signatures
    other = Pipeline(store, pipeline.settings, entities=entity_extractor)
    copy = add_feed(pipeline, feed_server, "Copy", [wire_item(s[0], "c-0", "Copied")])
    other.refresh([copy])
    # and picks up stories stored by the first one after it loaded its index
    late = add_feed(pipeline, feed_server, "Late", [item_of(s[3], "late-3")])
    pipeline.refresh([late])
    again = add_feed(pipeline, feed_server, "Again", [wire_item(s[3], "a-3", "Copied again")])
    other.refresh([again])
    ids = by_guid(store)
    assert store.articles.get(ids["c-0"]).duplicate_of == ids["ag-0"]
    assert store.articles.get(ids["a-3"]).duplicate_of == ids["late-3"]


def test_demo_stories_from_two_sources_are_never_linked(pipeline: Pipeline) -> None:
    store = pipeline.store
    one = store.sources.add("https://one.example/feed", SourceKind.FEED)
    two = store.sources.add("https://two.example/feed", SourceKind.FEED)
    s = stories()
    assert pipeline.save_articles(one, s[0::2]) + pipeline.save_articles(two, s[1::2]) == len(s)
    assert all(a.duplicate_of is None for a in store.articles.recent(1000))


def test_writers_racing_to_store_the_same_articles_store_each_once(
    store: Store, pipeline: Pipeline, entity_extractor: EntityExtractor
) -> None:
    source = store.sources.add("https://race.example/feed", SourceKind.FEED)
    s = stories(25)
    workers = [Pipeline(store, pipeline.settings, entities=entity_extractor) for _ in range(4)]
    start = threading.Barrier(len(workers))
    new: list[int] = []
    errors: list[BaseException] = []

    def work(p: Pipeline) -> None:
        try:
            start.wait()
            new.append(p.save_articles(source, s))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(p,)) for p in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(new) == len(s) == store.articles.count()
