"""Articles with their topics and entities."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from tidings.core import (
    Article,
    EntityMention,
    NotFoundError,
    StoredArticle,
)
from tidings.core.text import as_utc, utcnow
from tidings.store._article_rows import (
    entities_for,
    find_existing,
    link_entities,
    link_topics,
    to_stored,
    topics_for,
)
from tidings.store.engine import read_once
from tidings.store.tables import (
    article_entities,
    article_topics,
    articles,
    entities,
    sources,
    topics,
)

_LIGHT_COLUMNS = [
    c for c in articles.c if c.name not in ("body_text", "body_html", "minhash", "embedding")
]
_INSERT = articles.insert()  # one compiled statement for every article
_STORED_KEYS = sa.select(
    articles.c.canonical_url, articles.c.source_id, articles.c.guid, articles.c.content_hash
).where(
    sa.or_(
        articles.c.canonical_url.in_(sa.bindparam("urls", expanding=True)),
        articles.c.content_hash.in_(sa.bindparam("hashes", expanding=True)),
        sa.and_(
            articles.c.source_id == sa.bindparam("source_id"),
            articles.c.guid.in_(sa.bindparam("guids", expanding=True)),
        ),
    )
)


@dataclass(frozen=True, slots=True)
class StoredKeys:
    """The keys of a batch of articles that are stored already."""

    canonical_urls: frozenset[str]
    guids: frozenset[str]  # within the source asked about
    content_hashes: frozenset[str]

    def __contains__(self, key: tuple[str | None, str | None, str | None]) -> bool:
        """Whether an article with keys (canonical URL, GUID, content hash) is stored."""
        url, guid, chash = key
        return (
            (url is not None and url in self.canonical_urls)
            or (guid is not None and guid in self.guids)
            or (chash is not None and chash in self.content_hashes)
        )


@dataclass(frozen=True, slots=True)
class SignatureRow:
    """A stored near-duplicate signature and what it belongs to."""

    id: int
    source_id: int | None
    duplicate_of: int | None
    minhash: bytes
    fetched_at: datetime


class ArticleRepository:
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    # -- writing ---------------------------------------------------------------------------

    def find_existing(
        self,
        *,
        canonical_url: str | None,
        source_id: int | None,
        guid: str | None,
        content_hash: str | None,
    ) -> int | None:
        """The id of an already stored copy of this article (same canonical URL, same GUID
        from the same source, or same content), if any. A None key is not looked up."""
        with self._engine.connect() as conn:
            return find_existing(conn, canonical_url, source_id, guid, content_hash)

    def stored_keys(
        self,
        *,
        source_id: int | None,
        canonical_urls: Iterable[str] = (),
        guids: Iterable[str] = (),
        content_hashes: Iterable[str] = (),
    ) -> StoredKeys:
        """Which of these keys are stored already (GUIDs within `source_id`): one query for a
        whole feed, so that items already stored are skipped without further work."""
        urls, ids, hashes = (
            sorted(set(canonical_urls)),
            sorted(set(guids)),
            sorted(set(content_hashes)),
        )
        if source_id is None:
            ids = []
        if not (urls or ids or hashes):
            return StoredKeys(frozenset(), frozenset(), frozenset())
        with self._engine.connect() as conn:
            rows = conn.execute(
                _STORED_KEYS,
                {"urls": urls, "guids": ids, "hashes": hashes, "source_id": source_id},
            ).all()
        return StoredKeys(
            canonical_urls=frozenset(r.canonical_url for r in rows if r.canonical_url in urls),
            guids=frozenset(r.guid for r in rows if r.source_id == source_id and r.guid in ids),
            content_hashes=frozenset(r.content_hash for r in rows if r.content_hash in hashes),
        )

    def save(
        self,
        article: Article,
        *,
        source_id: int | None,
        canonical_url: str | None,
        content_hash: str,
        body_html: str,
        entities_found: Sequence[EntityMention] | None = None,
        fetched_at: datetime | None = None,
        minhash: bytes | None = None,
        duplicate_of: int | None = None,
    ) -> tuple[int, bool]:
        """Store an article with its topics (and entities, when given) in one transaction.

        `entities_found=None` leaves the article pending enrichment (`enriched_at` NULL, see
        `pending_enrichment`); a sequence, even empty, marks it enriched.

        Idempotent and race-free: when a copy already exists (see `find_existing`), or another
        writer stores one first (the unique canonical URL or content hash refuses the insert),
        nothing is written and `(existing_id, False)` is returned; otherwise `(new_id, True)`."""
        try:
            return self._insert(
                article,
                source_id=source_id,
                canonical_url=canonical_url,
                content_hash=content_hash,
                body_html=body_html,
                entities_found=entities_found,
                fetched_at=fetched_at or utcnow(),
                minhash=minhash,
                duplicate_of=duplicate_of,
            )
        except sa.exc.IntegrityError:
            existing = self.find_existing(
                canonical_url=canonical_url,
                source_id=source_id,
                guid=article.guid,
                content_hash=content_hash,
            )
            if existing is None:
                raise
            return existing, False

    def _insert(
        self,
        article: Article,
        *,
        source_id: int | None,
        canonical_url: str | None,
        content_hash: str,
        body_html: str,
        entities_found: Sequence[EntityMention] | None,
        fetched_at: datetime,
        minhash: bytes | None,
        duplicate_of: int | None,
    ) -> tuple[int, bool]:
        # No look-up first: the unique canonical URL, content hash and (source, GUID) refuse a
        # copy (IntegrityError, handled by `save`), which keeps one statement per new article.
        with self._engine.begin() as conn:
            new_id = conn.execute(
                _INSERT,
                dict(
                    source_id=source_id,
                    url=article.url,
                    canonical_url=canonical_url,
                    guid=article.guid,
                    content_hash=content_hash,
                    title=article.title,
                    standfirst=list(article.standfirst),
                    body_text=article.body_text,
                    body_html=body_html,
                    byline=article.byline,
                    published=article.published,
                    fetched_at=fetched_at,
                    language=article.language,
                    publisher=article.publisher,
                    topics=list(article.topics),
                    images=[
                        {"url": i.url, "caption": i.caption, "credit": i.credit}
                        for i in article.images
                    ],
                    videos=[
                        {"title": v.title, "duration_s": v.duration_s, "url": v.url}
                        for v in article.videos
                    ],
                    related=[{"title": r.title, "url": r.url} for r in article.related],
                    print_headline=article.print_headline,
                    comment_count=article.comment_count,
                    licence=article.licence,
                    minhash=minhash,
                    duplicate_of=duplicate_of,
                    enriched_at=None if entities_found is None else fetched_at,
                ),
            ).inserted_primary_key
            assert new_id is not None
            article_id = int(new_id[0])
            link_topics(conn, article_id, article.topics, origin="source")
            if entities_found:
                link_entities(conn, article_id, entities_found)
        return article_id, True

    def replace_entities(self, article_id: int, found: Sequence[EntityMention]) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                article_entities.delete().where(article_entities.c.article_id == article_id)
            )
            link_entities(conn, article_id, found)

    # -- deferred enrichment -------------------------------------------------------------------

    def pending_enrichment(
        self, limit: int = 64, *, after_id: int = 0, ids: Sequence[int] | None = None
    ) -> list[StoredArticle]:
        """Articles not enriched yet (oldest first, with bodies), ids above `after_id` (and
        among `ids` when given)."""
        query = sa.select(articles).where(
            articles.c.enriched_at.is_(None), articles.c.id > after_id
        )
        if ids is not None:
            query = query.where(articles.c.id.in_(list(ids)))
        with self._engine.connect() as conn:
            rows = conn.execute(query.order_by(articles.c.id).limit(limit)).all()
        return [to_stored(r, (), with_body=True) for r in rows]

    def count_pending_enrichment(self) -> int:
        with self._engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count())
                    .select_from(articles)
                    .where(articles.c.enriched_at.is_(None))
                ).scalar_one()
            )

    def mark_enriched(
        self,
        found: Mapping[int, Sequence[EntityMention]],
        *,
        languages: Mapping[int, str | None] | None = None,
    ) -> int:
        """Store the entities (and detected languages) of these articles and mark them
        enriched, all in one transaction. An article enriched meanwhile by another worker (or
        deleted) is left as it is. Returns how many were marked."""
        done = 0
        now = utcnow()
        languages = languages or {}
        with self._engine.begin() as conn:
            for article_id, mentions in found.items():
                values: dict[str, object] = {"enriched_at": now}
                if article_id in languages:
                    values["language"] = languages[article_id]
                claimed = conn.execute(
                    articles.update()
                    .where(articles.c.id == article_id, articles.c.enriched_at.is_(None))
                    .values(**values)
                ).rowcount
                if claimed != 1:
                    continue
                conn.execute(
                    article_entities.delete().where(article_entities.c.article_id == article_id)
                )
                link_entities(conn, article_id, mentions)
                done += 1
        return done

    # -- near duplicates -------------------------------------------------------------------

    def signatures(self, *, since: datetime | None = None, after_id: int = 0) -> list[SignatureRow]:
        """Stored near-duplicate signatures of articles fetched since `since` with ids above
        `after_id`, from sources whose near-duplicate switch is on, oldest first."""
        query = (
            sa.select(
                articles.c.id,
                articles.c.source_id,
                articles.c.duplicate_of,
                articles.c.minhash,
                articles.c.fetched_at,
            )
            .join(sources, sources.c.id == articles.c.source_id)
            .where(
                articles.c.minhash.is_not(None),
                articles.c.id > after_id,
                sources.c.dedup.is_(True),
            )
            .order_by(articles.c.id)
        )
        if since is not None:
            query = query.where(articles.c.fetched_at >= since)
        with self._engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            SignatureRow(
                id=r.id,
                source_id=r.source_id,
                duplicate_of=r.duplicate_of,
                minhash=bytes(r.minhash),
                fetched_at=as_utc(r.fetched_at) or utcnow(),
            )
            for r in rows
        ]

    def max_id(self) -> int:
        with self._engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.max(articles.c.id))).scalar() or 0)

    def duplicates_of(self, canonical_ids: Sequence[int]) -> dict[int, list[StoredArticle]]:
        """The near duplicates linked to each of these canonical articles (without bodies),
        oldest first."""
        if not canonical_ids:
            return {}
        out: dict[int, list[StoredArticle]] = defaultdict(list)
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(*_LIGHT_COLUMNS)
                .where(articles.c.duplicate_of.in_(list(canonical_ids)))
                .order_by(articles.c.id)
            ).all()
            ents = entities_for(conn, [r.id for r in rows])
            tops = topics_for(conn, [r.id for r in rows])
        for r in rows:
            out[r.duplicate_of].append(
                to_stored(r, ents.get(r.id, ()), with_body=False, topics_found=tops.get(r.id, ()))
            )
        return dict(out)

    # -- reading ---------------------------------------------------------------------------

    def get(self, article_id: int) -> StoredArticle:
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(articles).where(articles.c.id == article_id)).first()
            if row is None:
                raise NotFoundError(f"no article with id {article_id}")
            ents = entities_for(conn, [article_id])
            tops = topics_for(conn, [article_id])
        return to_stored(
            row, ents.get(article_id, ()), with_body=True, topics_found=tops.get(article_id, ())
        )

    def count(self) -> int:
        with self._engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(articles)).scalar_one())

    def recent(self, limit: int = 1000) -> list[StoredArticle]:
        """Newest articles first (by published date, else fetch time), without bodies."""
        when = sa.func.coalesce(articles.c.published, articles.c.fetched_at)
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(*_LIGHT_COLUMNS).order_by(when.desc(), articles.c.id.desc()).limit(limit)
            ).all()
            ents = entities_for(conn, [r.id for r in rows])
            tops = topics_for(conn, [r.id for r in rows])
        return [
            to_stored(r, ents.get(r.id, ()), with_body=False, topics_found=tops.get(r.id, ()))
            for r in rows
        ]

    def matching(
        self, *, topic_keys: Iterable[str], entity_keys: Iterable[str], limit: int = 500
    ) -> list[StoredArticle]:
        """Articles tagged with any of these topics or mentioning any of these entities."""
        tkeys, ekeys = list(topic_keys), list(entity_keys)
        if not tkeys and not ekeys:
            return []
        ids_q = sa.union(
            sa.select(article_topics.c.article_id.label("aid"))
            .join(topics, topics.c.id == article_topics.c.topic_id)
            .where(topics.c.key.in_((tkeys + ekeys) or [""])),
            sa.select(article_entities.c.article_id.label("aid"))
            .join(entities, entities.c.id == article_entities.c.entity_id)
            .where(entities.c.key.in_((ekeys + tkeys) or [""])),
        ).subquery()
        when = sa.func.coalesce(articles.c.published, articles.c.fetched_at)
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(*_LIGHT_COLUMNS)
                .where(articles.c.id.in_(sa.select(ids_q.c.aid)))
                .order_by(when.desc())
                .limit(limit)
            ).all()
            ents = entities_for(conn, [r.id for r in rows])
            tops = topics_for(conn, [r.id for r in rows])
        return [
            to_stored(r, ents.get(r.id, ()), with_body=False, topics_found=tops.get(r.id, ()))
            for r in rows
        ]

    def by_ids(self, ids: Sequence[int], *, with_entities: bool = True) -> list[StoredArticle]:
        """These articles, without bodies, in the order asked (unknown ids left out); without
        their entities when `with_entities` is false (a feed page does not show them)."""
        if not ids:
            return []
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(*_LIGHT_COLUMNS).where(articles.c.id.in_(ids))).all()
            ents = entities_for(conn, list(ids)) if with_entities else {}
            tops = topics_for(conn, list(ids))
        by_id = {
            r.id: to_stored(r, ents.get(r.id, ()), with_body=False, topics_found=tops.get(r.id, ()))
            for r in rows
        }
        return [by_id[i] for i in ids if i in by_id]

    def headlines(self, ids: Sequence[int]) -> list[StoredArticle]:
        """These articles as a list of other coverage shows them: title, link, publisher,
        date and source only (no standfirst, topics, media or entities), in the order asked."""
        if not ids:
            return []
        c = articles.c
        with read_once(self._engine) as conn:
            rows = conn.execute(
                sa.select(
                    c.id,
                    c.title,
                    c.url,
                    c.publisher,
                    c.published,
                    c.language,
                    c.licence,
                    c.source_id,
                    c.canonical_url,
                    c.content_hash,
                    c.fetched_at,
                    c.duplicate_of,
                    c.story_id,
                ).where(c.id.in_(ids))
            ).all()
        by_id = {
            r.id: StoredArticle(
                id=r.id,
                article=Article(
                    title=r.title,
                    url=r.url,
                    publisher=r.publisher,
                    published=as_utc(r.published),
                    language=r.language,
                    licence=r.licence,
                ),
                source_id=r.source_id,
                canonical_url=r.canonical_url,
                content_hash=r.content_hash,
                fetched_at=as_utc(r.fetched_at) or utcnow(),
                duplicate_of=r.duplicate_of,
                story_id=r.story_id,
            )
            for r in rows
        }
        return [by_id[i] for i in ids if i in by_id]

    def existing_ids(self, ids: Sequence[int]) -> list[int]:
        with self._engine.connect() as conn:
            return [
                r[0]
                for r in conn.execute(sa.select(articles.c.id).where(articles.c.id.in_(list(ids))))
            ]

    def all_ids(self) -> list[int]:
        with self._engine.connect() as conn:
            return [r[0] for r in conn.execute(sa.select(articles.c.id).order_by(articles.c.id))]
