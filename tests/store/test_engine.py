"""PostgreSQL connections in the pool are checked before use only after they sat idle: one the
server dropped meanwhile is replaced, not handed to a request."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from support import PG_URL, require
from tidings.store import engine as engine_mod

_PID = sa.text("SELECT pg_backend_pid()")


def _pooled_then_dropped() -> tuple[sa.Engine, int]:
    """An engine whose one pooled connection the server has since terminated."""
    try:
        eng = engine_mod.make_engine(PG_URL)
        with eng.connect() as conn:
            pid = int(conn.execute(_PID).scalar_one())
    except sa.exc.OperationalError as exc:
        require(False, f"PostgreSQL unreachable at {PG_URL}: {exc.orig}")
    admin = sa.create_engine(PG_URL, poolclass=sa.NullPool)
    with admin.connect() as conn:
        assert conn.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()
        for _ in range(100):  # until the backend is gone
            gone = conn.execute(
                sa.text("SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = :p"), {"p": pid}
            ).scalar()
            if gone:
                break
            time.sleep(0.05)
    admin.dispose()
    return eng, pid


def test_an_idle_connection_the_server_dropped_is_replaced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engine_mod, "PING_IDLE_S", 0.0)
    eng, pid = _pooled_then_dropped()
    try:
        with eng.connect() as conn:
            assert int(conn.execute(_PID).scalar_one()) != pid
    finally:
        eng.dispose()


def test_a_connection_in_steady_use_is_not_pinged(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the idle check the dropped connection reaches the query (what the ping above
    saves a request from), and the pool then connects afresh for the next one."""
    monkeypatch.setattr(engine_mod, "PING_IDLE_S", 3600.0)
    eng, pid = _pooled_then_dropped()
    try:
        with pytest.raises(sa.exc.OperationalError), eng.connect() as conn:
            conn.execute(_PID)
        with eng.connect() as conn:
            assert int(conn.execute(_PID).scalar_one()) != pid
    finally:
        eng.dispose()


def test_a_lone_read_on_postgresql_runs_outside_a_transaction() -> None:
    """`read_once` spares a single SELECT the BEGIN … ROLLBACK around it, and the pooled
    connection goes back to transactions for the next user."""
    try:
        eng = engine_mod.make_engine(PG_URL)
        with eng.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        require(False, f"PostgreSQL unreachable at {PG_URL}: {exc.orig}")
    # a statement after another one shares its transaction's start only outside autocommit
    alone = sa.text("SELECT statement_timestamp() = transaction_timestamp()")
    try:
        with engine_mod.read_once(eng) as conn:
            conn.execute(sa.text("SELECT pg_sleep(0.01)"))
            assert conn.execute(alone).scalar() is True
        with eng.connect() as conn:  # the same pooled connection, back in transactions
            conn.execute(sa.text("SELECT pg_sleep(0.01)"))
            assert conn.execute(alone).scalar() is False
    finally:
        eng.dispose()
