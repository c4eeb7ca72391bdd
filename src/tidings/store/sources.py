"""Sources and their fetch log."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from tidings.core import ConflictError, NotFoundError, Source, SourceKind
from tidings.core.text import as_utc, utcnow
from tidings.store.tables import fetch_log, sources


@dataclass(frozen=True, slots=True)
class FetchRecord:
    source_id: int
    at: datetime
    url: str
    status: int | None
    bytes: int | None
    duration_ms: int | None
    items_seen: int | None
    items_new: int | None
    error: str | None


def _source(row: sa.Row[Any]) -> Source:
    m = row._mapping
    return Source(
        id=m["id"],
        url=m["url"],
        kind=SourceKind(m["kind"]),
        title=m["title"],
        site_url=m["site_url"],
        etag=m["etag"],
        last_modified=m["last_modified"],
        next_poll_at=as_utc(m["next_poll_at"]),
        last_polled_at=as_utc(m["last_polled_at"]),
        last_success_at=as_utc(m["last_success_at"]),
        error_count=m["error_count"],
        last_error=m["last_error"],
        folder=m["folder"],
        active=bool(m["active"]),
        poll_interval_s=m["poll_interval_s"],
        last_status=m["last_status"],
        dead_at=as_utc(m["dead_at"]),
        dedup=bool(m["dedup"]),
    )


class SourceRepository:
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def add(
        self,
        url: str,
        kind: SourceKind,
        *,
        title: str | None = None,
        site_url: str | None = None,
        folder: str | None = None,
        active: bool = True,
        poll_interval_s: int = 1800,
    ) -> Source:
        """Add a source; a URL that is already present raises ConflictError."""
        with self._engine.begin() as conn:
            existing = conn.execute(sa.select(sources.c.id).where(sources.c.url == url)).first()
            if existing is not None:
                raise ConflictError(f"source already exists: {url} (id {existing.id})")
            new_id = conn.execute(
                sources.insert().values(
                    url=url,
                    kind=kind.value,
                    title=title,
                    site_url=site_url,
                    folder=folder,
                    active=active,
                    poll_interval_s=poll_interval_s,
                    created_at=utcnow(),
                )
            ).inserted_primary_key
            assert new_id is not None
        return self.get(int(new_id[0]))

    def get(self, source_id: int) -> Source:
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(sources).where(sources.c.id == source_id)).first()
        if row is None:
            raise NotFoundError(f"no source with id {source_id}")
        return _source(row)

    def find_by_url(self, url: str) -> Source | None:
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(sources).where(sources.c.url == url)).first()
        return None if row is None else _source(row)

    def list(self) -> list[Source]:
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(sources).order_by(sources.c.id)).all()
        return [_source(r) for r in rows]

    def due(self, now: datetime | None = None) -> builtins.list[Source]:
        """Active, live sources whose next poll time has come (or that were never polled).
        Dead sources (410, or 404 repeated) are listed but never due."""
        now = now or utcnow()
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(sources)
                .where(sources.c.active.is_(True))
                .where(sources.c.dead_at.is_(None))
                .where(sa.or_(sources.c.next_poll_at.is_(None), sources.c.next_poll_at <= now))
                .order_by(sources.c.id)
            ).all()
        return [_source(r) for r in rows]

    def set_active(self, source_id: int, active: bool) -> None:
        """Pause or resume a source. Resuming a dead source revives it: it is due at once."""
        with self._engine.begin() as conn:
            res = conn.execute(
                sources.update().where(sources.c.id == source_id).values(active=active)
            )
            if active:
                conn.execute(
                    sources.update()
                    .where(sources.c.id == source_id)
                    .where(sources.c.dead_at.is_not(None))
                    .values(dead_at=None, next_poll_at=None, error_count=0)
                )
        if res.rowcount == 0:
            raise NotFoundError(f"no source with id {source_id}")

    def set_dedup(self, source_id: int, on: bool) -> None:
        """Turn near-duplicate linking on or off for a source's stories."""
        with self._engine.begin() as conn:
            res = conn.execute(sources.update().where(sources.c.id == source_id).values(dedup=on))
        if res.rowcount == 0:
            raise NotFoundError(f"no source with id {source_id}")

    def change_url(self, source_id: int, url: str) -> None:
        """Move a source to a new URL (after a permanent redirect). ConflictError when another
        source already has it. The validators of the old URL are dropped."""
        with self._engine.begin() as conn:
            other = conn.execute(
                sa.select(sources.c.id).where(sources.c.url == url).where(sources.c.id != source_id)
            ).first()
            if other is not None:
                raise ConflictError(f"source already exists: {url} (id {other.id})")
            res = conn.execute(
                sources.update()
                .where(sources.c.id == source_id)
                .values(url=url, etag=None, last_modified=None)
            )
        if res.rowcount == 0:
            raise NotFoundError(f"no source with id {source_id}")

    def record_success(
        self,
        source_id: int,
        record: FetchRecord,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        title: str | None = None,
        site_url: str | None = None,
        next_poll_at: datetime | None = None,
        poll_interval_s: int | None = None,
        note: str | None = None,
    ) -> None:
        """Log a successful poll, keep validators and metadata, schedule the next poll (at
        `next_poll_at`, else after the source's interval). A success revives a dead source.
        `note` is kept as the last error without counting as one (e.g. a move that could not
        be followed)."""
        with self._engine.begin() as conn:
            interval = conn.execute(
                sa.select(sources.c.poll_interval_s).where(sources.c.id == source_id)
            ).scalar_one()
            if poll_interval_s is not None:
                interval = poll_interval_s
            values: dict[str, Any] = {
                "last_polled_at": record.at,
                "last_success_at": record.at,
                "next_poll_at": next_poll_at or record.at + timedelta(seconds=interval),
                "poll_interval_s": interval,
                "error_count": 0,
                "last_error": note,
                "last_status": record.status,
                "dead_at": None,
            }
            if etag is not None:
                values["etag"] = etag
            if last_modified is not None:
                values["last_modified"] = last_modified
            if site_url:
                values["site_url"] = site_url
            if title:
                # keep a title the operator set; fill it only when empty
                conn.execute(
                    sources.update()
                    .where(sources.c.id == source_id)
                    .where(sources.c.title.is_(None))
                    .values(title=title)
                )
            conn.execute(sources.update().where(sources.c.id == source_id).values(**values))
            conn.execute(fetch_log.insert().values(**_log_values(record)))

    def record_failure(
        self,
        source_id: int,
        record: FetchRecord,
        *,
        next_poll_at: datetime | None = None,
        dead: bool = False,
        reason: str | None = None,
    ) -> None:
        """Log a failed poll on the source (last error, error count, last status) and schedule
        the next one at `next_poll_at` (else a plain exponential backoff). `dead` marks the
        source gone: it is no longer due. `reason` is the last error to show, when it says more
        than the logged error."""
        with self._engine.begin() as conn:
            row = conn.execute(
                sa.select(sources.c.error_count, sources.c.poll_interval_s).where(
                    sources.c.id == source_id
                )
            ).one()
            errors = row.error_count + 1
            if next_poll_at is None and not dead:
                backoff = min(row.poll_interval_s * (2 ** min(errors - 1, 6)), 24 * 3600)
                next_poll_at = record.at + timedelta(seconds=backoff)
            values: dict[str, Any] = {
                "last_polled_at": record.at,
                "next_poll_at": None if dead else next_poll_at,
                "error_count": errors,
                "last_error": reason or record.error,
                "last_status": record.status,
            }
            if dead:
                values["dead_at"] = record.at
            conn.execute(sources.update().where(sources.c.id == source_id).values(**values))
            conn.execute(fetch_log.insert().values(**_log_values(record)))

    def fetch_log(self, source_id: int, limit: int = 20) -> builtins.list[FetchRecord]:
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(fetch_log)
                .where(fetch_log.c.source_id == source_id)
                .order_by(fetch_log.c.at.desc(), fetch_log.c.id.desc())
                .limit(limit)
            ).all()
        return [
            FetchRecord(
                source_id=r.source_id,
                at=as_utc(r.at) or utcnow(),
                url=r.url,
                status=r.status,
                bytes=r.bytes,
                duration_ms=r.duration_ms,
                items_seen=r.items_seen,
                items_new=r.items_new,
                error=r.error,
            )
            for r in rows
        ]


def _log_values(record: FetchRecord) -> dict[str, Any]:
    return {
        "source_id": record.source_id,
        "at": record.at,
        "url": record.url,
        "status": record.status,
        "bytes": record.bytes,
        "duration_ms": record.duration_ms,
        "items_seen": record.items_seen,
        "items_new": record.items_new,
        "error": record.error,
    }
