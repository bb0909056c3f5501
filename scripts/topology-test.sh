#!/usr/bin/env bash
# The compose topology as local processes on 127.0.0.1 (deploy/checks/topology.py): a fresh
# PostgreSQL database, Redis, `chiron db upgrade`, two API replicas, the web app and an OTLP
# receiver, wired with the environment, ports and healthchecks docker-compose.yaml gives the
# containers. Needs what `make setup` installs (apps/api/.venv, node_modules) and PostgreSQL +
# Redis on their standard ports (`make services`); builds the web app if it has no build.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/.tools/node_modules/.bin:$PATH"
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1
PY="$ROOT/apps/api/.venv/bin/python"

[ -x "$PY" ] || { echo "topology: apps/api/.venv is missing: run \`make setup-api\`" >&2; exit 2; }
[ -x "$ROOT/apps/web/node_modules/.bin/next" ] || { echo "topology: web dependencies are missing: run \`make setup-web\`" >&2; exit 2; }
if ! pg_isready -q -h 127.0.0.1 -p 5432 || ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "topology: PostgreSQL (127.0.0.1:5432) or Redis (127.0.0.1:6379) is not answering: run \`make services\`" >&2
  exit 2
fi

# Another `next build` holds .next/lock while it writes .next: wait for it rather than race it.
for _ in $(seq 1 120); do [ -e "$ROOT/apps/web/.next/lock" ] || break; sleep 1; done
if [ ! -f "$ROOT/apps/web/.next/BUILD_ID" ]; then
  echo "==> topology: building the web app (pnpm turbo run build --filter web)"
  (cd "$ROOT" && pnpm turbo run build --filter web --output-logs=errors-only)
fi

exec "$PY" "$ROOT/deploy/checks/topology.py" "$@"
