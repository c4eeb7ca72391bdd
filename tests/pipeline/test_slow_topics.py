"""The ranking window and slow topics: a followed topic that the last 72 h hold little of
still brings its latest (older) stories into the feed; an unfollowed old story stays out."""

from __future__ import annotations

from datetime import timedelta

from tidings.core import Article, FollowKind, Settings, SourceKind
from tidings.core.text import utcnow
from tidings.pipeline import Pipeline
from tidings.pipeline.feed import FeedService


def _article(i: int, title: str, topic: str, age: timedelta) -> Article:
    return Article(
        title=title,
        body_paragraphs=(f"{title}. Report number {i} with a few more words about it.",),
        guid=f"a{i}",
        topics=(topic,),
        published=utcnow() - age,
    )


def test_a_slow_followed_topic_brings_older_stories_into_the_window(
    pipeline: Pipeline, settings: Settings
) -> None:
    store = pipeline.store
    source = store.sources.add("https://wire.example/", SourceKind.FEED)
    fresh = [
        _article(i, f"Markets move on day {i} of trading", "Markets", timedelta(hours=1 + i))
        for i in range(12)
    ]
    old = [
        _article(100, "Hive numbers recover after a hard winter", "Beekeeping", timedelta(days=9)),
        _article(101, "Ancient ruins found under a car park", "Archaeology", timedelta(days=8)),
    ]
    pipeline.save_articles(source, fresh + old)
    reader = store.readers.create("beekeeper")
    store.readers.follow(reader.id, FollowKind.TOPIC, "Beekeeping")
    # the window (72 h) holds the twelve market stories: enough not to fall back on the
    # newest articles however old (feed_min_articles)
    tight = settings.model_copy(update={"feed_min_articles": 10, "feed_window_hours": 72})
    service = FeedService(store, tight)
    feed = service.feed(reader.id, limit=20, log_impressions=False)
    titles = [it.article.article.title for it in feed]
    assert titles[0] == "Hive numbers recover after a hard winter"
    assert feed[0].reason == "Because you follow Beekeeping"
    # nobody follows archaeology: its old story is not brought in
    assert "Ancient ruins found under a car park" not in titles
    assert len(titles) == 13

    # without the follow the old story is outside the window again: the index is rebuilt
    store.readers.unfollow(reader.id, FollowKind.TOPIC, "Beekeeping")
    assert "Hive numbers recover after a hard winter" not in [
        it.article.article.title for it in service.feed(reader.id, limit=20, log_impressions=False)
    ]
    # and a new follow of a slow topic takes effect on the next request
    store.readers.follow(reader.id, FollowKind.TOPIC, "Archaeology")
    again = service.feed(reader.id, limit=20, log_impressions=False)
    assert again[0].article.article.title == "Ancient ruins found under a car park"
