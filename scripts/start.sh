#!/usr/bin/env bash
# The one command that runs the whole system (npm start): dependencies, private PostgreSQL + Redis,
# the console build, then the dispatch server with the demo county and its simulated fleet.
# Ctrl-C stops the server and the services this command started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash scripts/services.sh install
ensure_node_modules
ensure_services
trap stop_services_we_started EXIT
trap 'exit 130' INT TERM

if console_is_stale; then
  echo "[start] building the console" >&2
  npx vite build console --logLevel warn
fi

export DEMO="${DEMO:-1}"
export PORT="${PORT:-8120}"
npx tsx dispatch-server/src/main.ts
