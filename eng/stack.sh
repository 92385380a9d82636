#!/usr/bin/env bash
# Local stores for development and tests: a private PostgreSQL 15 and Redis,
# data under <repo>/.data, ports from eng/services.env.
#   eng/stack.sh start|stop|status|psql [psql args]
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=services.env
source "$REPO/eng/services.env"

PG_BIN=/usr/lib/postgresql/15/bin
DATA="$REPO/.data"
PGDATA="$DATA/postgres"
PG_SOCK="$DATA/pg-socket"
PG_LOG="$DATA/postgres.log"
REDIS_DIR="$DATA/redis"
REDIS_PID="$DATA/redis.pid"
REDIS_LOG="$DATA/redis.log"
TIMEOUT="${FEDERATED_STACK_TIMEOUT:-60}"

log() { echo "stack: $*"; }
die() { echo "stack: ERROR: $*" >&2; exit 1; }
as_pg() { runuser -u postgres -- "$@"; }
# PostgreSQL runs at a higher CPU priority than everything else started beside it (nice -5,
# FEDERATED_PG_NICE to change; 0 for none). On one machine the services and PostgreSQL share
# the cores, and a backend that loses its core while it holds a row lock or the WAL write
# lock stalls every backend queued behind it; a service that loses its core holds no such
# lock. Measured with the checkout benchmark at 280 orders a second: placeOrder's p50 and p99
# lower in every pair (README, "Checkout benchmark"). Where the priority cannot be raised
# (no CAP_SYS_NICE, as in some containers), PostgreSQL runs at the default.
PG_NICE="${FEDERATED_PG_NICE:--5}"
as_pg_niced() {
  if [ "$PG_NICE" != 0 ] && nice -n "$PG_NICE" true 2>/dev/null; then nice -n "$PG_NICE" runuser -u postgres -- "$@"
  else as_pg "$@"; fi
}

pg_ready() { "$PG_BIN/pg_isready" -q -h "$FEDERATED_HOST" -p "$FEDERATED_PG_PORT" -U "$FEDERATED_PG_USER" -d postgres -t 2 >/dev/null 2>&1; }
redis_ready() {
  command -v redis-cli >/dev/null 2>&1 &&
    [ "$(timeout 3 redis-cli -h "$FEDERATED_HOST" -p "$FEDERATED_REDIS_PORT" ping 2>/dev/null)" = PONG ]
}
run_psql() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$FEDERATED_HOST" -p "$FEDERATED_PG_PORT" -U "$FEDERATED_PG_USER" "$@"; }

APT_UPDATED=0
apt_install() {
  [ "$(id -u)" = 0 ] || die "installing $* needs root"
  export DEBIAN_FRONTEND=noninteractive
  if [ "$APT_UPDATED" = 0 ]; then
    log "apt-get update"
    apt-get update -qq
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  local out
  out="$(mktemp)"
  if ! apt-get install -y -qq --no-install-recommends "$@" >"$out" 2>&1; then
    cat "$out" >&2; rm -f "$out"; return 1
  fi
  rm -f "$out"
}

ensure_packages() {
  if [ ! -x "$PG_BIN/postgres" ]; then apt_install postgresql-15 postgresql-client-15; fi
  if [ ! -f /usr/share/postgresql/15/extension/pg_trgm.control ]; then
    # Debian 12 ships contrib inside postgresql-15; older/newer layouts have a separate package.
    if apt-cache show postgresql-contrib-15 >/dev/null 2>&1; then apt_install postgresql-contrib-15
    else apt_install postgresql-contrib; fi
    [ -f /usr/share/postgresql/15/extension/pg_trgm.control ] || die "pg_trgm still missing after installing contrib"
  fi
  if ! command -v redis-server >/dev/null 2>&1; then apt_install redis-server; fi
}

# The postgres user must be able to reach .data: give "others" traverse rights
# on any ancestor directory that lacks them (e.g. a clone under /root).
ensure_traversable() {
  local dir="$DATA"
  while [ "$dir" != / ]; do
    dir="$(dirname "$dir")"
    if ! as_pg test -x "$dir" 2>/dev/null; then
      log "chmod o+x $dir (postgres user must traverse it)"
      chmod o+x "$dir"
    fi
  done
}

# Fails with the tail of a log file.
fail_with_log() {
  echo "stack: ERROR: $1" >&2
  if [ -f "$2" ]; then echo "--- last lines of $2 ---" >&2; tail -n 25 "$2" >&2; fi
  exit 1
}

wait_for() { # name ready-check alive-check log
  local deadline=$((SECONDS + TIMEOUT)) grace=$((SECONDS + 2))
  until "$2"; do
    [ "$SECONDS" -lt "$deadline" ] || fail_with_log "$1 did not answer within ${TIMEOUT}s" "$4"
    if [ "$SECONDS" -ge "$grace" ] && ! "$3"; then fail_with_log "$1 exited during startup" "$4"; fi
    sleep 0.2
  done
}
pg_alive() { as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }
redis_alive() { [ -f "$REDIS_PID" ] && kill -0 "$(cat "$REDIS_PID")" 2>/dev/null; }

start_pg() {
  if pg_ready; then log "postgres already running on $FEDERATED_HOST:$FEDERATED_PG_PORT"; return; fi
  mkdir -p "$DATA"
  chmod 755 "$DATA"
  ensure_traversable
  mkdir -p "$PGDATA" "$PG_SOCK"
  chown postgres:postgres "$PGDATA" "$PG_SOCK"
  chmod 700 "$PGDATA"
  touch "$PG_LOG" && chown postgres:postgres "$PG_LOG"
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    log "initdb $PGDATA"
    as_pg "$PG_BIN/initdb" -D "$PGDATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$DATA/initdb.log" 2>&1 ||
      fail_with_log "initdb failed" "$DATA/initdb.log"
    cat >"$PGDATA/pg_hba.conf" <<'EOF'
# Dev stack: trust, loopback and the private unix socket only.
local all all              trust
host  all all 127.0.0.1/32 trust
host  all all ::1/128      trust
EOF
    echo "include 'federated.conf'" >>"$PGDATA/postgresql.conf"
    chown postgres:postgres "$PGDATA/pg_hba.conf"
  fi
  # Rewritten on every start so that services.env stays the source of truth.
  cat >"$PGDATA/federated.conf" <<EOF
# Written by eng/stack.sh on each start; edit the script, not this file.
listen_addresses = '127.0.0.1'
port = $FEDERATED_PG_PORT
unix_socket_directories = '$PG_SOCK'
max_connections = 300
# Sized for a developer machine or a CI runner with a few GB to spare: the 1,000,000-product
# search benchmark reads about 1 GB of catalog.
shared_buffers = 1GB
effective_cache_size = 4GB
work_mem = 16MB
maintenance_work_mem = 512MB
random_page_cost = 1.1
fsync = on
# Checkpoints by time rather than by WAL volume: the checkout benchmark writes about 4 MB of
# WAL a second at 280 orders a second, so the default 1 GB forced a checkpoint every four
# minutes, whose writes and full-page images ran through its measured windows. With these, its
# placeOrder p99 was lower in both pairs run (tests/Federated.Benchmarks/HISTORY.md, entry (t)).
max_wal_size = 4GB
checkpoint_timeout = 15min
timezone = 'UTC'
log_timezone = 'UTC'
EOF
  chown postgres:postgres "$PGDATA/federated.conf"
  log "starting postgres on $FEDERATED_HOST:$FEDERATED_PG_PORT (log $PG_LOG)"
  as_pg_niced "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PG_LOG" -W start >/dev/null ||
    fail_with_log "pg_ctl start failed" "$PG_LOG"
  wait_for postgres pg_ready pg_alive "$PG_LOG"
}

start_redis() {
  if redis_ready; then log "redis already running on $FEDERATED_HOST:$FEDERATED_REDIS_PORT"; return; fi
  mkdir -p "$REDIS_DIR"
  log "starting redis on $FEDERATED_HOST:$FEDERATED_REDIS_PORT (log $REDIS_LOG)"
  # The append-only file (every write appended, synced every second) is what keeps carts over
  # a restart. Redis's default RDB snapshots as well ("save 60 10000": under a checkout's load,
  # a forked child writing every key once a minute) only added a burst of CPU a minute, and the
  # file's own rewrite (also a forked child writing every key) came every one to six minutes
  # under that load at the default 64 MB: it waits for 512 MB. Settings of a Redis already
  # running change only when it is restarted (eng/stack.sh stop, then start).
  redis-server --daemonize yes --bind "$FEDERATED_HOST" --port "$FEDERATED_REDIS_PORT" \
    --dir "$REDIS_DIR" --pidfile "$REDIS_PID" --logfile "$REDIS_LOG" \
    --appendonly yes --save "" --auto-aof-rewrite-min-size 512mb --protected-mode yes ||
    fail_with_log "redis-server failed to start" "$REDIS_LOG"
  wait_for redis redis_ready redis_alive "$REDIS_LOG"
}

ensure_databases() {
  local entry db
  for entry in $FEDERATED_SUBGRAPHS; do
    db="${entry%%=*}"
    if [ -z "$(run_psql -d postgres -tAc "select 1 from pg_database where datname = '$db'")" ]; then
      log "creating database $db"
      run_psql -d postgres -c "create database \"$db\""
    fi
    run_psql -d "$db" -c "set client_min_messages = warning; create extension if not exists pg_trgm; create extension if not exists unaccent;"
  done
}

cmd_start() {
  if pg_ready && redis_ready; then
    log "already running (postgres :$FEDERATED_PG_PORT, redis :$FEDERATED_REDIS_PORT)"
  else
    ensure_packages
    start_pg
    start_redis
  fi
  ensure_databases
  log "ready: postgres $FEDERATED_HOST:$FEDERATED_PG_PORT, redis $FEDERATED_HOST:$FEDERATED_REDIS_PORT"
}

cmd_stop() {
  if [ -f "$PGDATA/postmaster.pid" ]; then
    log "stopping postgres"
    if ! as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w -t "$TIMEOUT" stop >/dev/null 2>&1; then
      # pg_ctl also fails on a stale pid file (server already gone): only a live server is an error.
      if as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then fail_with_log "pg_ctl stop failed" "$PG_LOG"; fi
    fi
  else
    log "postgres not running"
  fi
  if redis_ready; then
    log "stopping redis"
    redis-cli -h "$FEDERATED_HOST" -p "$FEDERATED_REDIS_PORT" shutdown >/dev/null 2>&1 || true
  else
    log "redis not running"
  fi
  local deadline=$((SECONDS + TIMEOUT))
  while [ -f "$REDIS_PID" ] && kill -0 "$(cat "$REDIS_PID")" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || fail_with_log "redis did not stop" "$REDIS_LOG"
    sleep 0.1
  done
  rm -f "$REDIS_PID"
  log "stopped"
}

cmd_status() {
  local rc=0
  if pg_ready; then echo "postgres: running on $FEDERATED_HOST:$FEDERATED_PG_PORT (data $PGDATA)"
  else echo "postgres: stopped"; rc=1; fi
  if redis_ready; then echo "redis:    running on $FEDERATED_HOST:$FEDERATED_REDIS_PORT (data $REDIS_DIR)"
  else echo "redis:    stopped"; rc=1; fi
  return $rc
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  psql) shift; exec "$PG_BIN/psql" -h "$FEDERATED_HOST" -p "$FEDERATED_PG_PORT" -U "$FEDERATED_PG_USER" "$@" ;;
  *) echo "usage: $0 start|stop|status|psql [psql args]" >&2; exit 2 ;;
esac
