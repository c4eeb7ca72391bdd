"""Row-level helpers of the article repository: duplicate lookup, topic and entity links,
rows to `StoredArticle`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from tidings.core import (
    Article,
    EntityLabel,
    EntityMention,
    Image,
    RelatedLink,
    StoredArticle,
    TopicScore,
    Video,
)
from tidings.core.text import as_utc, normalise_key, utcnow
from tidings.store.tables import article_entities, article_topics, articles, entities, topics

# Built once: SQLAlchemy then reuses the compiled statements (saving runs them per article).
_EXISTING = (
    sa.select(articles.c.id)
    .where(
        sa.or_(
            articles.c.content_hash == sa.bindparam("content_hash"),
            articles.c.canonical_url == sa.bindparam("canonical_url"),
            sa.and_(
                articles.c.source_id == sa.bindparam("source_id"),
                articles.c.guid == sa.bindparam("guid"),
            ),
        )
    )
    .limit(1)
)
# article_topics.origin ↔ TopicScore.kind: source tags were stored as "source" before 0004.
ORIGIN_OF_KIND = {"tag": "source", "taxonomy": "taxonomy", "place": "place"}
KIND_OF_ORIGIN = {v: k for k, v in ORIGIN_OF_KIND.items()}
_KIND_ORDER = {"tag": 0, "place": 1, "taxonomy": 2}

_KEYS = {
    t.name: sa.select(t.c.key, t.c.id).where(t.c.key.in_(sa.bindparam("keys", expanding=True)))
    for t in (topics, entities)
}


def find_existing(
    conn: sa.Connection,
    canonical_url: str | None,
    source_id: int | None,
    guid: str | None,
    content_hash: str | None,
) -> int | None:
    """The id of a stored article with this content hash, this canonical URL, or this GUID from
    this source (None keys match nothing)."""
    if not (content_hash or canonical_url or (guid and source_id is not None)):
        return None
    row = conn.execute(
        _EXISTING,
        {
            "content_hash": content_hash or None,
            "canonical_url": canonical_url or None,
            "source_id": source_id,
            "guid": guid or None,
        },
    ).first()
    return None if row is None else int(row.id)


def ensure_keys(
    conn: sa.Connection, table: sa.Table, rows: dict[str, dict[str, Any]]
) -> dict[str, int]:
    """Ids for these keys, inserting the missing ones. INSERT … ON CONFLICT DO NOTHING keeps a
    concurrent insert of the same key (another worker) from failing the article."""
    if not rows:
        return {}
    from sqlalchemy.dialects import postgresql, sqlite

    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    select = _KEYS[table.name]
    existing = {r.key: int(r.id) for r in conn.execute(select, {"keys": list(rows)})}
    # In key order, so that two transactions inserting the same keys cannot deadlock.
    missing = [{"key": k, **rows[k]} for k in sorted(rows) if k not in existing]
    if missing:
        conn.execute(insert(table).on_conflict_do_nothing(index_elements=["key"]), missing)
        found = conn.execute(select, {"keys": [m["key"] for m in missing]})
        existing.update({r.key: int(r.id) for r in found})
    return existing


def link_topics(conn: sa.Connection, article_id: int, labels: Iterable[str], origin: str) -> None:
    wanted: dict[str, dict[str, Any]] = {}
    for label in labels:
        key = normalise_key(label)
        if key and key not in wanted:
            wanted[key] = {"label": label.strip()}
    ids = ensure_keys(conn, topics, wanted)
    if ids:
        conn.execute(
            article_topics.insert(),
            [
                {"article_id": article_id, "topic_id": ids[k], "origin": origin, "weight": 1.0}
                for k in wanted
            ],
        )


def link_entities(conn: sa.Connection, article_id: int, found: Sequence[EntityMention]) -> None:
    wanted: dict[str, dict[str, Any]] = {}
    mentions: dict[str, EntityMention] = {}
    for mention in found:
        key = normalise_key(mention.name)
        # entities.key and .name are VARCHAR(256); no real name is that long (NFKC and
        # case folding can lengthen a key beyond its name).
        if len(key) > 256 or len(mention.name) > 256:
            continue
        if key and key not in wanted:
            wanted[key] = {"name": mention.name, "label": mention.label.value}
            mentions[key] = mention
    ids = ensure_keys(conn, entities, wanted)
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


def entities_for(
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


def topics_for(
    conn: sa.Connection, article_ids: Sequence[int]
) -> dict[int, tuple[TopicScore, ...]]:
    """Each article's topics of every kind: source tags first, then places, then taxonomy,
    by weight within a kind."""
    out: dict[int, list[TopicScore]] = defaultdict(list)
    ids = list(article_ids)
    for i in range(0, len(ids), 500):
        rows = conn.execute(
            sa.select(
                article_topics.c.article_id,
                article_topics.c.origin,
                article_topics.c.weight,
                topics.c.key,
                topics.c.label,
            )
            .join(topics, topics.c.id == article_topics.c.topic_id)
            .where(article_topics.c.article_id.in_(ids[i : i + 500]))
        ).all()
        for r in rows:
            kind = KIND_OF_ORIGIN.get(r.origin, r.origin)
            out[r.article_id].append(TopicScore(r.key, r.label, kind, float(r.weight)))
    return {
        aid: tuple(sorted(ts, key=lambda t: (_KIND_ORDER.get(t.kind, 9), -t.score, t.key)))
        for aid, ts in out.items()
    }


def to_stored(
    row: sa.Row[Any],
    found: tuple[EntityMention, ...],
    *,
    with_body: bool,
    topics_found: tuple[TopicScore, ...] = (),
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
        topics=topics_found,
        summary=m.get("summary"),
        story_id=m.get("story_id"),
    )
