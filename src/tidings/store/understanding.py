"""What enrichment knows about articles: languages, entities with their aliases, topics,
quotes, summaries, embeddings and stories."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from tidings.core import EntityLabel, EntityMention, NotFoundError, Quote, TopicScore
from tidings.core.text import normalise_key, utcnow
from tidings.store._article_rows import ORIGIN_OF_KIND, ensure_keys, link_entities, topics_for
from tidings.store.tables import (
    article_entities,
    article_topics,
    articles,
    entities,
    entity_aliases,
    quotes,
    topics,
)

__all__ = [
    "Enrichment",
    "NamedEntity",
    "QuoteRow",
    "UnderstandingRepository",
    "entities_named",
    "entity_by_key_or_alias",
    "topics_for",
]


@dataclass(frozen=True, slots=True)
class Enrichment:
    """Everything enrichment found for one article, written in one go."""

    article_id: int
    language: str | None
    entities: Sequence[EntityMention] = ()
    topics: Sequence[TopicScore] = ()  # taxonomy and place topics (source tags stay as saved)
    quotes: Sequence[Quote] = ()
    summary: str | None = None
    embedding: bytes | None = None
    embedding_key: str | None = None


@dataclass(frozen=True, slots=True)
class QuoteRow:
    article_id: int
    article_title: str
    quote: Quote
    entity_id: int | None


class UnderstandingRepository:
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    # -- writing -----------------------------------------------------------------------------

    def save(self, results: Sequence[Enrichment], *, claim: bool = True) -> list[int]:
        """Store these enrichments in one transaction and mark the articles enriched. With
        `claim`, an article already enriched (by another worker) is left alone; without it
        (re-enrichment) its enrichment is replaced. Returns the ids written."""
        written: list[int] = []
        now = utcnow()
        with self._engine.begin() as conn:
            for r in results:
                values: dict[str, Any] = {
                    "enriched_at": now,
                    "language": r.language,
                    "summary": r.summary or None,
                    "embedding": r.embedding,
                    "embedding_key": r.embedding_key,
                }
                where = [articles.c.id == r.article_id]
                if claim:
                    where.append(articles.c.enriched_at.is_(None))
                if conn.execute(articles.update().where(*where).values(**values)).rowcount != 1:
                    continue
                # Aliases are counted once per article: re-enrichment does not count again.
                first_time = not conn.execute(
                    article_entities.delete().where(article_entities.c.article_id == r.article_id)
                ).rowcount
                resolved = _resolve_aliases(conn, r.entities)
                link_entities(conn, r.article_id, resolved)
                if first_time:
                    _record_aliases(conn, resolved)
                _replace_topics(conn, r.article_id, r.topics)
                _replace_quotes(conn, r.article_id, r.quotes, resolved)
                written.append(r.article_id)
        return written

    def cached_embeddings(self, keys: Iterable[str]) -> dict[str, bytes]:
        """Stored embeddings of these texts (by `embedding_key`), from any article."""
        wanted = sorted(set(keys))
        out: dict[str, bytes] = {}
        with self._engine.connect() as conn:
            for i in range(0, len(wanted), 500):
                rows = conn.execute(
                    sa.select(articles.c.embedding_key, articles.c.embedding).where(
                        articles.c.embedding_key.in_(wanted[i : i + 500]),
                        articles.c.embedding.is_not(None),
                    )
                )
                for key, vec in rows:
                    out[key] = bytes(vec)
        return out

    def reset(self, article_ids: Sequence[int] | None = None) -> int:
        """Mark articles (all when None) as not enriched, for `tidings reenrich`."""
        stmt = articles.update().values(enriched_at=None)
        if article_ids is not None:
            stmt = stmt.where(articles.c.id.in_(list(article_ids)))
        with self._engine.begin() as conn:
            return int(conn.execute(stmt).rowcount)

    # -- reading -----------------------------------------------------------------------------

    def topics_for(self, article_ids: Sequence[int]) -> dict[int, tuple[TopicScore, ...]]:
        with self._engine.connect() as conn:
            return topics_for(conn, article_ids)

    def quotes_for(self, article_id: int) -> list[QuoteRow]:
        return self._quotes(quotes.c.article_id == article_id, order_by_article=False)

    def quotes_by(self, speaker: str, *, limit: int = 100) -> list[QuoteRow]:
        """Quotes by a speaker: an entity name or alias, or a speaker as written. A name
        several entities share ("Wang": Wang Yi, Wang Wenbin) finds the quotes of each, unless
        one of them has it far more often (see `resolve_entity`)."""
        key = normalise_key(speaker)
        cond = quotes.c.speaker_key == key
        entity_id = self.resolve_entity(speaker)
        if entity_id is not None:
            ids = [entity_id]
        else:
            with self._engine.connect() as conn:
                ids = list(
                    conn.execute(
                        sa.select(entity_aliases.c.entity_id).where(
                            entity_aliases.c.alias_key == key
                        )
                    ).scalars()
                )
        if ids:
            cond = sa.or_(cond, quotes.c.entity_id.in_(ids))
        return self._quotes(cond, order_by_article=True, limit=limit)

    def _quotes(self, cond: Any, *, order_by_article: bool, limit: int = 500) -> list[QuoteRow]:
        order = [articles.c.id.desc()] if order_by_article else []
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(quotes, articles.c.title.label("article_title"))
                .join(articles, articles.c.id == quotes.c.article_id)
                .where(cond)
                .order_by(*order, quotes.c.article_id, quotes.c.position)
                .limit(limit)
            ).all()
        return [
            QuoteRow(
                article_id=r.article_id,
                article_title=r.article_title,
                quote=Quote(
                    text=r.text,
                    speaker=r.speaker,
                    paragraph=r.paragraph,
                    start=r.start_offset,
                    end=r.end_offset,
                ),
                entity_id=r.entity_id,
            )
            for r in rows
        ]

    def resolve_entity(self, name: str) -> int | None:
        """The entity a name means across articles: the entity with this key, else the one
        entity that has it as an alias most often ("Lavrov" → "Sergey Lavrov")."""
        key = normalise_key(name)
        if not key:
            return None
        with self._engine.connect() as conn:
            return entity_by_key_or_alias(conn, key)

    def canonical_keys(self, names: Iterable[str]) -> dict[str, str]:
        """The entity key each name means (see `resolve_entity`), for names that are not an
        entity key themselves but an alias of one."""
        keys = {name: normalise_key(name) for name in set(names)}
        with self._engine.connect() as conn:
            found = entities_named(conn, keys.values())
        return {
            name: found[key].key
            for name, key in keys.items()
            if key in found and found[key].key != key
        }

    def entity(self, name: str) -> tuple[str, str, str, tuple[str, ...]]:
        """(key, name, label, aliases) of the entity a name means; NotFoundError if none."""
        entity_id = self.resolve_entity(name)
        if entity_id is None:
            raise NotFoundError(f"no entity called {name!r}")
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(entities).where(entities.c.id == entity_id)).one()
            aliases = conn.execute(
                sa.select(entity_aliases.c.alias)
                .where(entity_aliases.c.entity_id == entity_id)
                .order_by(entity_aliases.c.count.desc(), entity_aliases.c.alias)
            ).scalars()
            return row.key, row.name, row.label, tuple(aliases)

    def embeddings(self, article_ids: Sequence[int]) -> dict[int, bytes]:
        out: dict[int, bytes] = {}
        ids = list(article_ids)
        with self._engine.connect() as conn:
            for i in range(0, len(ids), 500):
                rows = conn.execute(
                    sa.select(articles.c.id, articles.c.embedding).where(
                        articles.c.id.in_(ids[i : i + 500]), articles.c.embedding.is_not(None)
                    )
                )
                out.update({int(a): bytes(v) for a, v in rows})
        return out


def _replace_topics(conn: sa.Connection, article_id: int, found: Sequence[TopicScore]) -> None:
    """Replace the article's taxonomy and place topics; its source tags stay. A topic that is
    both a source tag and a place keeps the tag (one link per article and topic)."""
    conn.execute(
        article_topics.delete().where(
            article_topics.c.article_id == article_id, article_topics.c.origin != "source"
        )
    )
    tagged = set(
        conn.execute(
            sa.select(article_topics.c.topic_id).where(article_topics.c.article_id == article_id)
        ).scalars()
    )
    wanted: dict[str, dict[str, Any]] = {}
    best: dict[str, TopicScore] = {}
    for t in found:
        key = normalise_key(t.key)
        if key and key not in best:
            wanted[key] = {"label": t.label}
            best[key] = t
    ids = ensure_keys(conn, topics, wanted)
    rows = [
        {
            "article_id": article_id,
            "topic_id": ids[k],
            "origin": ORIGIN_OF_KIND.get(t.kind, t.kind),
            "weight": round(float(t.score), 4),
        }
        for k, t in best.items()
        if ids[k] not in tagged
    ]
    if rows:
        conn.execute(article_topics.insert(), rows)


@dataclass(frozen=True, slots=True)
class NamedEntity:
    id: int
    key: str
    name: str
    label: str


def entities_named(conn: sa.Connection, keys: Iterable[str]) -> dict[str, NamedEntity]:
    """The entity each name key means, in two queries: the entity with that key, else the
    one that has it as an alias. An alias shared by two entities ("Wang" for Wang Yi and
    Wang Wenbin) is only taken when one of them has it three times as often."""
    wanted = sorted({k for k in keys if k})
    if not wanted:
        return {}
    cols = (entities.c.id, entities.c.key, entities.c.name, entities.c.label)
    out = {
        r.key: NamedEntity(r.id, r.key, r.name, r.label)
        for r in conn.execute(sa.select(*cols).where(entities.c.key.in_(wanted)))
    }
    rest = [k for k in wanted if k not in out]
    if not rest:
        return out
    rows = conn.execute(
        sa.select(entity_aliases.c.alias_key, entity_aliases.c.count, *cols)
        .join(entities, entities.c.id == entity_aliases.c.entity_id)
        .where(entity_aliases.c.alias_key.in_(rest))
        .order_by(entity_aliases.c.alias_key, entity_aliases.c.count.desc())
    ).all()
    by_alias: dict[str, list[Any]] = defaultdict(list)
    for r in rows:
        by_alias[r.alias_key].append(r)
    for akey, cands in by_alias.items():
        if len(cands) == 1 or cands[0].count >= 3 * cands[1].count:
            c = cands[0]
            out[akey] = NamedEntity(c.id, c.key, c.name, c.label)
    return out


def entity_by_key_or_alias(conn: sa.Connection, key: str) -> int | None:
    """The id of the entity a name key means (see `entities_named`)."""
    found = entities_named(conn, [key]).get(key)
    return found.id if found is not None else None


def _resolve_aliases(conn: sa.Connection, found: Sequence[EntityMention]) -> list[EntityMention]:
    """Cross-article canonical names: a single-word person or organisation (or an acronym)
    that another article named in full becomes that entity ("Lavrov" → "Sergey Lavrov"), with
    the rules of `entities_named`, in two queries for the whole article."""
    short = {
        normalise_key(m.name)
        for m in found
        if " " not in m.name and m.label in (EntityLabel.PERSON, EntityLabel.ORG)
    }
    full = {k: (e.name, e.label) for k, e in entities_named(conn, short).items()}
    out: list[EntityMention] = []
    seen: set[str] = set()
    for m in found:
        target = full.get(normalise_key(m.name)) if " " not in m.name else None
        # Only an entity of the same kind: the carmaker "Ford" is not Gerald Ford.
        if target is not None and " " in target[0] and target[1] == m.label.value:
            m = EntityMention(
                name=target[0],
                label=m.label,
                count=m.count,
                salience=m.salience,
                first_offset=m.first_offset,
                aliases=tuple(sorted({*m.aliases, m.name})),
            )
        key = normalise_key(m.name)
        if key in seen:
            continue
        seen.add(key)
        out.append(m)
    return out


def _record_aliases(conn: sa.Connection, found: Sequence[EntityMention]) -> None:
    pairs: dict[tuple[str, str], str] = {}
    for m in found:
        for alias in m.aliases:
            akey = normalise_key(alias)
            # alias_key and alias are VARCHAR(256): no real alias is longer
            if len(akey) > 256 or len(alias) > 256:
                continue
            if akey and akey != normalise_key(m.name):
                pairs[(akey, normalise_key(m.name))] = alias
    if not pairs:
        return
    ekeys = sorted({e for _, e in pairs})
    ids = dict(
        conn.execute(sa.select(entities.c.key, entities.c.id).where(entities.c.key.in_(ekeys)))
        .tuples()
        .all()
    )
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    rows = [
        {"alias_key": akey, "entity_id": ids[ekey], "alias": alias, "count": 1}
        for (akey, ekey), alias in sorted(pairs.items())
        if ekey in ids
    ]
    if rows:
        stmt = insert(entity_aliases)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["alias_key", "entity_id"],
                set_={"count": entity_aliases.c.count + 1},
            ),
            rows,
        )


def _replace_quotes(
    conn: sa.Connection,
    article_id: int,
    found: Sequence[Quote],
    mentions: Sequence[EntityMention],
) -> None:
    conn.execute(quotes.delete().where(quotes.c.article_id == article_id))
    if not found:
        return
    names = {normalise_key(m.name) for m in mentions}
    speaker_keys = {normalise_key(q.speaker) for q in found if q.speaker}
    ids = dict(
        conn.execute(
            sa.select(entities.c.key, entities.c.id).where(
                entities.c.key.in_(sorted(speaker_keys & names))
            )
        )
        .tuples()
        .all()
    )
    conn.execute(
        quotes.insert(),
        [
            {
                "article_id": article_id,
                "position": i,
                "text": q.text,
                "speaker": q.speaker[:512] if q.speaker else None,
                "speaker_key": normalise_key(q.speaker)[:256] if q.speaker else None,
                "entity_id": ids.get(normalise_key(q.speaker)) if q.speaker else None,
                "paragraph": q.paragraph,
                "start_offset": q.start,
                "end_offset": q.end,
            }
            for i, q in enumerate(found)
        ],
    )
