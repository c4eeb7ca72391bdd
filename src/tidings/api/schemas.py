"""Request and response models of the JSON API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tidings.core import MAX_ID, Source, StoredArticle, TopicScore
from tidings.core.text import normalise_key
from tidings.rank import RankedItem
from tidings.store.stories import StoryRow
from tidings.store.understanding import QuoteRow


class ErrorBody(BaseModel):
    status: int
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody


class HealthOut(BaseModel):
    status: Literal["ok"]
    database: str
    articles: int


class _Input(BaseModel):
    """A request body: strict types (a JSON 0 is not false, "5" is not 5), as the OpenAPI
    document states them."""

    model_config = ConfigDict(strict=True)


class SourceIn(_Input):
    url: str = Field(min_length=1, max_length=2048, description="Feed URL, page URL")
    folder: str | None = Field(default=None, max_length=256)


class SourceOut(BaseModel):
    id: int
    url: str
    kind: str
    title: str | None
    folder: str | None
    active: bool
    last_polled_at: datetime | None
    last_success_at: datetime | None
    next_poll_at: datetime | None
    error_count: int
    last_error: str | None
    healthy: bool
    dead_at: datetime | None = Field(
        default=None,
        description="When the source was found gone (410, or 404 three times in a row); a dead "
        "source is no longer polled.",
    )
    last_status: int | None = Field(default=None, description="HTTP status of the last poll.")
    poll_interval_s: int = Field(
        default=1800, description="Current time between polls, from the source's posting rate."
    )
    dedup: bool = Field(
        description="Whether this source's stories are linked as near duplicates of other "
        "sources' stories (and theirs to its own)."
    )

    @classmethod
    def of(cls, s: Source) -> SourceOut:
        return cls(
            id=s.id,
            url=s.url,
            kind=s.kind.value,
            title=s.title,
            folder=s.folder,
            active=s.active,
            last_polled_at=s.last_polled_at,
            last_success_at=s.last_success_at,
            next_poll_at=s.next_poll_at,
            error_count=s.error_count,
            last_error=s.last_error,
            healthy=s.error_count == 0 and not s.dead,
            dead_at=s.dead_at,
            last_status=s.last_status,
            poll_interval_s=s.poll_interval_s,
            dedup=s.dedup,
        )


class SourcePatch(_Input):
    dedup: bool | None = Field(
        default=None, description="Link this source's near duplicates to other sources' stories."
    )
    active: bool | None = Field(default=None, description="Poll this source.")


class ImageOut(BaseModel):
    url: str | None
    caption: str | None
    credit: str | None


class VideoOut(BaseModel):
    title: str
    duration_s: int | None


class RelatedOut(BaseModel):
    title: str
    url: str | None


class EntityOut(BaseModel):
    name: str
    label: str
    mentions: int
    salience: float


TopicKind = Literal["tag", "place", "taxonomy"]


class TopicOut(BaseModel):
    key: str = Field(description="Normalised key: what a topic follow matches.")
    label: str
    kind: TopicKind = Field(
        description="tag: the source's own category; place: a country or region the story is "
        "about; taxonomy: one of Tidings' top-level news topics."
    )
    score: float = Field(ge=0, le=1, description="How strongly the story is about it.")

    @classmethod
    def of(cls, t: TopicScore) -> TopicOut:
        kind: TopicKind = "tag" if t.kind == "tag" else "place" if t.kind == "place" else "taxonomy"
        return cls(key=t.key, label=t.label, kind=kind, score=min(max(float(t.score), 0.0), 1.0))


def _topics(s: StoredArticle) -> list[TopicOut]:
    if s.topics:
        return [TopicOut.of(t) for t in s.topics]
    # Not enriched yet (or stored before topics had kinds): the source's own tags.
    return [
        TopicOut(key=normalise_key(t), label=t, kind="tag", score=1.0) for t in s.article.topics
    ]


class QuoteOut(BaseModel):
    text: str
    speaker: str | None = Field(description="Canonical name of who said it, when known.")
    paragraph: int = Field(description="Index of the body paragraph holding the quote.")


class SpeakerQuoteOut(QuoteOut):
    article_id: int
    article_title: str

    @classmethod
    def of(cls, r: QuoteRow) -> SpeakerQuoteOut:
        q = r.quote
        return cls(
            text=q.text,
            speaker=q.speaker,
            paragraph=q.paragraph,
            article_id=r.article_id,
            article_title=r.article_title,
        )


class StoryRefOut(BaseModel):
    id: int
    title: str = Field(description="The lead article's title.")
    size: int = Field(description="How many articles cover this story.")
    lead_article_id: int | None

    @classmethod
    def of(cls, row: StoryRow) -> StoryRefOut:
        return cls(id=row.id, title=row.title, size=row.size, lead_article_id=row.lead_article_id)


class ArticleSummaryOut(BaseModel):
    id: int
    title: str
    url: str | None
    standfirst: list[str]
    summary: str | None = Field(
        default=None, description="The standfirst, or a short extractive summary of the body."
    )
    byline: str | None
    published: datetime | None
    fetched_at: datetime
    publisher: str | None
    language: str | None
    topics: list[TopicOut] = Field(
        description="Source tags first, then places, then taxonomy topics; best first in a kind."
    )
    source_id: int | None
    licence: str | None
    duplicate_of: int | None = Field(
        default=None, description="Id of the story this one is a near duplicate of."
    )
    story_id: int | None = Field(
        default=None, description="The story (all coverage of one event) this article is in."
    )

    @classmethod
    def of(cls, s: StoredArticle) -> ArticleSummaryOut:
        a = s.article
        return cls(
            id=s.id,
            title=a.title,
            url=a.url,
            standfirst=list(a.standfirst),
            summary=s.summary,
            byline=a.byline,
            published=a.published,
            fetched_at=s.fetched_at,
            publisher=a.publisher,
            language=a.language,
            topics=_topics(s),
            source_id=s.source_id,
            licence=a.licence,
            duplicate_of=s.duplicate_of,
            story_id=s.story_id,
        )


class ArticleOut(ArticleSummaryOut):
    body_text: str
    images: list[ImageOut]
    videos: list[VideoOut]
    related: list[RelatedOut]
    print_headline: str | None
    comment_count: int | None
    entities: list[EntityOut]
    quotes: list[QuoteOut] = Field(description="Direct quotations, in the order of the text.")
    story: StoryRefOut | None = Field(description="The story this article is part of.")

    @classmethod
    def full(cls, s: StoredArticle, quotes: list[QuoteRow], story: StoryRow | None) -> ArticleOut:
        a = s.article
        base = ArticleSummaryOut.of(s).model_dump()
        return cls(
            **base,
            body_text=a.body_text,
            images=[ImageOut(url=i.url, caption=i.caption, credit=i.credit) for i in a.images],
            videos=[VideoOut(title=v.title, duration_s=v.duration_s) for v in a.videos],
            related=[RelatedOut(title=r.title, url=r.url) for r in a.related],
            print_headline=a.print_headline,
            comment_count=a.comment_count,
            entities=[
                EntityOut(name=e.name, label=e.label.value, mentions=e.count, salience=e.salience)
                for e in s.entities
            ],
            quotes=[
                QuoteOut(text=q.quote.text, speaker=q.quote.speaker, paragraph=q.quote.paragraph)
                for q in quotes
            ],
            story=StoryRefOut.of(story) if story is not None else None,
        )


class AlsoReportedOut(BaseModel):
    id: int
    title: str
    url: str | None
    publisher: str | None
    source_id: int | None

    @classmethod
    def of(cls, c: StoredArticle) -> AlsoReportedOut:
        a = c.article
        return cls(id=c.id, title=a.title, url=a.url, publisher=a.publisher, source_id=c.source_id)


class FeedItemOut(BaseModel):
    rank: int
    score: float
    reason: str
    matched: list[str]
    article: ArticleSummaryOut
    also_reported_by: list[AlsoReportedOut] = Field(
        default=[], description="Other sources' near-duplicate copies of this story."
    )
    story: StoryRefOut | None = Field(
        default=None, description="The story the article is in (its size counts all coverage)."
    )
    explore: bool = Field(
        default=False,
        description="An exploration slot: a story unlike what the reader follows and reads "
        "(its reason says 'Something different').",
    )

    @classmethod
    def of(cls, rank: int, item: RankedItem, story: StoryRow | None = None) -> FeedItemOut:
        return cls(
            rank=rank,
            score=item.score,
            reason=item.reason,
            explore=item.explore,
            matched=list(item.matched),
            article=ArticleSummaryOut.of(item.article),
            also_reported_by=[AlsoReportedOut.of(c) for c in item.also],
            story=StoryRefOut.of(story) if story is not None else None,
        )


class StoryOut(StoryRefOut):
    first_at: datetime
    last_at: datetime
    articles: list[ArticleSummaryOut] = Field(description="All coverage, oldest first.")


class QuotesOut(BaseModel):
    speaker: str = Field(description="The speaker asked for.")
    entity: str | None = Field(description="The entity that name resolved to, if any.")
    quotes: list[SpeakerQuoteOut] = Field(
        description="Most recently stored articles first, in text order within an article."
    )


class EntityDetailOut(BaseModel):
    key: str
    name: str
    label: str = Field(description="PERSON, ORG, PLACE or MISC.")
    aliases: list[str] = Field(description="Other names it goes by, most frequent first.")
    articles: list[ArticleSummaryOut] = Field(description="Recent articles about it.")
    quotes: list[SpeakerQuoteOut] = Field(
        description="What it said, most recently stored articles first."
    )


class ReaderIn(_Input):
    name: str = Field(min_length=1, max_length=128)
    topics: list[str] = Field(
        default=[],
        max_length=32,
        description="Onboarding: taxonomy topics (key or label, e.g. 'sport', 'Crime and "
        "law') the new reader follows from the start.",
    )


class ReaderOut(BaseModel):
    id: int
    name: str
    created_at: datetime | None


class FeedOut(BaseModel):
    reader: ReaderOut
    items: list[FeedItemOut]


FollowKindIn = Literal["topic", "entity", "person", "organisation", "place", "source", "author"]


class FollowIn(_Input):
    kind: FollowKindIn = Field(
        description="topic: matches source tags, places and taxonomy topics; entity (and "
        "person, organisation, place, which are entity follows): a name or alias of an entity; "
        "source: a source id; author: a byline."
    )
    value: str = Field(min_length=1, max_length=512)
    mute: bool = False


class FollowOut(BaseModel):
    kind: str
    value: str
    label: str | None
    muted: bool


EventKindIn = Literal[
    "impression", "click", "read", "hide", "fewer_like_this", "save", "follow", "unfollow"
]


class EventIn(_Input):
    kind: EventKindIn
    article_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    dwell_s: float | None = Field(default=None, ge=0, le=86400)
    value: str | None = Field(default=None, max_length=512)
