#!/usr/bin/env bash
# Start the local PostgreSQL 15 cluster when it is down and create the test role and database
# (idempotent). Exits non-zero when PostgreSQL cannot be brought up.
set -euo pipefail
PGROLE="${TIDINGS_PG_ROLE:-tidings}"
PGPASS="${TIDINGS_PG_PASSWORD:-tidings}"
PGDB="${TIDINGS_PG_DB:-tidings_test}"

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "setup-postgres: pg_ctlcluster not found; install postgresql-15" >&2
    exit 1
fi
if ! pg_lsclusters -h | awk '$1=="15" && $2=="main" {print $4}' | grep -q online; then
    pg_ctlcluster 15 main start
fi
for _ in $(seq 1 30); do
    if su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1; then break; fi
    sleep 1
done
su postgres -c "psql -qAtc 'select 1'" >/dev/null

su postgres -c "psql -v ON_ERROR_STOP=1 -qAt" <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${PGROLE}') THEN
    CREATE ROLE ${PGROLE} LOGIN PASSWORD '${PGPASS}' CREATEDB;
  ELSE
    ALTER ROLE ${PGROLE} LOGIN PASSWORD '${PGPASS}' CREATEDB;
  END IF;
END
\$\$;
SQL
if ! su postgres -c "psql -qAtc \"select 1 from pg_database where datname='${PGDB}'\"" | grep -q 1; then
    su postgres -c "createdb -O ${PGROLE} ${PGDB}"
fi
echo "setup-postgres: postgresql+psycopg://${PGROLE}:***@127.0.0.1:5432/${PGDB} ready"
