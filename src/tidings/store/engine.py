"""Engine creation and migrations, for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from tidings.core import ConfigError, StoreError

_MIGRATIONS = Path(__file__).parent / "migrations"
PING_IDLE_S = 5.0  # a pooled PostgreSQL connection idle this long is checked before use


def make_engine(url: str) -> sa.Engine:
    """An engine for `url`. SQLite gets WAL, foreign keys and a busy timeout; its folder is
    created when missing."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise ConfigError(f"invalid database URL {url!r}: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    if parsed.get_backend_name() == "postgresql":
        engine = sa.create_engine(url)
        _ping_when_idle(engine)
        return engine
    raise ConfigError(
        f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql"
    )


def read_once(engine: sa.Engine) -> sa.Connection:
    """A connection for one statement that only reads. On PostgreSQL it runs in autocommit:
    a lone SELECT sees one snapshot either way, and it is then not wrapped in BEGIN and
    ROLLBACK (half the cost of a small query there). On SQLite a SELECT never opens a
    transaction anyway."""
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        conn.execution_options(isolation_level="AUTOCOMMIT")
    return conn


def _ping_when_idle(engine: sa.Engine) -> None:
    """Check a pooled connection before use only when it has been idle `PING_IDLE_S`: one that
    the server dropped meanwhile (a restart, an idle timeout) is replaced instead of failing the
    request. SQLAlchemy's `pool_pre_ping` pings on every checkout, a round trip (and server
    work) several times per feed request; a connection in steady use is known to be alive."""

    @sa.event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_IDLE_S:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # any failure: the pool connects afresh (up to 3 times)
            raise sa.exc.DisconnectionError(f"pooled connection lost: {exc}") from exc


def alembic_config(engine: sa.Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def migrate(engine: sa.Engine) -> None:
    """Bring the database schema up to the newest migration."""
    cfg = alembic_config(engine)
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except sa.exc.OperationalError as exc:
        raise StoreError(f"cannot reach the database at {engine.url!r}: {exc.orig}") from exc
