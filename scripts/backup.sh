#!/usr/bin/env bash
# Backups of the dispatch database cluster: base backups plus continuous WAL archiving (point-in-time recovery).
#
#   bash scripts/backup.sh enable-archiving  turn WAL archiving on in the cluster (ALTER SYSTEM; restart PostgreSQL after)
#   bash scripts/backup.sh base              a base backup into $BACKUP_DIR/base/<UTC time>, verified; the last
#                                            $BACKUP_KEEP kept, and the archived WAL older than the oldest one removed
#   bash scripts/backup.sh switch-wal        close the current WAL segment and wait until it is archived
#   bash scripts/backup.sh list              the base backups, the archive's newest segment, the archiver's counts
#
# DATABASE_URL names a role with the REPLICATION attribute (a superuser for enable-archiving); BACKUP_DIR (default
# /var/backups/dispatch120) must be writable by the `postgres` user, which runs the archive command. Restore with
# scripts/restore.sh. Why WAL archiving and not a nightly pg_dump: see the README ("Backups").
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/dispatch120}"
BACKUP_KEEP="${BACKUP_KEEP:-7}"
# A segment is archived when full or after this many seconds: the most a centre can lose when the disk is lost.
ARCHIVE_TIMEOUT="${ARCHIVE_TIMEOUT:-60}"

case "$BACKUP_DIR" in *\'*|*%*) printf '[backup] error: BACKUP_DIR must not contain a quote or %%: %s\n' "$BACKUP_DIR" >&2; exit 2 ;; esac

log() { printf '[backup] %s\n' "$*" >&2; }
die() { printf '[backup] error: %s\n' "$*" >&2; exit 1; }
need_url() { [ -n "${DATABASE_URL:-}" ] || die "DATABASE_URL is not set (eval \"\$(bash scripts/services.sh env)\" for the private cluster)"; }
sql() { "$PG_BIN/psql" -d "$DATABASE_URL" -v ON_ERROR_STOP=1 -tAqc "$1"; }

prepare_dirs() {
  mkdir -p "$BACKUP_DIR/base" "$BACKUP_DIR/wal"
  chmod 700 "$BACKUP_DIR"
  # The archive command runs as the server's user.
  if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then chown postgres:postgres "$BACKUP_DIR" "$BACKUP_DIR/wal" "$BACKUP_DIR/base"; fi
}

cmd_enable_archiving() {
  need_url; prepare_dirs
  local wal="$BACKUP_DIR/wal"
  # Never overwrite an archived segment (a second cluster pointed at the same folder must fail, not clobber);
  # write under a temporary name, flush it to disk, then rename, so a crash never leaves half a segment.
  # Gzipped: archive_timeout closes mostly empty 16 MB segments on a quiet night (one full of inserts: 2.6 MB).
  local command="test ! -f '$wal/%f.gz' && gzip -c '%p' > '$wal/%f.gz.part' && sync '$wal/%f.gz.part' && mv '$wal/%f.gz.part' '$wal/%f.gz'"
  sql "ALTER SYSTEM SET wal_level = 'replica'"
  sql "ALTER SYSTEM SET archive_mode = 'on'"
  sql "ALTER SYSTEM SET archive_command = \$\$${command}\$\$"
  sql "ALTER SYSTEM SET archive_timeout = '${ARCHIVE_TIMEOUT}s'"
  sql "SELECT pg_reload_conf()" >/dev/null
  if [ "$(sql "SHOW archive_mode")" != on ]; then
    log "archiving configured into $wal; restart PostgreSQL for archive_mode to take effect"
  else
    log "archiving into $wal (archive_timeout ${ARCHIVE_TIMEOUT}s)"
  fi
}

archived_upto() { sql "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver"; }

cmd_switch_wal() {
  need_url
  [ "$(sql "SHOW archive_mode")" = on ] || die "WAL archiving is off (bash scripts/backup.sh enable-archiving, then restart PostgreSQL)"
  local segment
  # pg_switch_wal returns the end of the segment it closed; an idle segment is not switched, so write one record first.
  segment=$(sql "SELECT pg_walfile_name(pg_switch_wal()) FROM (SELECT txid_current()) AS t")
  for _ in $(seq 1 600); do
    [ -f "$BACKUP_DIR/wal/$segment.gz" ] && { log "archived up to $segment"; echo "$segment"; return 0; }
    sleep 0.1
  done
  die "segment $segment not archived after 60 s (failed attempts: $(sql "SELECT failed_count || ' ' || coalesce(last_failed_wal, '') FROM pg_stat_archiver"))"
}

cmd_base() {
  need_url; prepare_dirs
  [ "$(sql "SHOW archive_mode")" = on ] || log "warning: WAL archiving is off: this backup restores only to its own end (enable-archiving)"
  local name dest
  name=$(date -u +%Y%m%dT%H%M%SZ)
  dest="$BACKUP_DIR/base/$name"
  [ -e "$dest" ] && die "$dest exists"
  # -X stream: the backup carries the WAL it needs, so it restores even without the archive.
  "$PG_BIN/pg_basebackup" -d "$DATABASE_URL" -D "$dest.partial" -Fp -X stream -c fast -l "dispatch120 $name" --no-password \
    || { rm -rf "$dest.partial"; die "pg_basebackup failed"; }
  # Every file against the manifest's checksums, and the WAL the backup needs parsed.
  PATH="$PG_BIN:$PATH" "$PG_BIN/pg_verifybackup" -q "$dest.partial" || { rm -rf "$dest.partial"; die "the backup failed verification; removed"; }
  mv "$dest.partial" "$dest"
  # Taken by root (by hand): the timer's runs, as postgres, must still be able to prune it.
  if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then chown -R postgres:postgres "$dest"; fi
  sync "$dest"
  log "base backup $dest verified ($(du -sh "$dest" | cut -f1))"
  prune
  echo "$dest"
}

prune() {
  local backups count oldest start
  mapfile -t backups < <(find "$BACKUP_DIR/base" -mindepth 1 -maxdepth 1 -type d -name '20*Z' | sort)
  count=${#backups[@]}
  if [ "$count" -gt "$BACKUP_KEEP" ]; then
    for old in "${backups[@]:0:$((count - BACKUP_KEEP))}"; do rm -rf "$old"; log "removed old base backup $old"; done
  fi
  find "$BACKUP_DIR/base" -mindepth 1 -maxdepth 1 -name '*.partial' -mmin +1440 -exec rm -rf {} + 2>/dev/null || true
  oldest=$(find "$BACKUP_DIR/base" -mindepth 1 -maxdepth 1 -type d -name '20*Z' | sort | head -1)
  [ -n "$oldest" ] || return 0
  # The archive is needed from the oldest kept backup's start onwards.
  start=$(sed -n 's/^START WAL LOCATION: .*(file \([0-9A-F]\{24\}\)).*$/\1/p' "$oldest/backup_label")
  [ -n "$start" ] && "$PG_BIN/pg_archivecleanup" -x .gz "$BACKUP_DIR/wal" "$start"
}

cmd_list() {
  find "$BACKUP_DIR/base" -mindepth 1 -maxdepth 1 -type d -name '20*Z' 2>/dev/null | sort
  echo "newest archived segment: $(find "$BACKUP_DIR/wal" -maxdepth 1 -name '[0-9A-F]*.gz' 2>/dev/null | sort | tail -1)"
  # What monitoring should watch: a growing failed count means the archive is falling behind.
  if [ -n "${DATABASE_URL:-}" ]; then
    echo "archiver: $(sql "SELECT format('%s archived, last %s at %s; %s failed, last %s at %s', archived_count, last_archived_wal, last_archived_time, failed_count, coalesce(last_failed_wal, 'none'), coalesce(last_failed_time::text, '-')) FROM pg_stat_archiver")"
  fi
}

case "${1:-base}" in
  enable-archiving) cmd_enable_archiving ;;
  base) cmd_base ;;
  switch-wal) cmd_switch_wal ;;
  list) cmd_list ;;
  *) echo "usage: bash scripts/backup.sh enable-archiving | base | switch-wal | list" >&2; exit 2 ;;
esac
