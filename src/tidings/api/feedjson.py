"""A feed page as JSON bytes, assembled from pieces: each article's summary (and each other
copy's headline, and each story) is serialised once and kept while the serving process keeps
that object, so a request serialises only what is its own (rank, score, reason, matched
follows). The bytes parse to exactly what `FeedOut` gives (tests/api hold them to it);
`FeedOut` stays the route's documented response model."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable

from pydantic import BaseModel

from tidings.api.schemas import AlsoReportedOut, ArticleSummaryOut, ReaderOut, StoryRefOut
from tidings.core import StoredArticle
from tidings.pipeline.feed import FeedPage
from tidings.store.stories import StoryRow

PIECES = 200_000  # serialised summaries, headlines and stories kept (about 0.5 kB each)

_dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


class FeedJson:
    """Serialises feed pages; thread-safe. A piece is reused only for pages ranked over the
    index it was made under (`FeedPage.serial`): the feed service loads articles and stories
    afresh for a new index, and enrichment that changes an article changes the index."""

    def __init__(self, size: int = PIECES) -> None:
        self._size = size
        self._pieces: OrderedDict[tuple[int, str], tuple[int, str]] = OrderedDict()
        self._lock = threading.Lock()

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
                        _dumps(it.reason),
                        ',"matched":',
                        _dumps(list(it.matched)),
                        ',"article":',
                        self._summary(it.article, page.serial),
                        ',"also_reported_by":[',
                        ",".join(self._headline(c, page.serial) for c in it.also),
                        '],"story":',
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

    def _story(self, story: StoryRow, serial: int) -> str:
        return self._cached(story.id, "story", serial, lambda: StoryRefOut.of(story))

    def _cached(self, key_id: int, kind: str, serial: int, make: Callable[[], BaseModel]) -> str:
        key = (key_id, kind)
        with self._lock:
            hit = self._pieces.get(key)
            if hit is not None and hit[0] == serial:
                self._pieces.move_to_end(key)
                return hit[1]
        text = make().model_dump_json()
        with self._lock:
            self._pieces[key] = (serial, text)
            self._pieces.move_to_end(key)
            while len(self._pieces) > self._size:
                self._pieces.popitem(last=False)
        return text
