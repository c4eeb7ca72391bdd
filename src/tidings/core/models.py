"""Frozen dataclasses shared by every stage.

These are plain values: no database handles, no behaviour beyond small derived properties.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

# Database ids are positive 32-bit integers (SQLAlchemy `Integer` is 32-bit on PostgreSQL);
# larger values are invalid input, not a driver error.
MAX_ID = 2**31 - 1


class SourceKind(StrEnum):
    """What a source is, which decides how it is fetched and parsed."""

    FEED = "feed"  # RSS 0.9x/1.0/2.0, Atom, JSON Feed
    PAGE = "page"  # one HTML article page
    TEXT = "text"  # one raw text dump of an article page


class FollowKind(StrEnum):
    TOPIC = "topic"
    ENTITY = "entity"
    SOURCE = "source"
    AUTHOR = "author"


class EventKind(StrEnum):
    IMPRESSION = "impression"
    CLICK = "click"
    READ = "read"
    HIDE = "hide"
    FEWER_LIKE_THIS = "fewer_like_this"
    SAVE = "save"
    FOLLOW = "follow"
    UNFOLLOW = "unfollow"


class EntityLabel(StrEnum):
    PERSON = "PERSON"
    ORG = "ORG"
    PLACE = "PLACE"
    MISC = "MISC"


@dataclass(frozen=True, slots=True)
class Image:
    url: str | None = None
    caption: str | None = None
    credit: str | None = None


@dataclass(frozen=True, slots=True)
class Video:
    title: str
    duration_s: int | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class RelatedLink:
    title: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """A story as extraction produces it: clean text plus structured metadata."""

    title: str
    body_paragraphs: tuple[str, ...] = ()
    url: str | None = None
    guid: str | None = None
    standfirst: tuple[str, ...] = ()
    byline: str | None = None
    published: datetime | None = None
    language: str | None = None
    publisher: str | None = None
    topics: tuple[str, ...] = ()
    images: tuple[Image, ...] = ()
    videos: tuple[Video, ...] = ()
    related: tuple[RelatedLink, ...] = ()
    print_headline: str | None = None
    comment_count: int | None = None
    licence: str | None = None  # attribution / licence notice to show with the story

    @property
    def body_text(self) -> str:
        """Paragraphs separated by one blank line."""
        return "\n\n".join(self.body_paragraphs)


@dataclass(frozen=True, slots=True)
class EntityMention:
    """An entity found in one article, with how central it is to that article."""

    name: str  # canonical name within the article, e.g. "Wang Yi"
    label: EntityLabel
    count: int = 1
    salience: float = 0.0
    first_offset: int = 0
    aliases: tuple[str, ...] = ()  # other forms in the article ("Wang", "Foreign Minister Wang")


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation in an article and who said it."""

    text: str  # the words inside the quotation marks
    speaker: str | None  # canonical name ("Wang Yi"), or the attribution as written, or None
    paragraph: int = 0  # index into the article's body paragraphs
    start: int = 0  # character offsets of `text` within that paragraph
    end: int = 0


@dataclass(frozen=True, slots=True)
class TopicScore:
    """A topic an article is about. `kind` says where it came from: "tag" (the source's own
    category), "taxonomy" (the classifier's top-level news topic) or "place" (a country or
    region named prominently)."""

    key: str  # normalised key: "afghanistan", "conflict", "china"
    label: str  # display form: "Afghanistan", "Conflict", "China"
    kind: str
    score: float = 1.0


@dataclass(frozen=True, slots=True)
class Source:
    id: int
    url: str
    kind: SourceKind
    title: str | None = None
    site_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    next_poll_at: datetime | None = None
    last_polled_at: datetime | None = None
    last_success_at: datetime | None = None
    error_count: int = 0
    last_error: str | None = None
    folder: str | None = None
    active: bool = True
    poll_interval_s: int = 1800
    last_status: int | None = None
    dead_at: datetime | None = None  # the source is gone (410, or 404 repeated)
    dedup: bool = True  # link near duplicates of other sources' stories to them

    @property
    def dead(self) -> bool:
        return self.dead_at is not None


@dataclass(frozen=True, slots=True)
class Reader:
    id: int
    name: str
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Follow:
    reader_id: int
    kind: FollowKind
    value: str  # normalised key: topic name, entity name, source id, author name
    weight: float = 1.0  # negative = mute
    label: str | None = None  # display form

    @property
    def muted(self) -> bool:
        return self.weight < 0


@dataclass(frozen=True, slots=True)
class Event:
    reader_id: int
    article_id: int | None
    kind: EventKind
    dwell_s: float | None = None
    at: datetime | None = None
    value: str | None = None  # e.g. the follow target for follow/unfollow


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article as the store returns it, with its id, source and enrichment."""

    id: int
    article: Article
    source_id: int | None
    canonical_url: str | None
    content_hash: str
    fetched_at: datetime
    entities: tuple[EntityMention, ...] = field(default=())
    duplicate_of: int | None = None  # id of the canonical article this one near-duplicates
    topics: tuple[TopicScore, ...] = ()  # source tags, taxonomy topics and places, best first
    summary: str | None = None
    story_id: int | None = None  # the story (coverage of one event) it belongs to


@dataclass(frozen=True, slots=True)
class ArticleSignals:
    """What ranking knows of an article, without its text: the compact row the store gives
    the candidate index and reader profiles."""

    id: int
    when: datetime  # published, else fetched
    source_id: int | None = None
    story_id: int | None = None
    duplicate_of: int | None = None
    words: int = 0  # length of the body, in words (estimated from characters)
    embedding: bytes | None = None  # float16, L2-normalised (enrich.embeddings.pack)
    entities: tuple[tuple[str, str, float], ...] = ()  # (key, name, salience)
    topics: tuple[tuple[str, str, str, float], ...] = ()  # (key, label, kind, score)
    byline: str | None = None


_ENTITY_KIND_ALIASES = {"person", "people", "organisation", "organization", "org", "place"}


def parse_follow_kind(kind: str) -> FollowKind:
    """A follow kind from user input; person/organisation/place are entity follows."""
    from tidings.core.errors import InvalidInputError

    key = kind.strip().lower()
    if key in _ENTITY_KIND_ALIASES:
        return FollowKind.ENTITY
    try:
        return FollowKind(key)
    except ValueError:
        raise InvalidInputError(
            f"unknown follow kind {kind!r}: use topic, entity, person, organisation, place, "
            "source or author"
        ) from None
