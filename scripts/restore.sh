#!/usr/bin/env bash
# Restores a base backup of scripts/backup.sh into a fresh data directory, replays the archived WAL (to its end, or
# to --target-time), starts that new cluster on its own port and prints its DATABASE_URL. The backed-up cluster is
# never touched, and the new one archives nothing (it must not write into the archive of the one it came from).
#
#   bash scripts/restore.sh <base backup folder | latest> [--target-time '2026-12-03 07:40:00+00'] [--port N] [--data-dir DIR]
#
# BACKUP_DIR (default /var/backups/dispatch120) holds base/ and wal/. DATABASE_URL, when set, is the backed-up
# cluster's: the printed URL is the same with this cluster's host and port (the roles and passwords came along).
# Stop it with: pg_ctl -D <data dir> stop (as the postgres user); point the server's DATABASE_URL at it to go live.
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/dispatch120}"

log() { printf '[restore] %s\n' "$*" >&2; }
die() { printf '[restore] error: %s\n' "$*" >&2; exit 1; }
usage() { echo "usage: bash scripts/restore.sh <base backup folder | latest> [--target-time TIME] [--port N] [--data-dir DIR]" >&2; exit 2; }
is_root() { [ "$(id -u)" = 0 ]; }
as_pg() { if is_root; then runuser -u postgres -- "$@"; else "$@"; fi; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

[ $# -ge 1 ] || usage
BACKUP="$1"; shift
TARGET_TIME="" PORT="" DATA=""
while [ $# -gt 0 ]; do
  case "$1" in
    --target-time) TARGET_TIME="${2:?}"; shift 2 ;;
    --port) PORT="${2:?}"; shift 2 ;;
    --data-dir) DATA="${2:?}"; shift 2 ;;
    *) usage ;;
  esac
done

if [ "$BACKUP" = latest ]; then
  BACKUP=$(find "$BACKUP_DIR/base" -mindepth 1 -maxdepth 1 -type d -name '20*Z' 2>/dev/null | sort | tail -1)
  [ -n "$BACKUP" ] || die "no base backup in $BACKUP_DIR/base"
fi
[ -f "$BACKUP/backup_label" ] && [ -f "$BACKUP/backup_manifest" ] || die "$BACKUP is not a base backup of scripts/backup.sh"
WAL="$BACKUP_DIR/wal"
[ -d "$WAL" ] || log "warning: no WAL archive at $WAL: restoring to the end of the base backup only"
# The server replays the archive as `postgres`. A copy made over ssh belongs to the other machine's user: a segment
# postgres cannot read would end the replay early, as if the archive ended there.
if [ -d "$WAL" ] && [ -n "$(as_pg find "$WAL" -maxdepth 1 -name '*.gz' ! -readable -print -quit 2>/dev/null || echo unreadable)" ]; then
  is_root || die "the postgres user cannot read every segment of $WAL: give it to postgres (chown -R postgres $WAL) and run this again"
  log "giving $WAL to postgres (the archive was copied by another user)"
  chown -R postgres:postgres "$WAL"
fi
if [ -n "$TARGET_TIME" ]; then
  # PostgreSQL would read a time without a zone in the server's zone; say which moment is meant.
  date -d "$TARGET_TIME" >/dev/null 2>&1 || die "--target-time: not a time: $TARGET_TIME"
fi

if [ -z "$PORT" ]; then
  PORT=$(( 30000 + RANDOM % 20000 ))
  while port_busy "$PORT"; do PORT=$(( PORT + 1 )); done
else
  port_busy "$PORT" && die "--port $PORT is taken"
fi
DATA="${DATA:-/var/tmp/dispatch120-restore-$(date -u +%Y%m%dT%H%M%SZ)-$PORT}"
[ -e "$DATA" ] && [ -n "$(ls -A "$DATA" 2>/dev/null)" ] && die "$DATA exists and is not empty"
PG_DATA="$DATA/pg" RUN="$DATA/run" LOG="$DATA/pg.log"

# Verify before trusting it: the manifest's checksums.
PATH="$PG_BIN:$PATH" "$PG_BIN/pg_verifybackup" -q "$BACKUP" || die "$BACKUP failed verification"

mkdir -p "$DATA" "$RUN"
chmod 755 "$DATA"
cp -a "$BACKUP" "$PG_DATA"
rm -f "$PG_DATA/backup_manifest"
touch "$LOG"
if is_root; then chown -R postgres:postgres "$PG_DATA" "$RUN" "$LOG"; fi
chmod 700 "$PG_DATA"

{
  echo "# scripts/restore.sh from $BACKUP at $(date -u +%FT%TZ)"
  echo "port = $PORT"
  echo "listen_addresses = '127.0.0.1'"
  echo "unix_socket_directories = '$RUN'"
  echo "archive_mode = 'off'"
  # A segment missing from the archive ends the replay there (the test fails); one there but unreadable stops the
  # restore (an exit status above 125 aborts recovery) rather than ending it early without a word.
  echo "restore_command = 'test -f ''$WAL/%f.gz'' || exit 1; gunzip -c ''$WAL/%f.gz'' > ''%p'' || exit 126'"
  if [ -n "$TARGET_TIME" ]; then
    echo "recovery_target_time = '$TARGET_TIME'"
    echo "recovery_target_inclusive = 'on'"
  fi
  echo "recovery_target_action = 'promote'"
} >>"$PG_DATA/postgresql.auto.conf"
as_pg touch "$PG_DATA/recovery.signal"

log "restoring $BACKUP${TARGET_TIME:+ to $TARGET_TIME} into $PG_DATA on 127.0.0.1:$PORT"
as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$LOG" -w -t 600 start >/dev/null || { tail -20 "$LOG" >&2; die "PostgreSQL did not start"; }
# Connections are taken while WAL is still replayed; the restore is done when the cluster is promoted.
for _ in $(seq 1 6000); do
  state=$(as_pg "$PG_BIN/pg_controldata" -D "$PG_DATA" | sed -n 's/^Database cluster state: *//p')
  [ "$state" = "in production" ] && break
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1 || { tail -20 "$LOG" >&2; die "recovery failed"; }
  sleep 0.1
done
[ "$state" = "in production" ] || { tail -20 "$LOG" >&2; die "recovery not finished after 10 minutes (state: $state)"; }
log "$(grep -E 'recovery stopping|last completed transaction|archive recovery complete' "$LOG" | tail -3 | sed 's/^.*LOG: *//' | paste -sd';' -)"
log "restored: PostgreSQL on 127.0.0.1:$PORT, data $PG_DATA (stop: pg_ctl -D $PG_DATA stop, as postgres)"

if [[ "${DATABASE_URL:-}" =~ ^postgres(ql)?://[^/]*@[^/]+/ ]]; then
  echo "DATABASE_URL=$(printf '%s' "$DATABASE_URL" | sed -E "s#@[^/@]+/#@127.0.0.1:$PORT/#")"
else
  echo "DATABASE_URL=postgres://<user>:<password>@127.0.0.1:$PORT/<database>"
fi
