# Shared by start.sh and test.sh: make sure dependencies and services are there.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"

ensure_node_modules() {
  # npm ci only when the lock file changed since the last install: a second start stays fast.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "[setup] installing npm dependencies (npm ci)" >&2
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# Starts the private services unless they run already; remembers whether this script started them.
STARTED_SERVICES=0
ensure_services() {
  if [ -z "${DATABASE_URL:-}" ] || [ -z "${REDIS_URL:-}" ]; then
    if ! bash scripts/services.sh running 2>/dev/null; then STARTED_SERVICES=1; fi
  fi
  bash scripts/services.sh start
  eval "$(bash scripts/services.sh env)"
}

stop_services_we_started() {
  if [ "$STARTED_SERVICES" = 1 ]; then bash scripts/services.sh stop; fi
}

console_is_stale() {
  [ ! -f console/dist/index.html ] && return 0
  [ -n "$(find console/src console/index.html console/vite.config.ts protocol/src -newer console/dist/index.html -print -quit 2>/dev/null)" ]
}
