#!/usr/bin/env bash
# Start Debian's PostgreSQL cluster (idempotent), make a role and a database for the store's tests, and print
#   export NIANBAO_TEST_PG_URL=postgresql+pg8000://…
# on stdout — .ci/run evals it. Everything else goes to stderr. Run as root.
set -euo pipefail
cd /tmp  # psql as postgres must be able to enter the working directory
ROLE=nianbao_test
PASSWORD=nianbao_test
DB=nianbao_test
log() { echo "start-postgres: $*" >&2; }

if ! command -v pg_lsclusters >/dev/null 2>&1; then
    log "PostgreSQL is not installed (apt-get install postgresql)"
    exit 1
fi
# the newest installed cluster; create one if none exists
read -r VER CLUSTER PORT STATUS _ < <(pg_lsclusters --no-header | sort -k1,1V | tail -n 1) || true
if [ -z "${VER:-}" ]; then
    VER=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    log "creating cluster $VER/main"
    pg_createcluster "$VER" main >&2
    read -r VER CLUSTER PORT STATUS _ < <(pg_lsclusters --no-header | sort -k1,1V | tail -n 1)
fi
if [ "$STATUS" != "online" ]; then
    log "starting cluster $VER/$CLUSTER on port $PORT"
    pg_ctlcluster "$VER" "$CLUSTER" start >&2 || true
fi
UP=
for _ in $(seq 1 30); do
    if su postgres -c "psql -p $PORT -tAc 'select 1'" >/dev/null 2>&1; then UP=1; break; fi
    sleep 1
done
if [ -z "$UP" ]; then
    log "cluster $VER/$CLUSTER does not answer on port $PORT after 30 s"
    exit 1
fi
psql_pg() { su postgres -c "psql -p $PORT -v ON_ERROR_STOP=1 -tAc \"$1\""; }
if [ "$(psql_pg "select 1 from pg_roles where rolname='$ROLE'")" != "1" ]; then
    psql_pg "create role $ROLE login password '$PASSWORD'" >&2
fi
if [ "$(psql_pg "select 1 from pg_database where datname='$DB'")" != "1" ]; then
    psql_pg "create database $DB owner $ROLE encoding 'UTF8' template template0" >&2
fi
# the test role really logs in over TCP (what the tests do), else no URL: the caller must not think it has one
if ! PGPASSWORD=$PASSWORD psql -h 127.0.0.1 -p "$PORT" -U "$ROLE" -d "$DB" -tAc 'select 1' >/dev/null 2>&1; then
    log "role $ROLE cannot log in to $DB on 127.0.0.1:$PORT"
    exit 1
fi
echo "export NIANBAO_TEST_PG_URL=postgresql+pg8000://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
