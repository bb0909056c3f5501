#!/usr/bin/env bash
# Playwright e2e suite on the real stack, twice: embedded (SQLite + in-process bus), then
# PostgreSQL + Redis. Called by `make e2e` (after `make setup`). The suite starts the API and
# `next start` itself (apps/web/e2e/global-setup.ts); this script makes sure there is a browser,
# the services and a build, and says where the traces and screenshots of a failure are.
#   E2E_STORES="sqlite postgres" (default) picks the modes; extra arguments go to Playwright.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/.tools/node_modules/.bin:$PATH"
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
export CHROMIUM_PATH="$CHROMIUM"

# 1. A browser: Debian's Chromium (Playwright's own download does not work here).
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> e2e: installing Debian's chromium (apt-get install -y chromium)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
  fi
  if [ ! -x "$CHROMIUM" ]; then
    cat >&2 <<EOF
e2e: no Chromium at $CHROMIUM.
  Install Debian's Chromium as root:   apt-get install -y chromium
  or point CHROMIUM_PATH at a Chromium/Chrome binary.
  (\`playwright install\` cannot download browsers on this machine.)
EOF
    exit 1
  fi
fi

[ -x "$ROOT/apps/api/.venv/bin/chiron" ] || { echo "e2e: the API is not installed: run \`make setup-api\`" >&2; exit 1; }
command -v pnpm >/dev/null || { echo "e2e: pnpm is missing: run \`make setup-web\`" >&2; exit 1; }

STORES="${E2E_STORES:-sqlite postgres}"
if [[ " $STORES " == *" postgres "* ]]; then
  "$ROOT/scripts/ensure-services.sh" >/dev/null
fi

cd "$ROOT"
start=$SECONDS
# 2. Build once (turbo caches it); each store then runs Playwright against that build. The
#    arguments are the Makefile's WEB_BUILD (turbo's cache key includes them): `make test`'s
#    checks lane has built it already.
flock "$ROOT/.tools/web-build.lock" pnpm turbo run build --filter web --output-logs=errors-only -- --analyze
echo "==> e2e: web built in $((SECONDS - start)) s"

# 3. The stores one after the other (E2E_SIDE_BY_SIDE=1: side by side; each has its own stack,
#    free ports, store and results directory). On 2 cores two stacks and two Chromiums are
#    CPU-bound: side by side measured no faster (9.8 min against ~5 min per store alone) and
#    stretched the specs' waits, so the default is one at a time.
args=""
[ $# -eq 0 ] || args="$(printf '%q ' "$@")"
commands=()
for store in $STORES; do
  rm -rf "$ROOT/apps/web/test-results/e2e-$store"
  echo "==> e2e on $store (results in apps/web/test-results/e2e-$store)"
  commands+=("e2e-$store" "cd '$ROOT/apps/web' && E2E_STORE=$store pnpm exec playwright test $args")
done
status=0
export SIDE_BY_SIDE_LOGS="$ROOT/apps/web/test-results/logs"
if [ "${E2E_SIDE_BY_SIDE:-0}" = "1" ]; then
  "$ROOT/scripts/side-by-side.sh" "${commands[@]}" || status=1
else
  set -- "${commands[@]}"
  while [ $# -gt 0 ]; do
    "$ROOT/scripts/side-by-side.sh" "$1" "$2" || status=1
    shift 2
  done
fi
if [ "$status" -ne 0 ]; then
  for store in $STORES; do
    results="$ROOT/apps/web/test-results/e2e-$store"
    [ -d "$results/artifacts" ] || continue
    echo "    $store: traces, screenshots and error context: $results/artifacts" >&2
    echo "    $store: stack logs (API, next start):          $results/logs" >&2
  done
  echo "    open a trace: (cd apps/web && pnpm exec playwright show-trace <artifacts>/<test>/trace.zip)" >&2
fi
echo "==> e2e: total $((SECONDS - start)) s"
exit $status
