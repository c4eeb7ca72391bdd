"""Articles with their topics and entities."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from tidings.core import (
    Article,
    EntityLabel,
    EntityMention,
    Image,
    NotFoundError,
    RelatedLink,
    StoredArticle,
    Video,
)
from tidings.core.text import as_utc, normalise_key, utcnow
from tidings.store.tables import article_entities, article_topics, articles, entities, topics

_LIGHT_COLUMNS = [c for c in articles.c if c.name not in ("body_text", "body_html", "minhash")]


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
        content_hash: str,
    ) -> int | None:
        """The id of an already stored copy of this article (same canonical URL, same GUID
        from the same source, or same content), if any."""
        with self._engine.connect() as conn:
            return _find_existing(conn, canonical_url, source_id, guid, content_hash)

    def save(
        self,
        article: Article,
        *,
        source_id: int | None,
        canonical_url: str | None,
        content_hash: str,
        body_html: str,
        entities_found: Sequence[EntityMention] = (),
        fetched_at: datetime | None = None,
    ) -> tuple[int, bool]:
        """Store an article with its topics and entities in one transaction.

        Idempotent: when a copy already exists (see `find_existing`) nothing is written and
        `(existing_id, False)` is returned; otherwise `(new_id, True)`."""
        with self._engine.begin() as conn:
            existing = _find_existing(conn, canonical_url, source_id, article.guid, content_hash)
            if existing is not None:
                return existing, False
            new_id = conn.execute(
                articles.insert().values(
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
                    fetched_at=fetched_at or utcnow(),
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
                )
            ).inserted_primary_key
            assert new_id is not None
            article_id = int(new_id[0])
            _link_topics(conn, article_id, article.topics, origin="source")
            _link_entities(conn, article_id, entities_found)
        return article_id, True

    def replace_entities(self, article_id: int, found: Sequence[EntityMention]) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                article_entities.delete().where(article_entities.c.article_id == article_id)
            )
            _link_entities(conn, article_id, found)

    # -- reading ---------------------------------------------------------------------------

    def get(self, article_id: int) -> StoredArticle:
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(articles).where(articles.c.id == article_id)).first()
            if row is None:
                raise NotFoundError(f"no article with id {article_id}")
            ents = _entities_for(conn, [article_id])
        return _stored(row, ents.get(article_id, ()), with_body=True)

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
            ents = _entities_for(conn, [r.id for r in rows])
        return [_stored(r, ents.get(r.id, ()), with_body=False) for r in rows]

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
            .where(topics.c.key.in_(tkeys or [""])),
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
            ents = _entities_for(conn, [r.id for r in rows])
        return [_stored(r, ents.get(r.id, ()), with_body=False) for r in rows]

    def by_ids(self, ids: Sequence[int]) -> list[StoredArticle]:
        if not ids:
            return []
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(*_LIGHT_COLUMNS).where(articles.c.id.in_(ids))).all()
            ents = _entities_for(conn, list(ids))
        by_id = {r.id: _stored(r, ents.get(r.id, ()), with_body=False) for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def all_ids(self) -> list[int]:
        with self._engine.connect() as conn:
            return [r[0] for r in conn.execute(sa.select(articles.c.id).order_by(articles.c.id))]


# -- helpers -----------------------------------------------------------------------------------


def _find_existing(
    conn: sa.Connection,
    canonical_url: str | None,
    source_id: int | None,
    guid: str | None,
    content_hash: str,
) -> int | None:
    conditions: list[sa.ColumnElement[bool]] = [articles.c.content_hash == content_hash]
    if canonical_url:
        conditions.append(articles.c.canonical_url == canonical_url)
    if guid and source_id is not None:
        conditions.append(sa.and_(articles.c.source_id == source_id, articles.c.guid == guid))
    row = conn.execute(sa.select(articles.c.id).where(sa.or_(*conditions)).limit(1)).first()
    return None if row is None else int(row.id)


def _ensure_keys(
    conn: sa.Connection, table: sa.Table, rows: dict[str, dict[str, Any]]
) -> dict[str, int]:
    """Ids for these keys, inserting the missing ones. INSERT … ON CONFLICT DO NOTHING keeps a
    concurrent insert of the same key (another worker) from failing the article."""
    if not rows:
        return {}
    from sqlalchemy.dialects import postgresql, sqlite

    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    existing = {
        r.key: int(r.id)
        for r in conn.execute(sa.select(table.c.key, table.c.id).where(table.c.key.in_(list(rows))))
    }
    missing = [{"key": k, **v} for k, v in rows.items() if k not in existing]
    if missing:
        conn.execute(insert(table).on_conflict_do_nothing(index_elements=["key"]), missing)
        existing.update(
            {
                r.key: int(r.id)
                for r in conn.execute(
                    sa.select(table.c.key, table.c.id).where(
                        table.c.key.in_([m["key"] for m in missing])
                    )
                )
            }
        )
    return existing


def _link_topics(conn: sa.Connection, article_id: int, labels: Iterable[str], origin: str) -> None:
    wanted: dict[str, dict[str, Any]] = {}
    for label in labels:
        key = normalise_key(label)
        if key and key not in wanted:
            wanted[key] = {"label": label.strip()}
    ids = _ensure_keys(conn, topics, wanted)
    if ids:
        conn.execute(
            article_topics.insert(),
            [
                {"article_id": article_id, "topic_id": ids[k], "origin": origin, "weight": 1.0}
                for k in wanted
            ],
        )


def _link_entities(conn: sa.Connection, article_id: int, found: Sequence[EntityMention]) -> None:
    wanted: dict[str, dict[str, Any]] = {}
    mentions: dict[str, EntityMention] = {}
    for mention in found:
        key = normalise_key(mention.name)
        if key and key not in wanted:
            wanted[key] = {"name": mention.name, "label": mention.label.value}
            mentions[key] = mention
    ids = _ensure_keys(conn, entities, wanted)
    if ids:
        conn.execute(
            article_entities.insert(),
            [
                {
                    "article_id": article_id,
                    "entity_id": ids[k],
                    "mentions": m.count,
                    "salience": m.salience,
                    "first_offset": m.first_offset,
                }
                for k, m in mentions.items()
            ],
        )


def _entities_for(
    conn: sa.Connection, article_ids: Sequence[int]
) -> dict[int, tuple[EntityMention, ...]]:
    out: dict[int, list[EntityMention]] = defaultdict(list)
    if not article_ids:
        return {}
    rows = conn.execute(
        sa.select(
            article_entities.c.article_id,
            entities.c.name,
            entities.c.label,
            article_entities.c.mentions,
            article_entities.c.salience,
            article_entities.c.first_offset,
        )
        .join(entities, entities.c.id == article_entities.c.entity_id)
        .where(article_entities.c.article_id.in_(list(article_ids)))
        .order_by(article_entities.c.article_id, article_entities.c.salience.desc())
    ).all()
    for r in rows:
        out[r.article_id].append(
            EntityMention(
                name=r.name,
                label=EntityLabel(r.label),
                count=r.mentions,
                salience=r.salience,
                first_offset=r.first_offset,
            )
        )
    return {k: tuple(v) for k, v in out.items()}


def _stored(
    row: sa.Row[Any], found: tuple[EntityMention, ...], *, with_body: bool
) -> StoredArticle:
    m = row._mapping
    body = tuple(p for p in m["body_text"].split("\n\n") if p) if with_body else ()
    article = Article(
        title=m["title"],
        body_paragraphs=body,
        url=m["url"],
        guid=m["guid"],
        standfirst=tuple(m["standfirst"] or ()),
        byline=m["byline"],
        published=as_utc(m["published"]),
        language=m["language"],
        publisher=m["publisher"],
        topics=tuple(m["topics"] or ()),
        images=tuple(
            Image(url=i.get("url"), caption=i.get("caption"), credit=i.get("credit"))
            for i in (m["images"] or ())
        ),
        videos=tuple(
            Video(title=v["title"], duration_s=v.get("duration_s"), url=v.get("url"))
            for v in (m["videos"] or ())
        ),
        related=tuple(RelatedLink(title=r["title"], url=r.get("url")) for r in m["related"] or ()),
        print_headline=m["print_headline"],
        comment_count=m["comment_count"],
        licence=m["licence"],
    )
    return StoredArticle(
        id=m["id"],
        article=article,
        source_id=m["source_id"],
        canonical_url=m["canonical_url"],
        content_hash=m["content_hash"],
        fetched_at=as_utc(m["fetched_at"]) or utcnow(),
        entities=found,
        duplicate_of=m["duplicate_of"],
    )
