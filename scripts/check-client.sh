#!/usr/bin/env bash
# Fails when packages/api-client differs from a fresh generation: exports the
# API's OpenAPI document and generates the client from it, both into a temp
# dir, and compares them with the committed openapi.json and src/generated/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/.tools/node_modules/.bin:$PATH"
PKG="$ROOT/packages/api-client"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "==> api-client: fresh OpenAPI export and generation (temp dir)"
(cd "$ROOT/apps/api" && OTEL_SDK_DISABLED=true .venv/bin/python -m chiron.openapi "$TMP/openapi.json") >"$TMP/export.log" 2>&1 ||
  { cat "$TMP/export.log"; echo "check-client: the OpenAPI export failed" >&2; exit 1; }
(cd "$PKG" && CHIRON_OPENAPI_INPUT="$TMP/openapi.json" CHIRON_CLIENT_OUTPUT="$TMP/generated" \
  pnpm exec openapi-ts) >"$TMP/generate.log" 2>&1 ||
  { cat "$TMP/generate.log"; echo "check-client: client generation failed" >&2; exit 1; }

status=0
if ! diff -u "$PKG/openapi.json" "$TMP/openapi.json" >"$TMP/openapi.diff"; then
  echo "check-client: packages/api-client/openapi.json differs from the API's current document:" >&2
  diff --brief "$PKG/openapi.json" "$TMP/openapi.json" >&2 || true
  head -n 40 "$TMP/openapi.diff" >&2
  status=1
fi
if ! diff -ruN "$PKG/src/generated" "$TMP/generated" >"$TMP/generated.diff"; then
  echo "check-client: packages/api-client/src/generated differs from a fresh generation:" >&2
  diff -rqN "$PKG/src/generated" "$TMP/generated" | sed "s|$TMP/|<fresh>/|g; s|$ROOT/||g" >&2 || true
  echo "($(grep -c '^[-+][^-+]' "$TMP/generated.diff" || true) changed lines)" >&2
  status=1
fi
if [ "$status" -ne 0 ]; then
  echo "check-client: FAILED. Fix: make client   (then commit packages/api-client)" >&2
  exit 1
fi
echo "check-client: openapi.json and src/generated match a fresh generation"
