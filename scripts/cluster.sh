#!/usr/bin/env bash
# Several dispatch-server processes behind HAProxy on this machine, over the one PostgreSQL and Redis of
# scripts/services.sh: the process layout of the README's Deployment section, for development and tests.
#
#   bash scripts/cluster.sh start [N]   N processes (2) on ports CLUSTER_PORT+1…+N, HAProxy on CLUSTER_PORT (8100) and
#                                       HTTPS on CLUSTER_TLS_PORT (8443, a self-signed certificate made with openssl);
#                                       GPS units' OsmAnd TCP on OSMAND_PORT (5055), balanced to each process's own
#                                       OsmAnd port P+OSMAND_OFFSET (1000: 9101, 9102, …)
#   bash scripts/cluster.sh instance --port P [--roles web,realtime,workers,ingest]
#                                       one more process against the same services, in the foreground
#                                       (npm run start:instance -- --port 3002); add it to HAProxy with `add P`
#   bash scripts/cluster.sh add P       puts the process on port P behind the running HAProxy (config rewritten, reloaded),
#                                       and its OsmAnd port P+OSMAND_OFFSET when it listens
#   bash scripts/cluster.sh stop        stops what `start` started (by pid)
#   bash scripts/cluster.sh status
#
# The first process seeds the demo county (DEMO=0: none); every process runs web,realtime,workers,ingest. Everything
# of a run (pids, logs, haproxy.cfg, certificate) is in $DISPATCH_DATA_DIR/cluster.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CLUSTER_PORT="${CLUSTER_PORT:-8100}"
CLUSTER_TLS_PORT="${CLUSTER_TLS_PORT:-8443}"
# Where GPS units connect (HAProxy), and how far above its HTTP port each process opens its own OsmAnd port.
CLUSTER_OSMAND_PORT="${OSMAND_PORT:-5055}"
OSMAND_OFFSET="${OSMAND_OFFSET:-1000}"
HOST="${HOST:-127.0.0.1}"

log() { printf '[cluster] %s\n' "$*" >&2; }
die() { printf '[cluster] error: %s\n' "$*" >&2; exit 1; }

run_dir() {
  eval "$(bash scripts/services.sh env)"
  RUN="$DISPATCH_DATA_DIR/cluster"
  mkdir -p "$RUN"
}

healthy() { node -e "fetch('http://127.0.0.1:$1/api/health').then((r) => process.exit(r.status < 600 ? 0 : 1), () => process.exit(1))"; }

wait_healthy() { # wait_healthy PORT PID
  for _ in $(seq 240); do
    healthy "$1" && return 0
    kill -0 "$2" 2>/dev/null || die "the process on port $1 exited (log: $RUN/server-$1.log)"
    sleep 0.5
  done
  die "the process on port $1 did not answer within 2 minutes (log: $RUN/server-$1.log)"
}

# Writes haproxy.cfg from deploy/haproxy/haproxy.cfg.template for the ports listed in $RUN/ports ("port [osmand port]").
render_haproxy() {
  local servers='' osmand_servers='' port osmand
  while read -r port osmand; do
    servers+="server s$port 127.0.0.1:$port cookie s$port"$'\n    '
    if [ -n "$osmand" ]; then osmand_servers+="server s$port 127.0.0.1:$osmand"$'\n    '; fi
  done < "$RUN/ports"
  if [ ! -s "$RUN/tls.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=dispatch120 cluster (self-signed, tests only)" \
      -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$RUN/tls.key" -out "$RUN/tls.crt" 2>/dev/null
    cat "$RUN/tls.crt" "$RUN/tls.key" > "$RUN/tls.pem"
    chmod 600 "$RUN/tls.pem" "$RUN/tls.key"
  fi
  awk -v bind="$HOST:$CLUSTER_PORT" -v tls="bind $HOST:$CLUSTER_TLS_PORT ssl crt $RUN/tls.pem alpn http/1.1" \
      -v servers="$servers" -v run="$RUN" -v osmand_bind="$HOST:$CLUSTER_OSMAND_PORT" -v osmand_servers="$osmand_servers" \
      '{ gsub(/@BIND@/, bind); gsub(/@TLS@/, tls); gsub(/@RUN@/, run); gsub(/@SERVERS@/, servers);
         gsub(/@OSMAND_BIND@/, osmand_bind); gsub(/@OSMAND_SERVERS@/, osmand_servers); print }' \
      deploy/haproxy/haproxy.cfg.template > "$RUN/haproxy.cfg"
  haproxy -c -q -f "$RUN/haproxy.cfg" || die "haproxy rejected $RUN/haproxy.cfg"
}

start_haproxy() {
  local old=''
  [ -s "$RUN/haproxy.pid" ] && old="$(cat "$RUN/haproxy.pid")"
  # -sf: the new HAProxy takes over the ports and the old one finishes its connections, then exits.
  haproxy -D -f "$RUN/haproxy.cfg" -p "$RUN/haproxy.pid" ${old:+-sf "$old"}
}

# start_process PORT ROLES DEMO OSMAND_PORT: one server process in the background, its pid in $RUN/server-PORT.pid.
start_process() {
  PORT="$1" PROCESS_ROLES="$2" DEMO="$3" OSMAND_PORT="$4" HOST=127.0.0.1 \
    nohup node --import tsx dispatch-server/src/main.ts > "$RUN/server-$1.log" 2>&1 &
  echo $! > "$RUN/server-$1.pid"
  echo "$1 $4" >> "$RUN/ports"
}

cmd_start() {
  local n="${1:-2}" i port
  [[ "$n" =~ ^[1-9][0-9]?$ ]] || die "N must be a number of processes, e.g. 2"
  ensure_services
  run_dir
  [ -s "$RUN/ports" ] && die "a cluster runs already (bash scripts/cluster.sh stop)"
  : > "$RUN/ports"
  # The first one alone: it migrates the database and seeds the demo before the others start.
  start_process "$((CLUSTER_PORT + 1))" web,realtime,workers,ingest "${DEMO:-1}" "$((CLUSTER_PORT + 1 + OSMAND_OFFSET))"
  wait_healthy "$((CLUSTER_PORT + 1))" "$(cat "$RUN/server-$((CLUSTER_PORT + 1)).pid")"
  for i in $(seq 2 "$n"); do start_process "$((CLUSTER_PORT + i))" web,realtime,workers,ingest 0 "$((CLUSTER_PORT + i + OSMAND_OFFSET))"; done
  for i in $(seq 2 "$n"); do port=$((CLUSTER_PORT + i)); wait_healthy "$port" "$(cat "$RUN/server-$port.pid")"; done
  render_haproxy
  start_haproxy
  log "$n processes behind HAProxy: http://$HOST:$CLUSTER_PORT/ and https://$HOST:$CLUSTER_TLS_PORT/ (self-signed: $RUN/tls.crt); OsmAnd on $HOST:$CLUSTER_OSMAND_PORT"
  log "logs: $RUN/server-<port>.log; one more: npm run start:instance -- --port $((CLUSTER_PORT + n + 1)), then bash scripts/cluster.sh add $((CLUSTER_PORT + n + 1))"
}

cmd_instance() {
  local port='' roles='web,realtime,workers,ingest'
  while [ $# -gt 0 ]; do
    case "$1" in
      --port) port="${2:-}"; shift 2 ;;
      --roles) roles="${2:-}"; shift 2 ;;
      *) die "unknown option $1 (--port P [--roles web,realtime,workers,ingest])" ;;
    esac
  done
  [[ "$port" =~ ^[0-9]+$ ]] || die "--port P is required"
  ensure_services
  # exec: the process is this command's own (Ctrl-C and kill reach it); DEMO=0, the first process seeded.
  PORT="$port" PROCESS_ROLES="$roles" DEMO=0 OSMAND_PORT="$((port + OSMAND_OFFSET))" exec node --import tsx dispatch-server/src/main.ts
}

cmd_add() {
  local port="${1:-}"
  [[ "$port" =~ ^[0-9]+$ ]] || die "add P: the port of a running process"
  run_dir
  [ -s "$RUN/haproxy.pid" ] || die "no HAProxy runs (bash scripts/cluster.sh start)"
  healthy "$port" || die "nothing answers /api/health on port $port"
  local osmand=''
  # Its OsmAnd port when it runs `ingest` (cluster.sh instance opens it at P+OSMAND_OFFSET).
  if (exec 3<>"/dev/tcp/127.0.0.1/$((port + OSMAND_OFFSET))") 2>/dev/null; then osmand=$((port + OSMAND_OFFSET)); fi
  grep -q "^$port\( \|$\)" "$RUN/ports" || echo "$port $osmand" >> "$RUN/ports"
  render_haproxy
  start_haproxy
  log "port $port is behind HAProxy"
}

cmd_stop() {
  run_dir
  local f pid
  for f in "$RUN"/server-*.pid "$RUN/haproxy.pid"; do
    [ -s "$f" ] || continue
    pid="$(cat "$f")"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$f"
  done
  rm -f "$RUN/ports"
  log "stopped"
}

cmd_status() {
  run_dir
  local f pid
  for f in "$RUN"/server-*.pid "$RUN/haproxy.pid"; do
    [ -s "$f" ] || continue
    pid="$(cat "$f")"
    if kill -0 "$pid" 2>/dev/null; then echo "$(basename "$f" .pid): running (pid $pid)"; else echo "$(basename "$f" .pid): not running"; fi
  done
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  instance) shift; cmd_instance "$@" ;;
  add) shift; cmd_add "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
