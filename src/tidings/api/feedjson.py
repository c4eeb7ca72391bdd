"""A feed page as JSON bytes, assembled from pieces: each article's summary (and each other
copy's headline, and each story) is serialised once and kept while the serving process keeps
that object, so a request serialises only what is its own (rank, score, reason, matched
follows). The bytes parse to exactly what `FeedOut` gives (tests/api hold them to it);
`FeedOut` stays the route's documented response model."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable

from pydantic import BaseModel

from tidings.api.schemas import AlsoReportedOut, ArticleSummaryOut, ReaderOut, StoryRefOut
from tidings.core import StoredArticle
from tidings.core.lru import Lru
from tidings.pipeline.feed import FeedPage
from tidings.store.stories import StoryRow

PIECES = 200_000  # serialised summaries, headlines and stories kept (about 0.5 kB each)
# (and a tenth as many arrays of a shown article's other copies' headlines)

_dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


# Reasons and matched follows repeat across items and readers ("Because you follow World"):
# each is serialised once.
@functools.lru_cache(maxsize=20_000)
def _text(s: str) -> str:
    return _dumps(s)


@functools.lru_cache(maxsize=20_000)
def _labels(labels: tuple[str, ...]) -> str:
    return _dumps(list(labels))


class FeedJson:
    """Serialises feed pages; thread-safe. A piece is reused only for pages ranked over the
    index it was made under (`FeedPage.serial`): the feed service loads articles and stories
    afresh for a new index, and enrichment that changes an article changes the index."""

    def __init__(self, size: int = PIECES) -> None:
        self._pieces: Lru[tuple[int, str], tuple[int, str]] = Lru(size)
        # per shown article: (index serial, its other copies' ids, their headlines' array)
        self._also_of: Lru[int, tuple[int, tuple[int, ...], str]] = Lru(size // 10)

    def page(self, page: FeedPage, offset: int) -> bytes:
        reader = ReaderOut(
            id=page.reader.id, name=page.reader.name, created_at=page.reader.created_at
        )
        out = ['{"reader":', reader.model_dump_json(), ',"items":[']
        for i, it in enumerate(page.items):
            sid = it.article.story_id
            story = page.stories.get(sid) if sid is not None else None
            out.append(
                "".join(
                    (
                        "," if i else "",
                        '{"rank":',
                        str(offset + i + 1),
                        ',"score":',
                        _dumps(float(it.score)),
                        ',"reason":',
                        _text(it.reason),
                        ',"matched":',
                        _labels(it.matched),
                        ',"article":',
                        self._summary(it.article, page.serial),
                        ',"also_reported_by":',
                        self._also(it.article.id, it.also, page.serial),
                        ',"story":',
                        "null" if story is None else self._story(story, page.serial),
                        ',"explore":',
                        "true" if it.explore else "false",
                        "}",
                    )
                )
            )
        out.append("]}")
        return "".join(out).encode("utf-8")

    def _summary(self, art: StoredArticle, serial: int) -> str:
        return self._cached(art.id, "summary", serial, lambda: ArticleSummaryOut.of(art))

    def _headline(self, art: StoredArticle, serial: int) -> str:
        return self._cached(art.id, "headline", serial, lambda: AlsoReportedOut.of(art))

    def _also(self, head: int, also: tuple[StoredArticle, ...], serial: int) -> str:
        """The other copies' headlines as one JSON array, kept per shown article with the ids
        it was made of (a story gains copies when a new index is built)."""
        if not also:
            return "[]"
        ids = tuple(a.id for a in also)
        hit = self._also_of.get(head)
        if hit is not None and hit[0] == serial and hit[1] == ids:
            return hit[2]
        text = "[" + ",".join(self._headline(c, serial) for c in also) + "]"
        self._also_of.put(head, (serial, ids, text))
        return text

    def _story(self, story: StoryRow, serial: int) -> str:
        return self._cached(story.id, "story", serial, lambda: StoryRefOut.of(story))

    def _cached(self, key_id: int, kind: str, serial: int, make: Callable[[], BaseModel]) -> str:
        key = (key_id, kind)
        hit = self._pieces.get(key)
        if hit is not None and hit[0] == serial:
            return hit[1]
        text = make().model_dump_json()
        self._pieces.put(key, (serial, text))
        return text
