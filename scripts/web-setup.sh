#!/usr/bin/env bash
# Installs the pinned pnpm (into ./.tools, gitignored) if missing and the web
# workspace's dependencies from the committed lockfile. Called by `make setup`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PNPM_VERSION="$(node -p "require('$ROOT/package.json').packageManager.split('@')[1]")"
TOOLS="$ROOT/.tools"
export PATH="$TOOLS/node_modules/.bin:$PATH"
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "web-setup: installing pnpm@$PNPM_VERSION into $TOOLS"
  # corepack fails signature checks here and newer pnpm refuses the pinned lock.
  npm i -E --no-save --no-audit --no-fund --prefix "$TOOLS" "pnpm@$PNPM_VERSION" >/dev/null
fi

cd "$ROOT"
pnpm install --frozen-lockfile
echo "web-setup: done (put $TOOLS/node_modules/.bin on PATH to use pnpm)"
