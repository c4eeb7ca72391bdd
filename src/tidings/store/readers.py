"""Readers and what they follow (a mute is a follow with negative weight)."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from tidings.core import ConflictError, Follow, FollowKind, InvalidInputError, NotFoundError, Reader
from tidings.core.text import as_utc, normalise_key, utcnow
from tidings.store.engine import read_once
from tidings.store.tables import events, follows, readers, topics
from tidings.store.understanding import entities_named


def _reader(row: sa.Row[Any]) -> Reader:
    return Reader(id=row.id, name=row.name, created_at=as_utc(row.created_at))


@dataclass(frozen=True, slots=True)
class ReaderState:
    """A reader and the markers of what they did: their events (count, newest id) and the
    version of their follows. A feed request reads this once; what a serving process keeps
    for the reader is good while both markers stay."""

    reader: Reader
    marker: tuple[int, int]  # (number of events, newest event id)
    follows_version: int


# One aggregate over a join, the statement built once: as a scalar subquery of its own,
# PostgreSQL answers max(id) by walking the whole events primary key backwards to the
# reader's newest event.
_STATE = (
    sa.select(
        readers.c.id,
        readers.c.name,
        readers.c.created_at,
        readers.c.follows_version,
        sa.func.count(events.c.id).label("n_events"),
        sa.func.max(events.c.id).label("newest_event"),
    )
    .select_from(readers.outerjoin(events, events.c.reader_id == readers.c.id))
    .where(readers.c.id == sa.bindparam("reader_id"))
    .group_by(readers.c.id)
)
_FOLLOWS = (
    sa.select(follows)
    .where(follows.c.reader_id == sa.bindparam("reader_id"))
    .order_by(follows.c.id)
)


def _bump(conn: sa.Connection, reader_id: int) -> None:
    conn.execute(
        readers.update()
        .where(readers.c.id == reader_id)
        .values(follows_version=readers.c.follows_version + 1)
    )


class ReaderRepository:
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def create(self, name: str) -> Reader:
        name = " ".join(name.split())
        if "\x00" in name:
            raise InvalidInputError("a reader name cannot contain NUL characters")
        if not name or len(name) > 128:
            raise InvalidInputError("a reader name must have 1 to 128 characters")
        with self._engine.begin() as conn:
            if conn.execute(sa.select(readers.c.id).where(readers.c.name == name)).first():
                raise ConflictError(f"a reader named {name!r} already exists")
            new = conn.execute(
                readers.insert().values(name=name, created_at=utcnow())
            ).inserted_primary_key
            assert new is not None
        return self.get(int(new[0]))

    def get(self, reader_id: int) -> Reader:
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(readers).where(readers.c.id == reader_id)).first()
        if row is None:
            raise NotFoundError(f"no reader with id {reader_id}")
        return _reader(row)

    def state(self, reader_id: int) -> ReaderState:
        """The reader with their event marker and follows version, in one query
        (NotFoundError for an unknown reader)."""
        with read_once(self._engine) as conn:
            row = conn.execute(_STATE, {"reader_id": reader_id}).first()
        if row is None:
            raise NotFoundError(f"no reader with id {reader_id}")
        return ReaderState(
            _reader(row),
            (int(row.n_events or 0), int(row.newest_event or 0)),
            int(row.follows_version),
        )

    def find(self, ref: str) -> Reader:
        """A reader by id ("3") or by name ("Demo reader")."""
        if ref.isdigit():
            return self.get(int(ref))
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(readers).where(readers.c.name == ref)).first()
        if row is None:
            raise NotFoundError(f"no reader named {ref!r}")
        return _reader(row)

    def list(self) -> list[Reader]:
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(readers).order_by(readers.c.id)).all()
        return [_reader(r) for r in rows]

    def follow(
        self,
        reader_id: int,
        kind: FollowKind,
        value: str,
        *,
        weight: float = 1.0,
        label: str | None = None,
    ) -> Follow:
        """Follow (weight > 0) or mute (weight < 0) a topic, entity, source or author, by
        name or key (`label` is its display name when `value` is a key). Following again
        updates the weight."""
        if "\x00" in value:
            raise InvalidInputError("the value to follow cannot contain NUL characters")
        label = " ".join((label or value).split())
        key = normalise_key(value)
        if not key:
            raise InvalidInputError("the value to follow is empty")
        if kind is FollowKind.SOURCE and not key.isdigit():
            raise InvalidInputError("a source follow takes the source's numeric id")
        self.get(reader_id)
        with self._engine.begin() as conn:
            key, label = _known_name(conn, kind, key, label)
            existing = conn.execute(
                sa.select(follows.c.id).where(
                    follows.c.reader_id == reader_id,
                    follows.c.kind == kind.value,
                    follows.c.value == key,
                )
            ).first()
            if existing is None:
                conn.execute(
                    follows.insert().values(
                        reader_id=reader_id,
                        kind=kind.value,
                        value=key,
                        label=label,
                        weight=weight,
                        created_at=utcnow(),
                    )
                )
            else:
                conn.execute(
                    follows.update()
                    .where(follows.c.id == existing.id)
                    .values(weight=weight, label=label)
                )
            _bump(conn, reader_id)
        return Follow(reader_id=reader_id, kind=kind, value=key, weight=weight, label=label)

    def unfollow(self, reader_id: int, kind: FollowKind, value: str) -> bool:
        """Remove a follow or mute, named as it was followed ("Lavrov", "Crime and law") or
        by its key."""
        key = normalise_key(value)
        with self._engine.begin() as conn:
            keys = {key, _known_name(conn, kind, key, value)[0]}
            res = conn.execute(
                follows.delete().where(
                    follows.c.reader_id == reader_id,
                    follows.c.kind == kind.value,
                    follows.c.value.in_(sorted(keys)),
                )
            )
            if res.rowcount > 0:
                _bump(conn, reader_id)
        return res.rowcount > 0

    def follows(self, reader_id: int) -> builtins.list[Follow]:
        with read_once(self._engine) as conn:
            rows = conn.execute(_FOLLOWS, {"reader_id": reader_id}).all()
        return [
            Follow(
                reader_id=r.reader_id,
                kind=FollowKind(r.kind),
                value=r.value,
                weight=r.weight,
                label=r.label,
            )
            for r in rows
        ]


def _known_name(conn: sa.Connection, kind: FollowKind, key: str, label: str) -> tuple[str, str]:
    """The key and display name a follow should have: another name of a known entity follows
    that entity ("Lavrov" → "Sergey Lavrov", "ETIM" → "East Turkestan Islamic Movement"); a
    topic named by its label follows that topic ("Crime and law" → "crime-and-law")."""
    if kind is FollowKind.ENTITY:
        entity = entities_named(conn, [key]).get(key)
        if entity is not None and entity.key != key:
            return entity.key, entity.name
    elif kind is FollowKind.TOPIC:
        found = conn.execute(sa.select(topics.c.key).where(topics.c.key == key)).first()
        if found is None:
            named = conn.execute(
                sa.select(topics.c.key, topics.c.label)
                .where(sa.func.lower(topics.c.label) == label.lower())
                .order_by(topics.c.id)
                .limit(1)
            ).first()
            if named is not None:
                return named.key, named.label
    return key, label
