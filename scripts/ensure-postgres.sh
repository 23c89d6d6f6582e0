#!/usr/bin/env bash
# The postgres test project needs a PostgreSQL server. With TEMPORAL_DB_TEST_PG set, that server is
# used as it is. Otherwise this starts the local cluster of Debian's postgresql-15 package if it is
# stopped, and makes the current user a superuser role with the database temporal_db_test: what
# TEMPORAL_DB_TEST_PG's default (the unix socket in /var/run/postgresql) connects to. Safe to run again.
set -euo pipefail
if [ -n "${TEMPORAL_DB_TEST_PG:-}" ]; then exit 0; fi
user="$(id -un)"
if ! command -v pg_ctlcluster >/dev/null; then
  echo "The PostgreSQL tests need a server: install postgresql-15 (apt-get install -y postgresql-15) or set TEMPORAL_DB_TEST_PG to a postgres:// URL." >&2
  exit 1
fi
if ! pg_lsclusters -h 15 main 2>/dev/null | grep -q online; then
  pg_ctlcluster 15 main start
fi
for _ in $(seq 1 30); do
  pg_isready -q -h /var/run/postgresql && break
  sleep 1
done
as_postgres() {
  if [ "$(id -u)" = "0" ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi
}
if ! psql -h /var/run/postgresql -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1; then
  if ! out="$(as_postgres "createuser -s '$user'" 2>&1)"; then
    case "$out" in *"already exists"*) ;; *) echo "$out" >&2; exit 1 ;; esac
  fi
fi
if ! out="$(createdb -h /var/run/postgresql temporal_db_test 2>&1)"; then
  case "$out" in *"already exists"*) ;; *) echo "$out" >&2; exit 1 ;; esac
fi
