#!/usr/bin/env bash
# A streaming replica of the dispatch database cluster: reads that may be a moment stale (the reports, through the
# server's DATABASE_READ_URL), and the cluster to promote when the primary is lost (README, "Read replica and failover").
# The primary stays the only writer: a replica refuses writes until it is promoted.
#
#   bash scripts/replica.sh create [--synchronous]  pg_basebackup -R of the primary into a data directory of its own,
#                                            a replication slot on the primary (it keeps the WAL the replica has not
#                                            received), then starts it and waits until it streams
#   bash scripts/replica.sh start | stop | status
#   bash scripts/replica.sh sync on|off      on: the primary's commits wait until this replica has the WAL on disk (a
#                                            failover loses nothing acknowledged; while the replica is down, writes wait)
#   bash scripts/replica.sh promote          the replica becomes the primary (the old one must stay stopped); prints
#                                            its DATABASE_URL
#   bash scripts/replica.sh env              prints `export DATABASE_READ_URL=...` for eval
#   bash scripts/replica.sh destroy          stops it, drops its slot (and its synchronous setting) on the primary, removes it
#
# DATABASE_URL names the primary with a role that may replicate (default: the private cluster of scripts/services.sh).
# REPLICA_DIR (default $DISPATCH_DATA_DIR/replica, under /var/tmp), REPLICA_PORT (default derived like services.sh's
# ports), REPLICA_NAME (dispatch120_replica: its slot and application_name on the primary). PostgreSQL runs as `postgres`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
if [ -z "${DATABASE_URL:-}" ]; then eval "$(bash "$ROOT/scripts/services.sh" env)"; fi
KEY="$(printf '%s' "$ROOT" | sha1sum | cut -c1-10)"
DATA_DIR="${DISPATCH_DATA_DIR:-/var/tmp/dispatch120-$KEY}"
# Beyond the range services.sh gives the checkouts' PostgreSQL and Redis (21000–28999).
REPLICA_PORT="${REPLICA_PORT:-$(( 29000 + 16#${KEY:0:6} % 3000 ))}"
REPLICA_DIR="${REPLICA_DIR:-$DATA_DIR/replica}"
REPLICA_NAME="${REPLICA_NAME:-dispatch120_replica}"
PG_DATA="$REPLICA_DIR/pg" RUN="$REPLICA_DIR/run" LOG="$REPLICA_DIR/pg.log"

[[ "$REPLICA_NAME" =~ ^[a-z0-9_]{1,63}$ ]] || { echo "[replica] error: REPLICA_NAME: lower-case letters, digits and _ only" >&2; exit 2; }
case "$REPLICA_DIR" in *\'*) echo "[replica] error: REPLICA_DIR must not contain a quote" >&2; exit 2 ;; esac

log() { printf '[replica] %s\n' "$*" >&2; }
die() { printf '[replica] error: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }
as_pg() { if is_root; then runuser -u postgres -- "$@"; else "$@"; fi; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# The primary's URL with the replica's address: the roles and passwords came along with the copy.
replica_url() { printf '%s' "$DATABASE_URL" | sed -E "s#@[^/@]+/#@127.0.0.1:$REPLICA_PORT/#"; }
on_primary() { "$PG_BIN/psql" -d "$DATABASE_URL" -v ON_ERROR_STOP=1 -tAqc "$1"; }
on_replica() { "$PG_BIN/psql" -d "$(replica_url)" -v ON_ERROR_STOP=1 -tAqc "$1"; }
running() { [ -f "$PG_DATA/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }
created() { [ -f "$PG_DATA/PG_VERSION" ] || die "no replica in $PG_DATA (bash scripts/replica.sh create)"; }

[[ "$DATABASE_URL" =~ ^postgres(ql)?://[^/]*@[^/]+/ ]] || die "DATABASE_URL must be postgres://user:password@host:port/database"

cmd_create() {
  local synchronous=0
  [ "${1:-}" = --synchronous ] && synchronous=1
  [ -e "$PG_DATA" ] && die "$PG_DATA exists (bash scripts/replica.sh destroy first)"
  port_busy "$REPLICA_PORT" && die "port $REPLICA_PORT is taken (set REPLICA_PORT)"
  [ "$(on_primary "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '$REPLICA_NAME'")" = 0 ] \
    || die "the primary has a slot $REPLICA_NAME already: another replica of that name (REPLICA_NAME), or a destroyed one (SELECT pg_drop_replication_slot('$REPLICA_NAME'))"
  mkdir -p "$REPLICA_DIR" "$RUN"
  chmod 755 "$REPLICA_DIR"
  touch "$LOG"
  if is_root; then chown postgres:postgres "$REPLICA_DIR" "$RUN" "$LOG"; fi
  log "copying the primary into $PG_DATA"
  # -R: standby.signal and primary_conninfo; -C -S: the slot, created with the copy so no WAL is missed in between.
  as_pg "$PG_BIN/pg_basebackup" -d "$DATABASE_URL" -D "$PG_DATA" -Fp -X stream -c fast -R -C -S "$REPLICA_NAME" --no-password \
    || { rm -rf "$PG_DATA"; die "pg_basebackup failed"; }
  # postgresql.auto.conf came from the primary (with its archive settings: a standby does not archive, a promoted
  # one continues the same archive on a new timeline); what differs here goes last, so it wins.
  as_pg tee -a "$PG_DATA/postgresql.auto.conf" >/dev/null <<EOF
# scripts/replica.sh create at $(date -u +%FT%TZ)
port = $REPLICA_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$RUN'
cluster_name = '$REPLICA_NAME'
hot_standby = on
# Long reports on the replica are not cancelled by the primary's vacuum (the primary keeps those rows a little longer).
hot_standby_feedback = on
EOF
  chmod 700 "$PG_DATA"
  cmd_start
  if [ "$synchronous" = 1 ]; then cmd_sync on; fi
  log "replica $REPLICA_NAME of the primary on 127.0.0.1:$REPLICA_PORT (data $PG_DATA)"
}

cmd_start() {
  created
  if running; then log "already running on 127.0.0.1:$REPLICA_PORT"; return 0; fi
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$LOG" -w -t 120 start >/dev/null || { tail -20 "$LOG" >&2; die "the replica did not start"; }
  [ "$(on_replica "SELECT pg_is_in_recovery()")" = t ] || { log "started on 127.0.0.1:$REPLICA_PORT (promoted: a primary now)"; return 0; }
  # Streaming when the primary answers; a replica whose primary is away still serves what it has.
  for _ in $(seq 1 300); do
    [ "$(on_replica "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'")" = 1 ] && { log "streaming on 127.0.0.1:$REPLICA_PORT"; return 0; }
    sleep 0.1
  done
  log "warning: started on 127.0.0.1:$REPLICA_PORT but not streaming from the primary yet (see $LOG)"
}

cmd_stop() {
  created
  if running; then as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null && log "stopped"; else log "not running"; fi
}

cmd_status() {
  created
  running || { echo "replica: stopped (data $PG_DATA, port $REPLICA_PORT)"; return 0; }
  if [ "$(on_replica "SELECT pg_is_in_recovery()")" = f ]; then echo "replica: promoted, a primary on 127.0.0.1:$REPLICA_PORT"; return 0; fi
  echo "replica: running on 127.0.0.1:$REPLICA_PORT, $(on_replica "SELECT format('%s from the primary, replayed up to %s, last transaction replayed %s', coalesce((SELECT status FROM pg_stat_wal_receiver), 'not connected'), pg_last_wal_replay_lsn(), coalesce(pg_last_xact_replay_timestamp()::text, 'none'))")"
  # What monitoring should watch: the lag in bytes, and the slot's retained WAL on the primary.
  echo "primary:  $(on_primary "SELECT coalesce((SELECT format('%s (%s), %s bytes behind', state, sync_state, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)) FROM pg_stat_replication WHERE application_name = '$REPLICA_NAME'), 'not connected') || '; slot keeps ' || coalesce((SELECT pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)) FROM pg_replication_slots WHERE slot_name = '$REPLICA_NAME'), 'no slot')" 2>/dev/null || echo unreachable)"
}

cmd_sync() {
  case "${1:-}" in
    on) on_primary "ALTER SYSTEM SET synchronous_standby_names = '\"$REPLICA_NAME\"'" ;;
    off) on_primary "ALTER SYSTEM RESET synchronous_standby_names" ;;
    *) die "sync on|off" ;;
  esac
  on_primary "SELECT pg_reload_conf()" >/dev/null
  log "synchronous replication to $REPLICA_NAME: $1 ($(on_primary "SHOW synchronous_standby_names"))"
}

cmd_promote() {
  created
  running || cmd_start
  if [ "$(on_replica "SELECT pg_is_in_recovery()")" = t ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -w -t 120 promote >/dev/null || { tail -20 "$LOG" >&2; die "promotion failed"; }
  fi
  [ "$(on_replica "SELECT pg_is_in_recovery()")" = f ] || die "still in recovery after promote (see $LOG)"
  # A synchronous setting copied from the old primary would make every commit here wait for a replica that is gone.
  on_replica "ALTER SYSTEM RESET synchronous_standby_names" && on_replica "SELECT pg_reload_conf()" >/dev/null
  log "promoted: 127.0.0.1:$REPLICA_PORT is the primary now; never start the old one again as a primary (README)"
  echo "DATABASE_URL=$(replica_url)"
}

cmd_destroy() {
  if [ -f "$PG_DATA/PG_VERSION" ] && running; then as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null; fi
  rm -rf "$REPLICA_DIR"
  if on_primary "SELECT 1" >/dev/null 2>&1; then
    if [ "$(on_primary "SHOW synchronous_standby_names")" = "\"$REPLICA_NAME\"" ]; then cmd_sync off; fi
    on_primary "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '$REPLICA_NAME'" >/dev/null
  else
    log "warning: the primary did not answer: drop the slot $REPLICA_NAME there, or it keeps WAL forever"
  fi
  log "removed $REPLICA_DIR"
}

case "${1:-}" in
  create) shift; cmd_create "$@" ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  sync) shift; cmd_sync "$@" ;;
  promote) cmd_promote ;;
  env) echo "export DATABASE_READ_URL='$(replica_url)'" ;;
  destroy) cmd_destroy ;;
  *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
