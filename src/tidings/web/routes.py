"""HTML pages: the reader's feed, article pages, follow/mute forms, sources."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from tidings.core import (
    MAX_ID,
    Event,
    EventKind,
    FollowKind,
    NotFoundError,
    Reader,
    parse_follow_kind,
)
from tidings.core.text import normalise_key
from tidings.pipeline import DEMO_READER, WIKINEWS_NOTICE, reader_feed
from tidings.store import Store

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
READER_COOKIE = "tidings_reader"
ArticleId = Annotated[int, PathParam(ge=1, le=MAX_ID)]

router = APIRouter(include_in_schema=False)


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return ""
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


TEMPLATES.env.filters["duration"] = _duration
TEMPLATES.env.globals["WIKINEWS_NOTICE"] = WIKINEWS_NOTICE


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def current_reader(request: Request, reader_param: int | None = None) -> Reader | None:
    """The reader chosen by ?reader=, else the cookie, else the demo reader, else the first."""
    store = _store(request)
    wanted = reader_param
    if wanted is None:
        cookie = request.cookies.get(READER_COOKIE, "")
        wanted = int(cookie) if cookie.isdigit() and int(cookie) <= MAX_ID else None
    if wanted is not None:
        try:
            return store.readers.get(wanted)
        except NotFoundError:
            if reader_param is not None:
                raise
    try:
        return store.readers.find(DEMO_READER)
    except NotFoundError:
        readers = store.readers.list()
        return readers[0] if readers else None


def _page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    store = _store(request)
    ctx.setdefault("readers", store.readers.list())
    return TEMPLATES.TemplateResponse(request, name, ctx, status_code=status)


@router.get("/", response_class=HTMLResponse)
def feed_page(
    request: Request,
    reader: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    page: Annotated[int, Query(ge=1, le=200)] = 1,
) -> Response:
    store = _store(request)
    me = current_reader(request, reader)
    size = request.app.state.settings.feed_size
    items = (
        reader_feed(store, me.id, limit=size, offset=(page - 1) * size) if me is not None else []
    )
    follows = store.readers.follows(me.id) if me is not None else []
    response = _page(
        request,
        "feed.html",
        reader=me,
        items=items,
        follows=follows,
        page=page,
        has_more=len(items) == size,
        sources={s.id: s for s in store.sources.list()},
    )
    if me is not None and reader is not None:
        response.set_cookie(READER_COOKIE, str(me.id), samesite="lax", httponly=True)
    return response


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: ArticleId) -> Response:
    store = _store(request)
    stored = store.articles.get(article_id)
    me = current_reader(request)
    followed: set[tuple[str, str]] = set()
    if me is not None:
        followed = {(f.kind.value, f.value) for f in store.readers.follows(me.id) if f.weight > 0}
        store.events.record(Event(reader_id=me.id, article_id=article_id, kind=EventKind.CLICK))
    source = store.sources.get(stored.source_id) if stored.source_id else None
    return _page(
        request,
        "article.html",
        reader=me,
        stored=stored,
        a=stored.article,
        source=source,
        followed=followed,
        key=normalise_key,
    )


def _safe_next(target: str | None) -> str:
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return "/"
    return target


@router.post("/follow")
def follow_form(
    request: Request,
    kind: Annotated[str, Form(max_length=32)],
    value: Annotated[str, Form(min_length=1, max_length=512)],
    action: Annotated[str, Form(pattern="^(follow|unfollow|mute)$")] = "follow",
    next: Annotated[str | None, Form(max_length=2048)] = None,
) -> Response:
    store = _store(request)
    me = current_reader(request)
    if me is None:
        raise NotFoundError("create a reader first")
    fkind = parse_follow_kind(kind)
    if action == "unfollow":
        store.readers.unfollow(me.id, fkind, value)
        store.events.record(Event(me.id, None, EventKind.UNFOLLOW, value=value))
    else:
        store.readers.follow(me.id, fkind, value, weight=-1.0 if action == "mute" else 1.0)
        store.events.record(Event(me.id, None, EventKind.FOLLOW, value=value))
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/articles/{article_id}/hide")
def hide_form(request: Request, article_id: ArticleId) -> Response:
    store = _store(request)
    store.articles.get(article_id)
    me = current_reader(request)
    if me is None:
        raise NotFoundError("create a reader first")
    store.events.record(Event(me.id, article_id, EventKind.HIDE))
    return RedirectResponse("/", status_code=303)


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request) -> Response:
    store = _store(request)
    return _page(
        request,
        "sources.html",
        reader=current_reader(request),
        sources=store.sources.list(),
        FollowKind=FollowKind,
    )
