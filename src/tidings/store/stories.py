"""Stories: the coverage of one event across sources (see `enrich.stories`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from tidings.core import NotFoundError
from tidings.core.text import as_utc, utcnow
from tidings.store.engine import read_once
from tidings.store.tables import article_entities, articles, entities, stories

__all__ = ["StoryMember", "StoryRepository", "StoryRow"]


@dataclass(frozen=True, slots=True)
class StoryMember:
    """What story clustering needs of an article."""

    article_id: int
    story_id: int | None
    embedding: bytes | None
    entity_keys: tuple[tuple[str, str], ...]  # (key, label) of its salient entities
    at: datetime
    duplicate_of: int | None
    title: str


@dataclass(frozen=True, slots=True)
class StoryRow:
    id: int
    lead_article_id: int | None
    title: str
    size: int
    first_at: datetime
    last_at: datetime
    article_ids: tuple[int, ...] = field(default=())


class StoryRepository:
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def story_members(
        self,
        *,
        since: datetime | None = None,
        article_ids: Sequence[int] | None = None,
        unassigned: bool = False,
        min_salience: float = 0.25,
        limit: int | None = None,
    ) -> list[StoryMember]:
        """Enriched articles with what clustering needs, oldest first: those published (or
        fetched) since `since`, or these ids, or (`unassigned`) those without a story yet."""
        when = sa.func.coalesce(articles.c.published, articles.c.fetched_at)
        q = sa.select(
            articles.c.id,
            articles.c.story_id,
            articles.c.embedding,
            articles.c.duplicate_of,
            articles.c.title,
            articles.c.published,
            articles.c.fetched_at,
        ).where(articles.c.enriched_at.is_not(None))
        if since is not None:
            q = q.where(when >= since)
        if article_ids is not None:
            q = q.where(articles.c.id.in_(list(article_ids)))
        if unassigned:
            q = q.where(articles.c.story_id.is_(None))
        q = q.order_by(when, articles.c.id)
        if limit is not None:
            q = q.limit(limit)
        with self._engine.connect() as conn:
            rows = conn.execute(q).all()
            keys: dict[int, list[tuple[str, str]]] = defaultdict(list)
            ids = [r.id for r in rows]
            for i in range(0, len(ids), 500):
                for aid, key, label in conn.execute(
                    sa.select(article_entities.c.article_id, entities.c.key, entities.c.label)
                    .join(entities, entities.c.id == article_entities.c.entity_id)
                    .where(
                        article_entities.c.article_id.in_(ids[i : i + 500]),
                        article_entities.c.salience >= min_salience,
                    )
                    .order_by(article_entities.c.salience.desc())
                ):
                    keys[aid].append((key, label))
        return [
            StoryMember(
                article_id=r.id,
                story_id=r.story_id,
                embedding=bytes(r.embedding) if r.embedding is not None else None,
                entity_keys=tuple(keys.get(r.id, ())),
                at=as_utc(r.published) or as_utc(r.fetched_at) or utcnow(),
                duplicate_of=r.duplicate_of,
                title=r.title,
            )
            for r in rows
        ]

    def assign_stories(
        self,
        assignments: Sequence[tuple[int, int | str]],
        members: Mapping[int, StoryMember],
        leads: Mapping[int | str, int],
    ) -> tuple[dict[str, int], int]:
        """Write story assignments in one transaction. Each assignment is (article id, story):
        an existing story id, or a new story's temporary name (a str) that gets a row here.
        `leads` gives each touched story's lead article. Returns the ids of the new stories
        and how many articles another run had already given a story (those keep theirs; a
        new story left without members is deleted)."""
        created: dict[str, int] = {}
        lost = 0
        with self._engine.begin() as conn:
            for article_id, story in assignments:
                m = members[article_id]
                if isinstance(story, str):
                    if story not in created:
                        created[story] = int(
                            conn.execute(
                                stories.insert()
                                .values(
                                    lead_article_id=article_id,
                                    title=m.title,
                                    size=0,
                                    first_at=m.at,
                                    last_at=m.at,
                                )
                                .returning(stories.c.id)
                            ).scalar_one()
                        )
                    story_id = created[story]
                else:
                    story_id = story
                # Another run may have given this article a story meanwhile: first one wins.
                lost += (
                    1
                    - conn.execute(
                        articles.update()
                        .where(articles.c.id == article_id, articles.c.story_id.is_(None))
                        .values(story_id=story_id)
                    ).rowcount
                )
            touched = {s if isinstance(s, int) else created[s] for _, s in assignments}
            lead_ids = {(s if isinstance(s, int) else created[s]): a for s, a in leads.items()}
            for story_id in touched:
                stats = conn.execute(
                    sa.select(
                        sa.func.count(),
                        sa.func.min(sa.func.coalesce(articles.c.published, articles.c.fetched_at)),
                        sa.func.max(sa.func.coalesce(articles.c.published, articles.c.fetched_at)),
                    ).where(articles.c.story_id == story_id)
                ).one()
                if not stats[0]:
                    conn.execute(stories.delete().where(stories.c.id == story_id))
                    continue
                values: dict[str, Any] = {"size": int(stats[0])}
                if stats[1] is not None:
                    values["first_at"] = stats[1]
                    values["last_at"] = stats[2]
                lead = lead_ids.get(story_id)
                in_story = sa.select(articles.c.story_id).where(articles.c.id == lead)
                if lead is not None and conn.execute(in_story).scalar() == story_id:
                    values["lead_article_id"] = lead
                    values["title"] = conn.execute(
                        sa.select(articles.c.title).where(articles.c.id == lead)
                    ).scalar_one()
                conn.execute(stories.update().where(stories.c.id == story_id).values(**values))
        return created, lost

    def story(self, story_id: int) -> StoryRow:
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(stories).where(stories.c.id == story_id)).one_or_none()
            if row is None:
                raise NotFoundError(f"no story {story_id}")
            when = sa.func.coalesce(articles.c.published, articles.c.fetched_at)
            ids = conn.execute(
                sa.select(articles.c.id)
                .where(articles.c.story_id == story_id)
                .order_by(when, articles.c.id)
            ).scalars()
            return _story_row(row, tuple(int(i) for i in ids))

    def stories_of(self, story_ids: Iterable[int]) -> dict[int, StoryRow]:
        wanted = sorted(set(story_ids))
        if not wanted:
            return {}
        with read_once(self._engine) as conn:
            rows = conn.execute(sa.select(stories).where(stories.c.id.in_(wanted))).all()
        return {r.id: _story_row(r, ()) for r in rows}

    def recent_stories(self, *, limit: int = 50, min_size: int = 1) -> list[StoryRow]:
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(stories)
                .where(stories.c.size >= min_size)
                .order_by(stories.c.last_at.desc(), stories.c.id.desc())
                .limit(limit)
            ).all()
        return [_story_row(r, ()) for r in rows]


def _story_row(row: sa.Row[Any], ids: tuple[int, ...]) -> StoryRow:
    return StoryRow(
        id=row.id,
        lead_article_id=row.lead_article_id,
        title=row.title,
        size=row.size,
        first_at=as_utc(row.first_at) or utcnow(),
        last_at=as_utc(row.last_at) or utcnow(),
        article_ids=ids,
    )
