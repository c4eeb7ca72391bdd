"""JSON API routes under /api/v1."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from tidings.api import knowledge
from tidings.api.deps import ERRORS, Id, pipeline_of, store_of
from tidings.api.feedjson import FeedJson
from tidings.api.schemas import (
    ArticleOut,
    ErrorOut,
    EventIn,
    FeedOut,
    FollowIn,
    FollowOut,
    HealthOut,
    ReaderIn,
    ReaderOut,
    SourceIn,
    SourceOut,
    SourcePatch,
)
from tidings.core import (
    Event,
    EventKind,
    Follow,
    InvalidInputError,
    NotFoundError,
    Reader,
    parse_follow_kind,
)
from tidings.ingest import OpmlFeed, write_opml
from tidings.pipeline.feed import FeedService, feed_service
from tidings.pipeline.onboarding import create_reader as create_reader_with
from tidings.store import Store

router = APIRouter(prefix="/api/v1", responses=ERRORS)


def _reader_out(r: Reader) -> ReaderOut:
    return ReaderOut(id=r.id, name=r.name, created_at=r.created_at)


def _follow_out(f: Follow) -> FollowOut:
    return FollowOut(kind=f.kind.value, value=f.value, label=f.label, muted=f.muted)


@router.get("/health", response_model=HealthOut)
def health(request: Request) -> HealthOut:
    store = store_of(request)
    return HealthOut(status="ok", database=store.backend, articles=store.articles.count())


@router.get("/sources", response_model=list[SourceOut])
def list_sources(request: Request) -> list[SourceOut]:
    return [SourceOut.of(s) for s in store_of(request).sources.list()]


@router.post(
    "/sources",
    response_model=SourceOut,
    status_code=status.HTTP_201_CREATED,
    responses={502: {"model": ErrorOut, "description": "The source could not be fetched"}},
)
def add_source(body: SourceIn, request: Request) -> SourceOut:
    if not body.url.startswith(("http://", "https://")):
        raise InvalidInputError("a source URL must start with http:// or https://")
    return SourceOut.of(pipeline_of(request).add_source(body.url, folder=body.folder))


@router.get("/sources/{source_id}", response_model=SourceOut)
def get_source(source_id: Id, request: Request) -> SourceOut:
    return SourceOut.of(store_of(request).sources.get(source_id))


@router.patch("/sources/{source_id}", response_model=SourceOut)
def update_source(source_id: Id, body: SourcePatch, request: Request) -> SourceOut:
    """Switch near-duplicate linking (`dedup`) or polling (`active`) of a source."""
    store = store_of(request)
    store.sources.get(source_id)
    if body.dedup is not None:
        store.sources.set_dedup(source_id, body.dedup)
    if body.active is not None:
        store.sources.set_active(source_id, body.active)
    return SourceOut.of(store.sources.get(source_id))


@router.get("/articles/{article_id}", response_model=ArticleOut)
def get_article(article_id: Id, request: Request) -> ArticleOut:
    store = store_of(request)
    stored = store.articles.get(article_id)
    story = None
    if stored.story_id is not None:
        story = store.stories.stories_of([stored.story_id]).get(stored.story_id)
    return ArticleOut.full(stored, store.understanding.quotes_for(article_id), story)


@router.get("/readers", response_model=list[ReaderOut])
def list_readers(request: Request) -> list[ReaderOut]:
    return [_reader_out(r) for r in store_of(request).readers.list()]


@router.post(
    "/readers",
    response_model=ReaderOut,
    status_code=status.HTTP_201_CREATED,
    responses={409: {"model": ErrorOut, "description": "A reader with that name exists"}},
)
def create_reader(body: ReaderIn, request: Request) -> ReaderOut:
    return _reader_out(create_reader_with(store_of(request), body.name, body.topics))


@router.get("/readers/{reader_id}", response_model=ReaderOut)
def get_reader(reader_id: Id, request: Request) -> ReaderOut:
    return _reader_out(store_of(request).readers.get(reader_id))


@router.get("/readers/{reader_id}/feed", response_model=FeedOut)
async def get_feed(
    reader_id: Id,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10000)] = 0,
) -> Response:
    store = store_of(request)
    feeds: FeedService = request.app.state.feed
    body = await feeds.run(_feed_json, store, request.app.state.feed_json, reader_id, limit, offset)
    return Response(body, media_type="application/json")


def _feed_json(store: Store, out: FeedJson, reader_id: int, limit: int, offset: int) -> bytes:
    """The feed page as FeedOut's JSON, assembled from serialised pieces (see FeedJson)."""
    return out.page(feed_service(store).page(reader_id, limit=limit, offset=offset), offset)


@router.get("/readers/{reader_id}/follows", response_model=list[FollowOut])
def list_follows(reader_id: Id, request: Request) -> list[FollowOut]:
    store = store_of(request)
    store.readers.get(reader_id)
    return [_follow_out(f) for f in store.readers.follows(reader_id)]


@router.post(
    "/readers/{reader_id}/follows", response_model=FollowOut, status_code=status.HTTP_201_CREATED
)
def add_follow(reader_id: Id, body: FollowIn, request: Request) -> FollowOut:
    store = store_of(request)
    kind = parse_follow_kind(body.kind)
    follow = store.readers.follow(reader_id, kind, body.value, weight=-1.0 if body.mute else 1.0)
    store.events.record(
        Event(reader_id=reader_id, article_id=None, kind=EventKind.FOLLOW, value=body.value)
    )
    return _follow_out(follow)


@router.delete(
    "/readers/{reader_id}/follows/{kind}/{value}", status_code=status.HTTP_204_NO_CONTENT
)
def remove_follow(reader_id: Id, kind: str, value: str, request: Request) -> Response:
    store = store_of(request)
    store.readers.get(reader_id)
    fkind = parse_follow_kind(kind)
    # by the name followed ("Lavrov", "Crime and law") or the stored key
    if not store.readers.unfollow(reader_id, fkind, value):
        raise NotFoundError(f"reader {reader_id} does not follow {kind} {value!r}")
    store.events.record(
        Event(reader_id=reader_id, article_id=None, kind=EventKind.UNFOLLOW, value=value)
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/readers/{reader_id}/events", status_code=status.HTTP_202_ACCEPTED)
def record_event(reader_id: Id, body: EventIn, request: Request) -> dict[str, str]:
    store = store_of(request)
    store.readers.get(reader_id)
    if body.article_id is not None:
        store.articles.get(body.article_id)
    store.events.record(
        Event(
            reader_id=reader_id,
            article_id=body.article_id,
            kind=EventKind(body.kind),
            dwell_s=body.dwell_s,
            value=body.value,
        )
    )
    return {"status": "accepted"}


@router.get("/opml", response_class=Response, responses={200: {"content": {"text/x-opml": {}}}})
def export_opml(request: Request) -> Response:
    feeds = [
        OpmlFeed(url=s.url, title=s.title, site_url=s.site_url, folder=s.folder)
        for s in store_of(request).sources.list()
        if s.kind.value == "feed" and s.url.startswith("http")
    ]
    return Response(write_opml(feeds), media_type="text/x-opml; charset=utf-8")


router.include_router(knowledge.router)
