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
# 2. Build once (the turbo `e2e` task depends on `build`; each mode then runs it with --only so
#    the build is not redone or even re-hashed while someone edits the tree).
pnpm turbo run build --filter web --output-logs=errors-only
echo "==> e2e: web built in $((SECONDS - start)) s"

status=0
for store in $STORES; do
  results="$ROOT/apps/web/test-results/e2e-$store"
  rm -rf "$results"
  t=$SECONDS
  echo "==> e2e on $store (results in apps/web/test-results/e2e-$store)"
  if E2E_STORE="$store" pnpm turbo run e2e --filter web --only --output-logs=full --log-prefix=none -- "$@"; then
    echo "==> e2e on $store: passed in $((SECONDS - t)) s"
  else
    status=1
    echo "==> e2e on $store: FAILED after $((SECONDS - t)) s" >&2
    echo "    traces, screenshots and error context: $results/artifacts" >&2
    echo "    stack logs (API, next start):          $results/logs" >&2
    echo "    open a trace: (cd apps/web && pnpm exec playwright show-trace $results/artifacts/<test>/trace.zip)" >&2
  fi
done
echo "==> e2e: total $((SECONDS - start)) s"
exit $status
