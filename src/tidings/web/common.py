"""What the HTML page modules share: templates and their filters, the current reader, and the
follow state that chips show."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Path as PathParam
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from tidings.core import MAX_ID, FollowKind, NotFoundError, Reader
from tidings.core.text import normalise_key
from tidings.pipeline import DEMO_READER, WIKINEWS_NOTICE
from tidings.store import Store

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
READER_COOKIE = "tidings_reader"
ArticleId = Annotated[int, PathParam(ge=1, le=MAX_ID)]

# Follow kinds whose values are "subjects": a chip for Afghanistan shows as followed whether
# the reader follows it as a topic (the source's tag) or as an entity (the place).
SUBJECT_KINDS = (FollowKind.TOPIC, FollowKind.ENTITY)


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return ""
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _segment(value: object) -> str:
    """A value as one URL path segment or query value: everything but unreserved characters
    percent-encoded (a name may hold '/', '?', '#' or '&')."""
    return quote(str(value), safe="")


TEMPLATES.env.filters["duration"] = _duration
TEMPLATES.env.filters["segment"] = _segment
TEMPLATES.env.globals["WIKINEWS_NOTICE"] = WIKINEWS_NOTICE
TEMPLATES.env.globals["key"] = normalise_key


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def current_reader(request: Request, reader_param: int | None = None) -> Reader | None:
    """The reader chosen by ?reader=, else the cookie, else the demo reader, else the first."""
    store = store_of(request)
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


def follow_state(store: Store, reader: Reader | None) -> dict[str, Any]:
    """Template context for follow chips: `followed` holds (kind, key) of every positive
    follow, `subjects` the keys followed as a topic or as an entity."""
    followed: set[tuple[str, str]] = set()
    if reader is not None:
        followed = {
            (f.kind.value, f.value) for f in store.readers.follows(reader.id) if f.weight > 0
        }
    subjects = {v for k, v in followed if k in {s.value for s in SUBJECT_KINDS}}
    return {"followed": followed, "subjects": subjects}


def page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    store = store_of(request)
    ctx.setdefault("readers", store.readers.list())
    return TEMPLATES.TemplateResponse(request, name, ctx, status_code=status)
