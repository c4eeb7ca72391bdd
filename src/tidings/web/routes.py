"""HTML pages: the reader's feed, article pages, follow/mute forms, sources. Story, quote and
entity pages live in `web.knowledge`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tidings.core import MAX_ID, Event, EventKind, FollowKind, NotFoundError, parse_follow_kind
from tidings.pipeline.feed import FeedService, feed_service
from tidings.pipeline.onboarding import ONBOARDING_TOPICS
from tidings.web import feedback, knowledge
from tidings.web.common import (
    READER_COOKIE,
    SUBJECT_KINDS,
    TEMPLATES,
    ArticleId,
    current_reader,
    follow_state,
    page,
    store_of,
)
from tidings.web.feedback import safe_next

__all__ = ["TEMPLATES", "router"]

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def feed_page(
    request: Request,
    reader: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    page_no: Annotated[int, Query(alias="page", ge=1, le=200)] = 1,
) -> Response:
    feeds: FeedService = request.app.state.feed  # one of the feed's slots, like the API's
    return await feeds.run(_feed_page, request, reader, page_no)


def _feed_page(request: Request, reader: int | None, page_no: int) -> Response:
    store = store_of(request)
    me = current_reader(request, reader)
    size = request.app.state.settings.feed_size
    feed = (
        feed_service(store).page(me.id, limit=size, offset=(page_no - 1) * size)
        if me is not None
        else None
    )
    items = feed.items if feed is not None else []
    stories = feed.stories if feed is not None else {}
    follows = store.readers.follows(me.id) if me is not None else []
    response = page(
        request,
        "feed.html",
        reader=me,
        items=items,
        follows=follows,
        page=page_no,
        has_more=len(items) == size,
        sources={s.id: s for s in store.sources.list()},
        stories=stories,
        topics=ONBOARDING_TOPICS,
        here=str(request.url.path) + (f"?page={page_no}" if page_no > 1 else ""),
    )
    if me is not None and reader is not None:
        response.set_cookie(READER_COOKIE, str(me.id), samesite="lax", httponly=True)
    return response


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: ArticleId) -> Response:
    store = store_of(request)
    stored = store.articles.get(article_id)
    me = current_reader(request)
    if me is not None:
        store.events.record(Event(reader_id=me.id, article_id=article_id, kind=EventKind.CLICK))
    source = store.sources.get(stored.source_id) if stored.source_id else None
    story = None
    if stored.story_id is not None:
        story = store.stories.stories_of([stored.story_id]).get(stored.story_id)
    return page(
        request,
        "article.html",
        reader=me,
        stored=stored,
        a=stored.article,
        source=source,
        story=story,
        quotes=store.understanding.quotes_for(article_id),
        topics_of={
            kind: [t for t in stored.topics if t.kind == kind]
            for kind in ("tag", "place", "taxonomy")
        },
        here=f"/articles/{stored.id}",
        **follow_state(store, me),
    )


@router.post("/follow")
def follow_form(
    request: Request,
    kind: Annotated[str, Form(max_length=32)],
    value: Annotated[str, Form(min_length=1, max_length=512)],
    action: Annotated[str, Form(pattern="^(follow|unfollow|mute)$")] = "follow",
    next: Annotated[str | None, Form(max_length=2048)] = None,
) -> Response:
    store = store_of(request)
    me = current_reader(request)
    if me is None:
        raise NotFoundError("create a reader first")
    fkind = parse_follow_kind(kind)
    if action == "unfollow":
        # A chip shows a subject as followed whether it is followed as a topic or as an
        # entity: unfollowing from the chip removes whichever follow it was.
        kinds = SUBJECT_KINDS if fkind in SUBJECT_KINDS else (fkind,)
        for k in kinds:
            store.readers.unfollow(me.id, k, value)
        store.events.record(Event(me.id, None, EventKind.UNFOLLOW, value=value))
    else:
        store.readers.follow(me.id, fkind, value, weight=-1.0 if action == "mute" else 1.0)
        store.events.record(Event(me.id, None, EventKind.FOLLOW, value=value))
    return RedirectResponse(safe_next(next), status_code=303)


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request) -> Response:
    store = store_of(request)
    return page(
        request,
        "sources.html",
        reader=current_reader(request),
        sources=store.sources.list(),
        FollowKind=FollowKind,
    )


router.include_router(knowledge.router)
router.include_router(feedback.router)
