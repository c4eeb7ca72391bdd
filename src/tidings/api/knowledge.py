"""What enrichment knows, across articles: stories (all coverage of one event), quotations by
speaker, and entities with their aliases and articles. Included under /api/v1 by `routes`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from tidings.api.deps import Id, store_of
from tidings.api.schemas import (
    ArticleSummaryOut,
    EntityDetailOut,
    QuotesOut,
    SpeakerQuoteOut,
    StoryOut,
)
from tidings.core import InvalidInputError, NotFoundError
from tidings.core.text import normalise_key

router = APIRouter()

Limit = Annotated[int, Query(ge=1, le=200, description="At most this many")]


def _name(value: str, what: str) -> str:
    """A name as asked for: NUL characters (which PostgreSQL cannot store) and names of only
    spaces or punctuation are invalid input."""
    if "\x00" in value:
        raise InvalidInputError(f"{what} cannot contain NUL characters")
    if not normalise_key(value):
        raise InvalidInputError(f"{what} is empty")
    return value


@router.get("/stories/{story_id}", response_model=StoryOut)
def get_story(story_id: Id, request: Request) -> StoryOut:
    """A story and every article covering it, oldest first."""
    store = store_of(request)
    row = store.stories.story(story_id)
    articles = store.articles.by_ids(list(row.article_ids))
    return StoryOut(
        id=row.id,
        title=row.title,
        size=row.size,
        lead_article_id=row.lead_article_id,
        first_at=row.first_at,
        last_at=row.last_at,
        articles=[ArticleSummaryOut.of(a) for a in articles],
    )


@router.get("/quotes", response_model=QuotesOut)
def get_quotes(
    request: Request,
    speaker: Annotated[
        str,
        Query(
            min_length=1,
            max_length=256,
            description='Who said it: a full name, a surname or an alias ("Wang" finds Wang Yi)',
        ),
    ],
    limit: Limit = 50,
) -> QuotesOut:
    """Quotations by a speaker across every stored article, most recently stored first."""
    store = store_of(request)
    _name(speaker, "speaker")
    try:
        entity: str | None = store.understanding.entity(speaker)[1]
    except NotFoundError:
        entity = None
    rows = store.understanding.quotes_by(speaker, limit=limit)
    return QuotesOut(speaker=speaker, entity=entity, quotes=[SpeakerQuoteOut.of(r) for r in rows])


@router.get("/entities/{name:path}", response_model=EntityDetailOut)
def get_entity(
    request: Request,
    name: Annotated[
        str,
        Path(min_length=1, max_length=256, description="A name or alias (Lavrov, ETIM)"),
    ],
    limit: Limit = 20,
) -> EntityDetailOut:
    """What Tidings knows about a person, organisation or place: its names, recent articles
    mentioning it and what it said."""
    store = store_of(request)
    key, canonical, label, aliases = store.understanding.entity(_name(name, "name"))
    articles = store.articles.matching(topic_keys=[], entity_keys=[key], limit=limit)
    quotes = store.understanding.quotes_by(canonical, limit=limit)
    return EntityDetailOut(
        key=key,
        name=canonical,
        label=label,
        aliases=list(aliases),
        articles=[ArticleSummaryOut.of(a) for a in articles],
        quotes=[SpeakerQuoteOut.of(q) for q in quotes],
    )
