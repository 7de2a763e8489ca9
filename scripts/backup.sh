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
# BACKUP_COPY_TO (optional) copies every archived segment and every base backup off the machine, in the same layout
# (base/, wal/): a folder on another machine's disk mounted here (cp), or user@host:/path (rsync over ssh, with the
# `postgres` user's key; or BACKUP_SSH_CONFIG, an ssh_config file readable by `postgres` naming the other machine's
# host, port, user, key and known_hosts, so the copy does not depend on a home folder). The archive command carries
# both: run enable-archiving again after changing them (no restart).
# A segment whose copy fails is still archived here (the primary must not stop because the other machine is away);
# the next base backup copies what is missing and fails loudly if it cannot. Restore from the copy with
# BACKUP_DIR=<the copy> scripts/restore.sh latest.
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/dispatch120}"
BACKUP_KEEP="${BACKUP_KEEP:-7}"
# A segment is archived when full or after this many seconds: the most a centre can lose when the disk is lost.
ARCHIVE_TIMEOUT="${ARCHIVE_TIMEOUT:-60}"

BACKUP_COPY_TO="${BACKUP_COPY_TO:-}"
BACKUP_SSH_CONFIG="${BACKUP_SSH_CONFIG:-}"

case "$BACKUP_DIR" in *\'*|*%*) printf '[backup] error: BACKUP_DIR must not contain a quote or %%: %s\n' "$BACKUP_DIR" >&2; exit 2 ;; esac
for setting in BACKUP_COPY_TO BACKUP_SSH_CONFIG; do
  case "${!setting}" in *\'*|*%*|*\$*|*\\*|*\"*|*\ *) printf '[backup] error: %s must not contain a quote, %%, $, \\ or a space: %s\n' "$setting" "${!setting}" >&2; exit 2 ;; esac
done

log() { printf '[backup] %s\n' "$*" >&2; }
die() { printf '[backup] error: %s\n' "$*" >&2; exit 1; }
need_url() { [ -n "${DATABASE_URL:-}" ] || die "DATABASE_URL is not set (eval \"\$(bash scripts/services.sh env)\" for the private cluster)"; }
sql() { "$PG_BIN/psql" -d "$DATABASE_URL" -v ON_ERROR_STOP=1 -tAqc "$1"; }

# user@host:/path (rsync over ssh) rather than a folder of this machine (a mounted disk of another one).
remote_copy() { [[ "$BACKUP_COPY_TO" =~ ^[^/:]+:. ]]; }
# Never a password prompt in the archive command: a missing key fails the copy, and PostgreSQL retries it.
RSYNC_SSH="ssh${BACKUP_SSH_CONFIG:+ -F $BACKUP_SSH_CONFIG} -o BatchMode=yes -o ConnectTimeout=10"
# --mkpath: the other machine's folders are made by the first copy, whichever it is; --fsync: what is copied is on its
# disk before the copy counts (rsync 3.2.4 or later on both machines).
RSYNC=(rsync -t --mkpath --fsync -e "$RSYNC_SSH")

prepare_dirs() {
  mkdir -p "$BACKUP_DIR/base" "$BACKUP_DIR/wal"
  chmod 700 "$BACKUP_DIR"
  # The archive command runs as the server's user.
  if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then chown postgres:postgres "$BACKUP_DIR" "$BACKUP_DIR/wal" "$BACKUP_DIR/base"; fi
  [ -n "$BACKUP_COPY_TO" ] || return 0
  if remote_copy; then
    command -v rsync >/dev/null || die "BACKUP_COPY_TO=$BACKUP_COPY_TO needs rsync (apt-get install rsync, here and there)"
    return 0
  fi
  [[ "$BACKUP_COPY_TO" = /* ]] || die "BACKUP_COPY_TO: an absolute folder (a mounted disk) or user@host:/path"
  mkdir -p "$BACKUP_COPY_TO/base" "$BACKUP_COPY_TO/wal"
  chmod 700 "$BACKUP_COPY_TO"
  if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then chown postgres:postgres "$BACKUP_COPY_TO" "$BACKUP_COPY_TO/wal" "$BACKUP_COPY_TO/base"; fi
}

# The archive command's second half: the segment just archived here, copied to BACKUP_COPY_TO (flushed, then renamed
# into place, so the copy never holds half a segment either). Its failure does not fail the archiving.
copy_command() {
  if remote_copy; then
    echo " && { ${RSYNC[*]:0:4} -e '$RSYNC_SSH' \"\$W\" '$BACKUP_COPY_TO/wal/' || true; }"
  else
    echo "; C='$BACKUP_COPY_TO/wal/%f.gz'; test -f \"\$C\" || { cp \"\$W\" \"\$C.part\" && sync \"\$C.part\" && mv \"\$C.part\" \"\$C\"; } || true"
  fi
}

cmd_enable_archiving() {
  need_url; prepare_dirs
  local wal="$BACKUP_DIR/wal"
  # Never overwrite an archived segment (a second cluster pointed at the same folder must fail, not clobber);
  # write under a temporary name, flush it to disk, then rename, so a crash never leaves half a segment.
  # Gzipped: archive_timeout closes mostly empty 16 MB segments on a quiet night (one full of inserts: 2.6 MB).
  # A segment archived here before a crash is tried again by PostgreSQL: found here with the same content, that is
  # success; with other content (another cluster's), the command fails as before.
  # Each path once, in a shell variable: PostgreSQL cuts the command, once %f and %p are filled in, at 1,023 bytes.
  local command="W='$wal/%f.gz'; { test ! -f \"\$W\" && gzip -c '%p' > \"\$W.part\" && sync \"\$W.part\" && mv \"\$W.part\" \"\$W\" || gunzip -c \"\$W\" | cmp -s - '%p'; }"
  if [ -n "$BACKUP_COPY_TO" ]; then
    # The copy runs only once this archive has the segment; its own failure does not fail the command.
    if remote_copy; then command+="$(copy_command)"; else command="{ $command; } || exit 1$(copy_command)"; fi
  fi
  local filled="${command//%f/000000010000000000000001.00000028.backup}"
  filled="${filled//%p/pg_wal/000000010000000000000001.00000028.backup}"
  [ "${#filled}" -le 1023 ] || die "the archive command would be ${#filled} bytes, PostgreSQL takes 1,023: shorter BACKUP_DIR or BACKUP_COPY_TO"
  sql "ALTER SYSTEM SET wal_level = 'replica'"
  sql "ALTER SYSTEM SET archive_mode = 'on'"
  sql "ALTER SYSTEM SET archive_command = \$\$${command}\$\$"
  sql "ALTER SYSTEM SET archive_timeout = '${ARCHIVE_TIMEOUT}s'"
  sql "SELECT pg_reload_conf()" >/dev/null
  if [ "$(sql "SHOW archive_mode")" != on ]; then
    log "archiving configured into $wal; restart PostgreSQL for archive_mode to take effect"
  else
    log "archiving into $wal${BACKUP_COPY_TO:+, copied to $BACKUP_COPY_TO/wal} (archive_timeout ${ARCHIVE_TIMEOUT}s)"
  fi
}

# Puts the base backup $1 (a folder of $BACKUP_DIR/base) into the copy too, and prunes the copy as this archive was.
copy_base() {
  [ -n "$BACKUP_COPY_TO" ] || return 0
  local name; name=$(basename "$1")
  if remote_copy; then
    # Mirrors: the segments a failed copy missed are sent, the pruned ones removed there too.
    "${RSYNC[@]}" -a --delete "$BACKUP_DIR/base/" "$BACKUP_COPY_TO/base/" || die "copying $name to $BACKUP_COPY_TO failed"
    "${RSYNC[@]}" -a --delete --exclude '*.part' "$BACKUP_DIR/wal/" "$BACKUP_COPY_TO/wal/" || die "copying the WAL archive to $BACKUP_COPY_TO failed"
  else
    local there="$BACKUP_COPY_TO/base/$name" segment target
    rm -rf "$there.partial"
    cp -a "$1" "$there.partial" && sync "$there.partial" && mv "$there.partial" "$there" || die "copying $name to $BACKUP_COPY_TO failed"
    # The segments whose copy failed when they were archived.
    for segment in "$BACKUP_DIR"/wal/*.gz; do
      [ -f "$segment" ] || continue
      target="$BACKUP_COPY_TO/wal/$(basename "$segment")"
      [ -f "$target" ] && continue
      cp -p "$segment" "$target.part" && sync "$target.part" && mv "$target.part" "$target" || die "copying $segment to $BACKUP_COPY_TO failed"
      log "copied $(basename "$segment"), missed when it was archived"
    done
    # The copy keeps what this folder keeps: the same base backups, the archive from the oldest one's start.
    local copied
    for copied in "$BACKUP_COPY_TO"/base/20*Z; do [ -d "$BACKUP_DIR/base/$(basename "$copied")" ] || rm -rf "$copied"; done
    local oldest start
    oldest=$(find "$BACKUP_DIR/base" -mindepth 1 -maxdepth 1 -type d -name '20*Z' | sort | head -1)
    start=$(sed -n 's/^START WAL LOCATION: .*(file \([0-9A-F]\{24\}\)).*$/\1/p' "$oldest/backup_label")
    [ -n "$start" ] && "$PG_BIN/pg_archivecleanup" -x .gz "$BACKUP_COPY_TO/wal" "$start"
  fi
  log "copied $name to $BACKUP_COPY_TO/base"
}

archived_upto() { sql "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver"; }

cmd_switch_wal() {
  need_url
  [ "$(sql "SHOW archive_mode")" = on ] || die "WAL archiving is off (bash scripts/backup.sh enable-archiving, then restart PostgreSQL)"
  local segment
  # pg_switch_wal returns the end of the segment it closed; an idle segment is not switched, so write one record first.
  segment=$(sql "SELECT pg_walfile_name(pg_switch_wal()) FROM (SELECT txid_current()) AS t")
  for _ in $(seq 1 600); do
    # The archive command has finished (its copy over ssh too: sent, or failed and left to the next base backup); a
    # folder copy is checked as well. WAL file names of one timeline order as text.
    [ -f "$BACKUP_DIR/wal/$segment.gz" ] && [[ ! "$(archived_upto)" < "$segment" ]] \
      && { [ -z "$BACKUP_COPY_TO" ] || remote_copy || [ -f "$BACKUP_COPY_TO/wal/$segment.gz" ]; } \
      && { log "archived up to $segment${BACKUP_COPY_TO:+ and copied}"; echo "$segment"; return 0; }
    sleep 0.1
  done
  die "segment $segment not archived${BACKUP_COPY_TO:+ (or not copied to $BACKUP_COPY_TO)} after 60 s (failed attempts: $(sql "SELECT failed_count || ' ' || coalesce(last_failed_wal, '') FROM pg_stat_archiver"))"
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
  copy_base "$dest"
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
  if [ -n "$BACKUP_COPY_TO" ] && ! remote_copy; then
    echo "copy: $(find "$BACKUP_COPY_TO/base" -mindepth 1 -maxdepth 1 -type d -name '20*Z' 2>/dev/null | sort | tail -1 | xargs -r basename) newest base backup, $(find "$BACKUP_COPY_TO/wal" -maxdepth 1 -name '[0-9A-F]*.gz' 2>/dev/null | sort | tail -1 | xargs -r basename) newest segment"
  fi
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
