#!/usr/bin/env bash
# Service manager for the project's private PostgreSQL (PostGIS + pgRouting) cluster and Redis.
#
#   bash scripts/services.sh install   install the Debian packages that are missing (root), or say how
#   bash scripts/services.sh start     install if needed, create the cluster once, start both (idempotent)
#   bash scripts/services.sh stop      stop both by pid
#   bash scripts/services.sh status    print what runs where
#   bash scripts/services.sh env       print `export DATABASE_URL=... REDIS_URL=... JWT_SECRET=...` for eval
#
# The data lives outside the checkout (under /var/tmp, keyed by the checkout's real path) because the
# `postgres` user cannot enter a checkout below a closed folder such as /root; `.data` in the checkout is
# a symlink to it. Ports are derived from the same key so two checkouts never share ports or data.
# DATABASE_URL / REDIS_URL, when set, mean "use that one": the matching private service is left alone.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
KEY="$(printf '%s' "$ROOT" | sha1sum | cut -c1-10)"
DATA_DIR="${DISPATCH_DATA_DIR:-/var/tmp/dispatch120-$KEY}"
SLOT=$(( 16#${KEY:0:6} % 4000 ))
PG_PORT="${DISPATCH_PG_PORT:-$(( 21000 + SLOT * 2 ))}"
REDIS_PORT="${DISPATCH_REDIS_PORT:-$(( PG_PORT + 1 ))}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_DATA="$DATA_DIR/pg"
PG_RUN="$DATA_DIR/pg-run"
PG_USER_NAME=dispatch
DB_NAME="${DISPATCH_DB_NAME:-dispatch}"
REDIS_DIR="$DATA_DIR/redis"
REDIS_PID="$DATA_DIR/redis.pid"
SECRETS="$DATA_DIR/secrets"

APT_PACKAGES=(postgresql-15 postgresql-15-postgis-3 postgresql-15-pgrouting redis-server osmium-tool haproxy openssl)
# What only the tests need: the browser, CJK fonts, and an ssh server and rsync for the backup copy over ssh.
TEST_PACKAGES=(chromium fonts-noto-cjk rsync openssh-server)

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] error: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }

# Runs a PostgreSQL binary as the `postgres` user when we are root (PostgreSQL refuses to run as root).
as_pg() { if is_root; then runuser -u postgres -- "$@"; else "$@"; fi; }

missing_packages() {
  local wanted=("$@") missing=()
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  printf '%s\n' "${missing[@]}"
}

install_packages() {
  local missing
  missing=$(missing_packages "$@" | xargs)
  [ -z "$missing" ] && return 0
  if ! is_root; then
    die "missing Debian packages: $missing
  run as root:  apt-get update && apt-get install -y $missing"
  fi
  log "installing Debian packages: $missing"
  export DEBIAN_FRONTEND=noninteractive
  # A package index older than a day may name versions the mirror no longer has.
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
    apt-get update -qq
  fi
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

cmd_install() {
  install_packages "${APT_PACKAGES[@]}"
  if [ "${1:-}" = "--for-tests" ]; then install_packages "${TEST_PACKAGES[@]}"; fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

secret() { # secret NAME: a random password kept beside the data, created once
  local f="$SECRETS/$1"
  if [ ! -s "$f" ]; then
    mkdir -p "$SECRETS"; chmod 700 "$SECRETS"
    head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$f"; chmod 600 "$f"
  fi
  cat "$f"
}

prepare_data_dir() {
  mkdir -p "$DATA_DIR"; chmod 755 "$DATA_DIR"
  if [ ! -e "$ROOT/.data" ] && [ ! -L "$ROOT/.data" ]; then ln -s "$DATA_DIR" "$ROOT/.data"; fi
}

pg_running() { [ -f "$PG_DATA/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }

init_pg() {
  [ -f "$PG_DATA/PG_VERSION" ] && return 0
  log "creating the PostgreSQL cluster in $PG_DATA"
  local pwfile="$DATA_DIR/pg-initpw"
  secret pg-password > "$pwfile"
  mkdir -p "$PG_DATA" "$PG_RUN"
  if is_root; then chown postgres:postgres "$PG_DATA" "$PG_RUN" "$pwfile"; fi
  chmod 700 "$PG_DATA"
  as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_USER_NAME" --pwfile="$pwfile" -A scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$DATA_DIR/initdb.log" 2>&1 || { rm -f "$pwfile"; cat "$DATA_DIR/initdb.log" >&2; die "initdb failed"; }
  rm -f "$pwfile"
  cat >>"$PG_DATA/postgresql.conf" <<EOF
# dispatch120 private cluster
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_RUN'
max_connections = 200
shared_buffers = 256MB
work_mem = 16MB
maintenance_work_mem = 256MB
logging_collector = off
EOF
}

start_pg() {
  if [ -n "${DATABASE_URL:-}" ]; then log "DATABASE_URL is set: using it, no private PostgreSQL"; return 0; fi
  [ -x "$PG_BIN/pg_ctl" ] || die "PostgreSQL 15 is not installed (bash scripts/services.sh install)"
  init_pg
  if pg_running; then log "PostgreSQL already running on 127.0.0.1:$PG_PORT"; else
    port_busy "$PG_PORT" && die "port $PG_PORT is taken by another program (set DISPATCH_PG_PORT)"
    mkdir -p "$PG_RUN"; is_root && chown postgres:postgres "$PG_RUN"
    rm -f "$DATA_DIR/pg.log.old"; [ -f "$DATA_DIR/pg.log" ] && mv "$DATA_DIR/pg.log" "$DATA_DIR/pg.log.old"
    touch "$DATA_DIR/pg.log"; is_root && chown postgres:postgres "$DATA_DIR/pg.log"
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$DATA_DIR/pg.log" -w -t 60 start >/dev/null \
      || { tail -20 "$DATA_DIR/pg.log" >&2; die "PostgreSQL did not start"; }
    log "PostgreSQL started on 127.0.0.1:$PG_PORT (data $PG_DATA)"
  fi
  local exists
  exists=$(PGPASSWORD="$(secret pg-password)" "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER_NAME" -d postgres \
    -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")
  if [ "$exists" != 1 ]; then
    PGPASSWORD="$(secret pg-password)" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER_NAME" "$DB_NAME"
    log "created database $DB_NAME"
  fi
}

redis_running() { [ -f "$REDIS_PID" ] && kill -0 "$(cat "$REDIS_PID")" 2>/dev/null; }

start_redis() {
  if [ -n "${REDIS_URL:-}" ]; then log "REDIS_URL is set: using it, no private Redis"; return 0; fi
  command -v redis-server >/dev/null || die "redis-server is not installed (bash scripts/services.sh install)"
  if redis_running; then log "Redis already running on 127.0.0.1:$REDIS_PORT"; return 0; fi
  port_busy "$REDIS_PORT" && die "port $REDIS_PORT is taken by another program (set DISPATCH_REDIS_PORT)"
  mkdir -p "$REDIS_DIR"
  # Append-only file: BullMQ timers (acknowledgement, escalation) must survive a Redis restart.
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --pidfile "$REDIS_PID" \
    --dir "$REDIS_DIR" --logfile "$DATA_DIR/redis.log" --appendonly yes --appendfsync everysec \
    --save "" --maxmemory-policy noeviction --requirepass "$(secret redis-password)"
  for _ in $(seq 1 50); do
    if REDISCLI_AUTH="$(secret redis-password)" redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
      log "Redis started on 127.0.0.1:$REDIS_PORT"; return 0
    fi
    sleep 0.1
  done
  tail -20 "$DATA_DIR/redis.log" >&2; die "Redis did not start"
}

stop_pg() {
  if pg_running; then as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null && log "PostgreSQL stopped"; fi
}

stop_redis() {
  redis_running || return 0
  local pid; pid=$(cat "$REDIS_PID")
  kill -TERM "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || { log "Redis stopped"; return 0; }; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true; log "Redis killed after 10 s"
}

cmd_env() {
  if [ -n "${DATABASE_URL:-}" ]; then echo "export DATABASE_URL='$DATABASE_URL'"; else
    echo "export DATABASE_URL='postgres://$PG_USER_NAME:$(secret pg-password)@127.0.0.1:$PG_PORT/$DB_NAME'"; fi
  if [ -n "${REDIS_URL:-}" ]; then echo "export REDIS_URL='$REDIS_URL'"; else
    echo "export REDIS_URL='redis://default:$(secret redis-password)@127.0.0.1:$REDIS_PORT'"; fi
  if [ -z "${JWT_SECRET:-}" ]; then echo "export JWT_SECRET='$(secret jwt-secret)'"; fi
  echo "export DISPATCH_DATA_DIR='$DATA_DIR'"
}

cmd_status() {
  echo "data:       $DATA_DIR"
  if pg_running; then echo "postgresql: running on 127.0.0.1:$PG_PORT"; else echo "postgresql: stopped"; fi
  if redis_running; then echo "redis:      running on 127.0.0.1:$REDIS_PORT (pid $(cat "$REDIS_PID"))"; else echo "redis:      stopped"; fi
}

case "${1:-}" in
  install) shift; cmd_install "$@" ;;
  start) cmd_install; prepare_data_dir; start_pg; start_redis ;;
  stop) stop_redis; stop_pg ;;
  status) cmd_status ;;
  running) pg_running && redis_running ;;
  env) prepare_data_dir; cmd_env ;;
  *) echo "usage: bash scripts/services.sh install [--for-tests] | start | stop | status | running | env" >&2; exit 2 ;;
esac
