"""Pages of what enrichment knows across articles: a story's full coverage, quotations by a
speaker, and what Tidings knows about a person, organisation or place."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response

from tidings.core import MAX_ID, InvalidInputError, NotFoundError, StoredArticle
from tidings.core.text import normalise_key
from tidings.store import Store
from tidings.web.common import current_reader, follow_state, page, store_of

router = APIRouter(include_in_schema=False)

StoryId = Annotated[int, PathParam(ge=1, le=MAX_ID)]
_LABELS = {"PERSON": "Person", "ORG": "Organisation", "PLACE": "Place", "MISC": "Other"}


def _checked(name: str, what: str) -> str:
    if "\x00" in name:
        raise InvalidInputError(f"{what} cannot contain NUL characters")
    return name


def _source_names(store: Store, arts: list[StoredArticle]) -> dict[int, str]:
    """A display name for each article's source: the publisher it names, else the source's
    title, else its URL."""
    sources = {s.id: s for s in store.sources.list()}
    out: dict[int, str] = {}
    for a in arts:
        src = sources.get(a.source_id) if a.source_id is not None else None
        out[a.id] = (
            a.article.publisher or (src.title or src.url if src else None) or "Unknown source"
        )
    return out


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: StoryId) -> Response:
    store = store_of(request)
    story = store.stories.story(story_id)
    arts = store.articles.by_ids(list(story.article_ids))  # oldest first
    names = _source_names(store, arts)
    lead = next((a for a in arts if a.id == story.lead_article_id), arts[0] if arts else None)
    by_source: dict[str, list[StoredArticle]] = {}
    for a in arts:
        by_source.setdefault(names[a.id], []).append(a)
    return page(
        request,
        "story.html",
        reader=current_reader(request),
        story=story,
        lead=lead,
        articles=arts,
        by_source=by_source,
        names=names,
    )


@router.get("/quotes", response_class=HTMLResponse)
def quotes_page(
    request: Request,
    speaker: Annotated[str | None, Query(max_length=256)] = None,
) -> Response:
    store = store_of(request)
    me = current_reader(request)
    wanted = " ".join(_checked(speaker or "", "speaker").split())
    asked = bool(normalise_key(wanted))
    entity = None
    if asked:
        try:
            entity = store.understanding.entity(wanted)
        except NotFoundError:
            entity = None
    return page(
        request,
        "quotes.html",
        reader=me,
        speaker=wanted,
        asked=asked,
        entity=entity,
        rows=store.understanding.quotes_by(wanted, limit=200) if asked else [],
        here=f"/quotes?speaker={quote(wanted, safe='')}",
        **follow_state(store, me),
    )


@router.get("/entities/{name:path}", response_class=HTMLResponse)
def entity_page(request: Request, name: str) -> Response:
    store = store_of(request)
    me = current_reader(request)
    if len(name) > 256:
        raise InvalidInputError("a name is at most 256 characters")
    key, canonical, label, aliases = store.understanding.entity(_checked(name, "name"))
    arts = store.articles.matching(topic_keys=[], entity_keys=[key], limit=30)
    quotes = store.understanding.quotes_by(canonical, limit=20) if label == "PERSON" else []
    return page(
        request,
        "entity.html",
        reader=me,
        entity_name=canonical,
        entity_key=key,
        label=_LABELS.get(label, label.title()),
        aliases=aliases,
        articles=arts,
        names=_source_names(store, arts),
        quotes=quotes,
        here=f"/entities/{quote(canonical, safe='')}",
        **follow_state(store, me),
    )
