#!/usr/bin/env bash
# The one test command (npm test): lint, type check, build the console, then every test against the
# real PostgreSQL/PostGIS/pgRouting, Redis and Chromium. Extra arguments go to vitest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash scripts/services.sh install --for-tests
ensure_node_modules
ensure_services
trap stop_services_we_started EXIT

echo "[test] lint" >&2
npx eslint . --max-warnings=0
echo "[test] tsc --noEmit" >&2
npx tsc --noEmit -p tsconfig.json
echo "[test] build console" >&2
npx vite build console --logLevel warn
echo "[test] vitest" >&2
npx vitest run "$@"
