"""Reader events: impressions, clicks, reads with dwell time, hides, saves, follows."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from tidings.core import Event, EventKind
from tidings.core.text import as_utc, utcnow
from tidings.store.tables import events

_KINDS = {k.value: k for k in EventKind}


class EventRepository:
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def record(self, event: Event) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                events.insert().values(
                    reader_id=event.reader_id,
                    article_id=event.article_id,
                    kind=event.kind.value,
                    dwell_s=event.dwell_s,
                    value=event.value,
                    at=event.at or utcnow(),
                )
            )

    def for_reader(
        self, reader_id: int, *, since: datetime | None = None, newest: int | None = None
    ) -> list[Event]:
        """The reader's events, oldest first; only the `newest` most recent when given."""
        q = sa.select(events).where(events.c.reader_id == reader_id)
        if since is not None:
            q = q.where(events.c.at >= since)
        with self._engine.connect() as conn:
            if newest is not None:
                rows = conn.execute(
                    q.order_by(events.c.at.desc(), events.c.id.desc()).limit(newest)
                ).all()[::-1]
            else:
                rows = conn.execute(q.order_by(events.c.at, events.c.id)).all()
        kinds = _KINDS
        return [
            Event(
                reader_id=r.reader_id,
                article_id=r.article_id,
                kind=kinds[r.kind],
                dwell_s=r.dwell_s,
                value=r.value,
                at=as_utc(r.at),
            )
            for r in rows
        ]

    def readers_per_article(self, *, since: datetime) -> dict[int, int]:
        """How many distinct readers opened (clicked or read) each article since `since`:
        the whole readership's interest, for "Trending now"."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(events.c.article_id, sa.func.count(sa.distinct(events.c.reader_id)))
                .where(
                    events.c.at >= since,
                    events.c.article_id.is_not(None),
                    events.c.kind.in_([EventKind.CLICK.value, EventKind.READ.value]),
                )
                .group_by(events.c.article_id)
            ).all()
        return {int(a): int(n) for a, n in rows}
