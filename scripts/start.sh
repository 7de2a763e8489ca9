#!/usr/bin/env bash
# The one command that runs the whole system (npm start): dependencies, private PostgreSQL + Redis,
# the console build, then the dispatch server with the demo county and its simulated fleet.
# Ctrl-C stops the server and the services this command started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash scripts/services.sh install
ensure_node_modules
ensure_services
SERVER_PID=''
SIM_PID=''
# Ctrl-C reaches the server and the simulator too; wait for both to finish before the services stop.
stop_children() {
  for pid in $SIM_PID $SERVER_PID; do kill -INT "$pid" 2>/dev/null || true; done
  for pid in $SIM_PID $SERVER_PID; do wait "$pid" 2>/dev/null || true; done
}
trap 'stop_children; stop_services_we_started' EXIT
trap 'exit 130' INT TERM

if console_is_stale; then
  echo "[start] building the console" >&2
  npx vite build console --logLevel warn
fi

if [ ! -f vehicle-agent/dist/index.html ] || [ -n "$(find vehicle-agent/src vehicle-agent/index.html vehicle-agent/vite.config.ts protocol/src -newer vehicle-agent/dist/index.html -print -quit 2>/dev/null)" ]; then
  echo "[start] building the crew tablet app" >&2
  npx vite build vehicle-agent --logLevel warn
fi

export DEMO="${DEMO:-1}"
export PORT="${PORT:-8120}"
npx tsx dispatch-server/src/main.ts &
SERVER_PID=$!

# The demo fleet drives once the server answers: every demo vehicle logs in as its crew (npm run simulate).
if [ "$DEMO" = 1 ] || [ "$DEMO" = true ] || [ "$DEMO" = yes ]; then
  HEALTH_HOST="${HOST:-127.0.0.1}"
  [ "$HEALTH_HOST" = 0.0.0.0 ] && HEALTH_HOST=127.0.0.1
  BASE_URL="http://$HEALTH_HOST:$PORT"
  until node -e "fetch('$BASE_URL/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 1
  done
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "[start] starting the simulated fleet (24 vehicles) and random calls (${DEMO_CALLS_PER_HOUR:-6} an hour; DEMO_CALLS_PER_HOUR=0 for none)" >&2
    npx tsx vehicle-agent/src/simulator/simulateCli.ts --url "$BASE_URL" --vehicles 24 --calls-per-hour "${DEMO_CALLS_PER_HOUR:-6}" --quiet &
    SIM_PID=$!
  fi
fi
wait "$SERVER_PID"
