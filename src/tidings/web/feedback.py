"""What a reader tells the feed from the web app: save, hide, fewer like this, how long they
read (a beacon from the article page), and the topics a new reader picks at onboarding."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tidings.core import Event, EventKind, NotFoundError, Reader
from tidings.pipeline.onboarding import ONBOARDING_TOPICS, create_reader, onboard
from tidings.web.common import READER_COOKIE, ArticleId, current_reader, page, store_of

router = APIRouter(include_in_schema=False)

_ACTIONS = {
    "save": EventKind.SAVE,
    "hide": EventKind.HIDE,
    "fewer": EventKind.FEWER_LIKE_THIS,
}


def safe_next(target: str | None) -> str:
    """A redirect target on this site only."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return "/"
    return target


def _reader(request: Request) -> Reader:
    me = current_reader(request)
    if me is None:
        raise NotFoundError("create a reader first")
    return me


@router.post("/articles/{article_id}/save")
@router.post("/articles/{article_id}/hide")
@router.post("/articles/{article_id}/fewer")
def story_action(
    request: Request,
    article_id: ArticleId,
    next: Annotated[str | None, Form(max_length=2048)] = None,
) -> Response:
    """Save a story, hide it, or ask for fewer like it; hide and fewer take effect in the
    next feed at once."""
    store = store_of(request)
    store.articles.get(article_id)
    me = _reader(request)
    action = request.url.path.rstrip("/").rsplit("/", 1)[-1]
    store.events.record(Event(me.id, article_id, _ACTIONS[action]))
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/articles/{article_id}/read")
def read_beacon(
    request: Request,
    article_id: ArticleId,
    dwell_s: Annotated[float, Form(ge=0, le=86400)],
) -> Response:
    """How long the reader spent on an article page (sent by the page when it is left)."""
    store = store_of(request)
    store.articles.get(article_id)
    me = _reader(request)
    store.events.record(Event(me.id, article_id, EventKind.READ, dwell_s=round(dwell_s, 1)))
    return Response(status_code=204)


@router.get("/readers/new", response_class=HTMLResponse)
def new_reader_page(request: Request) -> Response:
    return page(
        request, "onboarding.html", reader=current_reader(request), topics=ONBOARDING_TOPICS
    )


@router.post("/readers")
def new_reader(
    request: Request,
    name: Annotated[str, Form(min_length=1, max_length=128)],
    topics: Annotated[list[str] | None, Form(max_length=len(ONBOARDING_TOPICS))] = None,
) -> Response:
    reader = create_reader(store_of(request), name, topics or [])
    response = RedirectResponse(f"/?reader={reader.id}", status_code=303)
    response.set_cookie(READER_COOKIE, str(reader.id), samesite="lax", httponly=True)
    return response


@router.post("/onboarding")
def pick_topics(
    request: Request,
    topics: Annotated[list[str] | None, Form(max_length=len(ONBOARDING_TOPICS))] = None,
) -> Response:
    """The topics a reader with no follows yet picks from the feed page."""
    onboard(store_of(request), _reader(request), topics or [])
    return RedirectResponse("/", status_code=303)


@router.get("/saved", response_class=HTMLResponse)
def saved_page(request: Request) -> Response:
    store = store_of(request)
    me = current_reader(request)
    ids: list[int] = []
    if me is not None:
        events = store.events.for_reader(me.id)
        for e in reversed(events):
            if e.kind is EventKind.SAVE and e.article_id is not None and e.article_id not in ids:
                ids.append(e.article_id)
    return page(request, "saved.html", reader=me, saved=store.articles.by_ids(ids))
