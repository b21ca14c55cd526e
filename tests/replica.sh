#!/usr/bin/env bash
# A PostgreSQL streaming replica of the local primary, for the report-replica test
# (tests/api/replica.rs) and .ci/run. Needs root (or the postgres user) on the machine that runs
# the primary at 127.0.0.1:5432 with trust authentication.
#
#   tests/replica.sh up      create the replica once (pg_basebackup -R into a second cluster on
#                            port 5433), start it, wait until it streams; idempotent
#   tests/replica.sh stop    stop it (what the test does to see reports answer 503)
#   tests/replica.sh start   start it again and wait until it streams
#
# The primary needs wal_level=replica (Debian's default) and a pg_hba line allowing replication
# connections from 127.0.0.1; `up` adds that line and reloads when it is missing. No replication
# slot is kept, so a replica left stopped never makes the primary hoard WAL; if it falls too far
# behind to catch up, `up` rebuilds it.
set -euo pipefail

PRIMARY_PORT=${PRIMARY_PORT:-5432}
PORT=${REPLICA_PORT:-5433}
PRIMARY="postgres://postgres@127.0.0.1:$PRIMARY_PORT/postgres"
REPLICA="postgres://postgres@127.0.0.1:$PORT/postgres"
VERSION=$(psql "$PRIMARY" -Atc "show server_version_num" | cut -c1-2)
BIN=/usr/lib/postgresql/$VERSION/bin
DIR=/var/lib/postgresql/qualify-replica-$PORT
LOG=/var/log/postgresql/qualify-replica-$PORT.log

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

allow_replication() {
  local hba
  hba=$(psql "$PRIMARY" -Atc "show hba_file")
  if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$hba"; then
    echo "replica: allowing replication connections from 127.0.0.1 in $hba"
    echo "host replication all 127.0.0.1/32 trust" >>"$hba"
    psql "$PRIMARY" -qAtc "select pg_reload_conf()" >/dev/null
  fi
  local level
  level=$(psql "$PRIMARY" -Atc "show wal_level")
  if [ "$level" = minimal ]; then
    echo "replica: the primary runs wal_level=minimal; set wal_level=replica and restart it" >&2
    exit 1
  fi
}

streaming() {
  [ "$(psql "$REPLICA" -Atc "select pg_is_in_recovery() and exists (select 1 from pg_stat_wal_receiver where status = 'streaming')" 2>/dev/null)" = t ]
}

wait_streaming() {
  for _ in $(seq 1 60); do
    streaming && return 0
    sleep 0.5
  done
  return 1
}

create() {
  echo "replica: pg_basebackup -R from 127.0.0.1:$PRIMARY_PORT into $DIR (port $PORT)"
  rm -rf "$DIR"
  mkdir -p "$DIR" "$(dirname "$LOG")"
  chown postgres:postgres "$DIR" 2>/dev/null || true
  chmod 700 "$DIR"
  as_postgres "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DIR" -R -X stream -c fast
  # Debian keeps the primary's configuration outside its data directory: give the replica its own.
  as_postgres sh -c "printf '%s\n' \"port = $PORT\" \"listen_addresses = '127.0.0.1'\" \
    \"unix_socket_directories = '/tmp'\" \"hot_standby = on\" \"hba_file = '$DIR/pg_hba.conf'\" \
    > '$DIR/postgresql.conf'; printf '%s\n' 'local all all trust' 'host all all 127.0.0.1/32 trust' \
    > '$DIR/pg_hba.conf'; : > '$DIR/pg_ident.conf'"
}

start() {
  if ! streaming; then
    if ! as_postgres "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
      touch "$LOG" && chown postgres:postgres "$LOG" 2>/dev/null || true
      as_postgres "$BIN/pg_ctl" -D "$DIR" -l "$LOG" -w -t 180 start >/dev/null
    fi
  fi
  wait_streaming
}

case "${1:-up}" in
  up)
    allow_replication
    if [ ! -f "$DIR/standby.signal" ] || ! start; then
      [ -f "$DIR/postmaster.pid" ] && as_postgres "$BIN/pg_ctl" -D "$DIR" -m fast stop >/dev/null 2>&1 || true
      create
      start || { echo "replica: did not start streaming; see $LOG" >&2; tail -20 "$LOG" >&2; exit 1; }
    fi
    echo "replica: streaming on 127.0.0.1:$PORT"
    ;;
  stop)
    as_postgres "$BIN/pg_ctl" -D "$DIR" -m fast -w stop >/dev/null
    echo "replica: stopped"
    ;;
  start)
    start || { echo "replica: did not start streaming; see $LOG" >&2; exit 1; }
    echo "replica: streaming on 127.0.0.1:$PORT"
    ;;
  *)
    echo "usage: $0 up|stop|start" >&2
    exit 2
    ;;
esac
