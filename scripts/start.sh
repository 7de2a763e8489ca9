#!/usr/bin/env bash
# The one command that runs the whole system (npm start): dependencies, private PostgreSQL + Redis,
# the console build, then the dispatch server with the demo county and its simulated fleet.
#
# The server is supervised: when it dies (a crash, kill -9) it is started again after 1, 2, 4… s; after
# RESTART_TRIES restarts in a row (each run shorter than a minute) this command gives up, stops the
# simulator and the services it started, and exits 1. Ctrl-C (or SIGTERM) stops all of it and leaves
# nothing running. A production host uses systemd instead (deploy/systemd/, see the README).
#
#   DEMO=0                 no demo county, no simulated fleet
#   RESTART_TRIES=5        restarts before giving up
#   DISPATCH_SKIP_BUILD=1  serve the console and tablet builds as they are (tests)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RESTART_TRIES="${RESTART_TRIES:-5}"
SERVER_PID=''
SIM_PID=''
PAUSE_PID=''

# Stops the simulator and the server (SIGTERM, their clean shutdown; SIGKILL after 15 s) and waits for both.
# SIGTERM, not SIGINT: background jobs of a script start with SIGINT ignored, until node installs its handler.
stop_children() {
  local pids="$SIM_PID $SERVER_PID" pid
  if [ -n "$PAUSE_PID" ]; then kill "$PAUSE_PID" 2>/dev/null || true; fi
  for pid in $pids; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 150); do
    local alive=0
    for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in $pids; do
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
# A second Ctrl-C does not cut the clean-up short (it would leave processes behind); SIGKILL comes after 15 s anyway.
trap 'trap "" INT TERM; stop_children; stop_services_we_started' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bash scripts/services.sh install
ensure_node_modules
ensure_services

if [ "${DISPATCH_SKIP_BUILD:-0}" != 1 ]; then
  if console_is_stale; then
    echo "[start] building the console" >&2
    npx vite build console --logLevel warn
  fi
  if [ ! -f vehicle-agent/dist/index.html ] || [ -n "$(find vehicle-agent/src vehicle-agent/index.html vehicle-agent/vite.config.ts protocol/src -newer vehicle-agent/dist/index.html -print -quit 2>/dev/null)" ]; then
    echo "[start] building the crew tablet app" >&2
    npx vite build vehicle-agent --logLevel warn
  fi
fi

export DEMO="${DEMO:-1}"
export PORT="${PORT:-8120}"
HEALTH_HOST="${HOST:-127.0.0.1}"
[ "$HEALTH_HOST" = 0.0.0.0 ] && HEALTH_HOST=127.0.0.1
BASE_URL="http://$HEALTH_HOST:$PORT"

# node --import tsx, not npx tsx: one process per service, so its pid is the server's own and a kill -9
# of the server ends the `wait` below at once.
start_server() {
  node --import tsx dispatch-server/src/main.ts &
  SERVER_PID=$!
}

# The demo fleet drives once the server answers: every demo vehicle logs in as its crew (npm run simulate).
# It outlives server restarts: its crews reconnect by themselves.
start_simulator_when_up() {
  [ -n "$SIM_PID" ] && return 0
  case "$DEMO" in 1 | true | yes) ;; *) return 0 ;; esac
  until node -e "fetch('$BASE_URL/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; do
    kill -0 "$SERVER_PID" 2>/dev/null || return 0
    sleep 1
  done
  echo "[start] starting the simulated fleet (24 vehicles) and random calls (${DEMO_CALLS_PER_HOUR:-6} an hour; DEMO_CALLS_PER_HOUR=0 for none; a share DEMO_PHONE_SHARE=${DEMO_PHONE_SHARE:-0.5} rings the phone system, on 120-1 or Pingyao's PY-120-1)" >&2
  # Pingyao's line (demoNeighbour.ts) rings for half of the rung calls, from its villages: its dispatcher has calls too.
  node --import tsx vehicle-agent/src/simulator/simulateCli.ts --url "$BASE_URL" --vehicles 24 --calls-per-hour "${DEMO_CALLS_PER_HOUR:-6}" \
    --phone-share "${DEMO_PHONE_SHARE:-0.5}" --phone-line PY=PY-120-1 \
    --passwords "${DEMO_PASSWORDS_FILE:-.data/demo-logins.json}" --quiet &
  SIM_PID=$!
}

restarts=0
while true; do
  started_at=$SECONDS
  start_server
  start_simulator_when_up
  code=0
  wait "$SERVER_PID" || code=$?
  SERVER_PID=''
  # 0: it was asked to stop (SIGINT/SIGTERM sent to it alone); 2: bad configuration, a restart cannot help.
  if [ "$code" = 0 ]; then exit 0; fi
  if [ "$code" = 2 ]; then echo "[start] the server refused its configuration; stopping" >&2; exit 2; fi
  # A server that ran for a minute failed afresh: the count of restarts in a row starts again.
  if (( SECONDS - started_at >= 60 )); then restarts=0; fi
  if (( restarts >= RESTART_TRIES )); then
    echo "[start] the server died (exit $code) after $restarts restarts in a row; stopping everything" >&2
    exit 1
  fi
  delay=$(( 1 << restarts ))
  restarts=$(( restarts + 1 ))
  echo "[start] the server died (exit $code); restart $restarts of $RESTART_TRIES in ${delay} s" >&2
  # In the background so a Ctrl-C during the pause is handled at once.
  sleep "$delay" &
  PAUSE_PID=$!
  wait "$PAUSE_PID" || true
  PAUSE_PID=''
done
