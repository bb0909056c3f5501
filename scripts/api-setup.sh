#!/usr/bin/env bash
# Install uv (from PyPI) if missing, then the API's locked dependencies into apps/api/.venv.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v uv >/dev/null 2>&1; then
  if [ ! -x .tools/uv-venv/bin/uv ]; then
    echo "==> installing uv into .tools/uv-venv"
    python3 -m venv .tools/uv-venv
    .tools/uv-venv/bin/pip install -q "uv>=0.13,<0.14"
  fi
  export PATH="$PWD/.tools/uv-venv/bin:$PATH"
fi
echo "==> API dependencies (uv sync --frozen)"
(cd apps/api && uv sync --frozen --quiet)
