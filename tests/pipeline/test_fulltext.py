"""Full text for truncated feed items: the linked page is fetched from 127.0.0.1, extracted and
merged with the feed's metadata; a page that fails leaves the item as the feed gave it."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from rssgen import BASE, Item, item_of, page, rss, stories

from support import FeedServer
from tidings.core import Article, Image, SourceKind
from tidings.enrich.entities import EntityExtractor
from tidings.pipeline import Pipeline, is_truncated, merge_full_text
from tidings.store import Store
from tidings.store.tables import articles

LONG = " ".join(["word"] * 200)


def full_text_pipeline(
    pipeline: Pipeline, entity_extractor: EntityExtractor, per_source: int = 20
) -> Pipeline:
    settings = pipeline.settings.model_copy(
        update={"fetch_full_text": True, "full_text_per_source": per_source}
    )
    return Pipeline(pipeline.store, settings, entities=entity_extractor)


def teaser(a: Article, guid: str, link: str, ending: str = "…") -> Item:
    words = a.body_paragraphs[0].split()[:30]
    return Item(
        title=a.title,
        paragraphs=[" ".join(words) + ending],
        guid=guid,
        link=link,
        summary_only=True,
    )


def stored_by_guid(store: Store) -> dict[str, Article]:
    return {s.article.guid or "": store.articles.get(s.id).article for s in store.articles.recent()}


# -- deciding what is truncated ------------------------------------------------------------------


def test_short_or_teaser_items_with_a_link_are_truncated() -> None:
    url = "https://news.example/a"
    assert is_truncated(Article(title="t", body_paragraphs=("Only a summary.",), url=url))
    assert is_truncated(Article(title="t", url=url))
    assert not is_truncated(Article(title="t", body_paragraphs=(LONG,), url=url))
    for ending in (" …", "...", " […]", " [...]", " Read more", " Continue reading →",
                   " (more…)", " The post Foo appeared first on Bar."):  # fmt: skip
        assert is_truncated(Article(title="t", body_paragraphs=(LONG + ending,), url=url)), ending
    # nothing to fetch: no link, or not a web page
    assert not is_truncated(Article(title="t", body_paragraphs=("Short.",)))
    assert not is_truncated(
        Article(title="t", body_paragraphs=("Short.",), url="file:///tmp/a.txt")
    )


def test_merging_keeps_the_feeds_metadata_and_the_pages_body() -> None:
    when = datetime(2026, 1, 2, tzinfo=UTC)
    item = Article(
        title="Feed title",
        body_paragraphs=("A dek that the page does not repeat.",),
        url="https://news.example/a",
        guid="g-1",
        published=when,
        publisher="Feed",
        topics=("Politics",),
    )
    page_article = Article(
        title="Page title | Site",
        body_paragraphs=("Para one.", "Para two."),
        url="https://news.example/a?amp=1",
        byline="Jane Reporter",
        published=datetime(2020, 1, 1, tzinfo=UTC),
        publisher="Site",
        topics=("Other",),
        images=(Image(url="https://news.example/a.jpg"),),
        language="en",
    )
    merged = merge_full_text(item, page_article)
    assert merged.title == "Feed title" and merged.url == item.url and merged.guid == "g-1"
    assert merged.published == when and merged.publisher == "Feed"
    assert merged.topics == ("Politics",)
    assert merged.body_paragraphs == ("Para one.", "Para two.")
    assert merged.byline == "Jane Reporter" and merged.images == page_article.images
    assert merged.standfirst == ("A dek that the page does not repeat.",)
    assert merged.language == "en"


# -- through the pipeline ----------------------------------------------------------------------


def test_teasers_get_their_pages_text_and_failures_keep_the_summary(
    pipeline: Pipeline, feed_server: FeedServer, entity_extractor: EntityExtractor
) -> None:
    s = stories(3, min_words=250)
    for i, a in enumerate(s):
        feed_server.serve(
            f"/story/{i}",
            page(a.title, list(a.body_paragraphs), byline="Jane Reporter"),
            "text/html; charset=utf-8",
        )
    items = [
        teaser(s[0], "t-0", feed_server.url("/story/0")),
        teaser(s[1], "t-1", feed_server.url("/gone"), ending=" Read more"),  # 404
        item_of(s[2], "full-2", link=feed_server.url("/story/2")),  # already complete
    ]
    url = feed_server.serve("/feed.xml", rss("Teasers", items), "application/rss+xml")
    source = pipeline.store.sources.add(url, SourceKind.FEED)
    p = full_text_pipeline(pipeline, entity_extractor)
    summary = p.refresh([source])
    assert summary.sources_failed == 0 and summary.items_new == 3
    got = stored_by_guid(p.store)

    full = got["t-0"]
    assert full.body_paragraphs == s[0].body_paragraphs
    assert full.title == s[0].title  # the feed's title, not the page's "… | Example News"
    assert full.published == BASE and full.publisher == "Teasers"
    assert full.byline == "Jane Reporter"  # from the page
    assert full.standfirst == ()  # the teaser was the page's opening, cut off

    kept = got["t-1"]
    assert kept.body_text.endswith("Read more") and len(kept.body_text.split()) < 40
    assert got["full-2"].body_paragraphs == s[2].body_paragraphs
    assert feed_server.hits.get("/story/2") is None  # a complete item is not fetched
    assert feed_server.hits["/story/0"] == 1 and feed_server.hits["/gone"] == 1

    # the next refresh fetches no page again: the items are already stored
    again = p.refresh(p.store.sources.list())
    assert again.items_new == 0
    assert feed_server.hits["/story/0"] == 1 and feed_server.hits["/gone"] == 1


def test_full_text_fetches_are_limited_per_source_and_can_be_switched_off(
    pipeline: Pipeline, feed_server: FeedServer, entity_extractor: EntityExtractor
) -> None:
    s = stories(5, min_words=250)
    for i, a in enumerate(s):
        feed_server.serve(f"/p/{i}", page(a.title, list(a.body_paragraphs)), "text/html")
    items = [teaser(a, f"t-{i}", feed_server.url(f"/p/{i}")) for i, a in enumerate(s)]
    url = feed_server.serve("/feed.xml", rss("Teasers", items), "application/rss+xml")
    source = pipeline.store.sources.add(url, SourceKind.FEED)
    p = full_text_pipeline(pipeline, entity_extractor, per_source=2)
    assert p.refresh([source]).items_new == 5
    assert sum(feed_server.hits.get(f"/p/{i}", 0) for i in range(5)) == 2
    lengths = sorted(len(a.body_text.split()) for a in stored_by_guid(p.store).values())
    assert lengths[2] <= 31 and lengths[3] > 200  # three teasers left, two completed

    # with the setting off (the test default) no page is fetched
    other = feed_server.serve(
        "/other.xml", rss("Other", [teaser(s[0], "o-0", feed_server.url("/p/0"))]), "text/xml"
    )
    before = dict(feed_server.hits)
    pipeline.refresh([pipeline.store.sources.add(other, SourceKind.FEED)])
    assert feed_server.hits.get("/p/0") == before.get("/p/0")


def test_the_feeds_html_body_is_kept_sanitised(pipeline: Pipeline, feed_server: FeedServer) -> None:
    body = (
        '<p>Markets <em>rallied</em> on <a href="https://news.example/x" onclick="steal()">'
        "the news</a>.</p><p>Second paragraph with a "
        '<a href="javascript:alert(1)">bad link</a>.</p><img src="x" onerror="alert(1)">'
    )
    feed = (
        '<?xml version="1.0"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Html</title>'
        "<item><title>Markets</title><guid>h-1</guid>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded></item></channel></rss>"
    )
    source = pipeline.store.sources.add(
        feed_server.serve("/html.xml", feed, "application/rss+xml"), SourceKind.FEED
    )
    assert pipeline.refresh([source]).items_new == 1
    with pipeline.store.engine.connect() as conn:
        html, text = conn.execute(sa.select(articles.c.body_html, articles.c.body_text)).one()
    assert "<em>rallied</em>" in html and 'href="https://news.example/x"' in html
    assert "onclick" not in html and "javascript:" not in html and "onerror" not in html
    assert text == "Markets rallied on the news.\n\nSecond paragraph with a bad link."
