"""Cross-file checks for the deployment files that no single linter sees.

Run by scripts/check-deploy.sh with its tool venv (needs PyYAML). Each rule
names the file to fix; the exit status is the number of problems (capped).
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
problems: list[str] = []


def problem(message: str) -> None:
    if message not in problems:
        problems.append(message)


def read(rel: str) -> str:
    return (ROOT / rel).read_text(encoding="utf-8")


def env_example() -> tuple[set[str], set[str]]:
    """Names set in .env.example, and names only mentioned in comments (`# NAME=`)."""
    set_names, commented = set(), set()
    for line in read(".env.example").splitlines():
        if m := re.match(r"^([A-Z][A-Z0-9_]*)=", line):
            set_names.add(m.group(1))
        elif m := re.match(r"^#\s*([A-Z][A-Z0-9_]*)=", line):
            commented.add(m.group(1))
    return set_names, commented


def check_compose() -> None:
    text = read("docker-compose.yaml")
    compose = yaml.safe_load(text)
    services: dict = compose["services"]
    env_set, env_commented = env_example()

    # Interpolated variables: a required one (no default) must be set in .env.example,
    # an optional one must at least be mentioned there.
    for m in re.finditer(r"\$\{([A-Z][A-Z0-9_]*)(:?[-?+][^}]*)?\}", text):
        name, modifier = m.group(1), m.group(2) or ""
        if modifier.startswith((":-", "-")):
            if name not in env_set | env_commented:
                problem(f".env.example: mention {name} (docker-compose.yaml interpolates it)")
        elif name not in env_set:
            problem(f".env.example: set {name} (docker-compose.yaml needs it, no default)")

    for name, svc in services.items():
        build = svc.get("build")
        if isinstance(build, dict) and "dockerfile" in build:
            if not (ROOT / build.get("context", ".") / build["dockerfile"]).is_file():
                problem(f"docker-compose.yaml: {name}: missing {build['dockerfile']}")
        for volume in svc.get("volumes", []):
            source = volume.split(":", 1)[0] if isinstance(volume, str) else ""
            if source.startswith("./") and not (ROOT / source).exists():
                problem(f"docker-compose.yaml: {name}: bind mount source {source} missing")
        for dep, cond in (svc.get("depends_on") or {}).items() if isinstance(
            svc.get("depends_on"), dict
        ) else []:
            if cond.get("condition") == "service_healthy" and not has_healthcheck(services[dep]):
                problem(f"docker-compose.yaml: {name} waits for {dep} healthy, {dep} has no healthcheck")

    api = services["api"]
    if "ports" in api:
        problem("docker-compose.yaml: api publishes ports; replicas must sit behind the proxy")
    if "container_name" in api:
        problem("docker-compose.yaml: api sets container_name; that forbids replicas")
    if services["migrate"].get("command") != ["chiron", "db", "upgrade"]:
        problem("docker-compose.yaml: migrate must run `chiron db upgrade`")
    if api["depends_on"].get("migrate", {}).get("condition") != "service_completed_successfully":
        problem("docker-compose.yaml: api must wait for migrate to complete")


def has_healthcheck(svc: dict) -> bool:
    if "healthcheck" in svc:
        return not svc["healthcheck"].get("disable", False)
    build = svc.get("build")
    if isinstance(build, dict) and "dockerfile" in build:
        dockerfile = ROOT / build.get("context", ".") / build["dockerfile"]
        return dockerfile.is_file() and "\nHEALTHCHECK " in dockerfile.read_text()
    return False


def nginx_locations(text: str) -> dict[str, str]:
    """`location` header -> body, for a config without nested locations."""
    return {
        m.group(1).strip(): m.group(2)
        for m in re.finditer(r"location\s+([^{]+)\{([^}]*)\}", text)
    }


def check_nginx() -> None:
    locations = nginx_locations(read("deploy/nginx.conf"))
    stream = locations.get("= /api/v1/dashboard/stream")
    if stream is None:
        problem("deploy/nginx.conf: no `location = /api/v1/dashboard/stream`")
    else:
        for directive in (
            "proxy_pass http://chiron_api;",
            "proxy_buffering off;",
            "proxy_cache off;",
            "gzip off;",
            "proxy_read_timeout 1h;",
            "proxy_http_version 1.1;",
            'proxy_set_header Connection "";',
        ):
            if directive not in stream:
                problem(f"deploy/nginx.conf: stream location lacks `{directive}`")
    for loc in ("/api/", "/auth/", "= /healthz", "= /readyz", "/docs", "= /openapi.json"):
        if "proxy_pass http://chiron_api;" not in locations.get(loc, ""):
            problem(f"deploy/nginx.conf: `location {loc}` must proxy to chiron_api")
    if "proxy_pass http://chiron_web;" not in locations.get("/", ""):
        problem("deploy/nginx.conf: `location /` must proxy to chiron_web")


def matrix_rows(doc: str) -> dict[str, list[str]]:
    """Env matrix rows: variable -> its cells (variable, default, read by, prod, meaning)."""
    rows = {}
    for line in doc.splitlines():
        if m := re.match(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", line):
            rows[m.group(1)] = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip("|"))]
    return rows


def settings_fields() -> set[str] | None:
    """CHIRON_* names of the API's Settings fields, read from its source (no import)."""
    config = ROOT / "apps/api/src/chiron/config.py"
    if not config.is_file():
        return None
    tree = ast.parse(config.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "Settings":
            return {
                "CHIRON_" + stmt.target.id.upper()
                for stmt in node.body
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
            }
    problem("apps/api/src/chiron/config.py: no `class Settings` found")
    return None


def check_settings_matrix() -> None:
    """The env matrix matches the API's settings class field for field."""
    fields = settings_fields()
    if fields is None:
        print("note: no API settings yet; env matrix not compared with them")
        return
    rows = matrix_rows(read("docs/deployment.md"))
    api_rows = {
        name for name, cells in rows.items()
        if name.startswith("CHIRON_") and len(cells) > 2 and re.match(r"api\b", cells[2])
    }
    for name in sorted(fields - api_rows):
        problem(f"docs/deployment.md: env matrix lacks an `api` row for setting `{name}`")
    for name in sorted(api_rows - fields):
        problem(f"docs/deployment.md: `{name}` is read by api per the matrix, but Settings has no such field")


def check_web_matrix() -> None:
    """Every variable of the web's zod env schema has a row read by web."""
    env_ts = ROOT / "apps/web/src/lib/env.ts"
    if not env_ts.is_file():
        print("note: no apps/web/src/lib/env.ts yet; web env not compared")
        return
    names = set(re.findall(r"^\s+([A-Z][A-Z0-9_]+):\s*z\.", env_ts.read_text(encoding="utf-8"), flags=re.M))
    rows = matrix_rows(read("docs/deployment.md"))
    for name in sorted(names):
        cells = rows.get(name)
        if cells is None or len(cells) < 3 or not re.search(r"\bweb\b", cells[2]):
            problem(f"docs/deployment.md: env matrix lacks a `web` row for `{name}` (apps/web/src/lib/env.ts)")


def check_docs() -> None:
    """Every variable the stack sets or reads is a row of the env matrix."""
    doc = read("docs/deployment.md")
    documented = set(matrix_rows(doc))
    env_set, env_commented = env_example()
    wanted = {n for n in env_set | env_commented if n.startswith(("CHIRON_", "OTEL_", "POSTGRES_"))}
    compose = yaml.safe_load(read("docker-compose.yaml"))
    for svc in compose["services"].values():
        env = svc.get("environment") or {}
        wanted |= {n for n in env if n.startswith(("CHIRON_", "OTEL_", "NEXT_"))}
    for name in sorted(wanted - documented):
        problem(f"docs/deployment.md: env matrix lacks a row for `{name}`")


def check_vscode_and_make() -> None:
    tasks = json.loads(read(".vscode/tasks.json"))
    launch = json.loads(read(".vscode/launch.json"))
    labels = {t["label"] for t in tasks["tasks"]}
    for task in tasks["tasks"]:
        for dep in task.get("dependsOn", []):
            if dep not in labels:
                problem(f".vscode/tasks.json: {task['label']} depends on unknown task {dep!r}")
    names = {c["name"] for c in launch["configurations"]}
    for config in launch["configurations"] + launch.get("compounds", []):
        pre = config.get("preLaunchTask")
        if pre and pre not in labels:
            problem(f".vscode/launch.json: {config['name']}: unknown preLaunchTask {pre!r}")
    for compound in launch.get("compounds", []):
        for ref in compound["configurations"]:
            if ref not in names:
                problem(f".vscode/launch.json: compound {compound['name']}: unknown {ref!r}")

    # Once the Makefile exists, every `make X` used by CI and VS Code must be a target.
    makefile = ROOT / "Makefile"
    if not makefile.is_file():
        print("note: no Makefile yet; make targets not checked")
        return
    targets = set(re.findall(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", makefile.read_text(), flags=re.M))
    users = {
        ".github/workflows/ci.yml": read(".github/workflows/ci.yml"),
        ".vscode/tasks.json": read(".vscode/tasks.json"),
    }
    for rel, text in users.items():
        for target in sorted(set(re.findall(r"\bmake ([a-z][a-z0-9_-]*)", text))):
            if target not in targets:
                problem(f"{rel}: uses `make {target}`, not a Makefile target")


DEV_PACKAGE = "apps/api/src/chiron/dev/"


def check_api_image_has_no_dev_tools() -> None:
    """The production image leaves chiron.dev (seed, simulator, mock sign-in, receiver) out:
    its build context excludes the package after letting apps/api in, and no instruction
    of the Dockerfile names it."""
    ignore = [
        line.strip()
        for line in read("deploy/api.Dockerfile.dockerignore").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    excluded = [i for i, line in enumerate(ignore) if line.rstrip("/*") == DEV_PACKAGE.rstrip("/")]
    included = [i for i, line in enumerate(ignore) if line.startswith("!") and "apps/api" in line]
    if not excluded or (included and max(excluded) < max(included)):
        problem(
            f"deploy/api.Dockerfile.dockerignore: exclude {DEV_PACKAGE} (after !apps/api/), "
            "so the production image carries no development tools"
        )
    for number, line in enumerate(read("deploy/api.Dockerfile").splitlines(), 1):
        if not line.lstrip().startswith("#") and "chiron/dev" in line and "test ! -e" not in line:
            problem(f"deploy/api.Dockerfile:{number}: names the development tools ({line.strip()})")


def main() -> int:
    for check in (check_compose, check_nginx, check_docs, check_settings_matrix, check_web_matrix,
                  check_vscode_and_make, check_api_image_has_no_dev_tools):
        try:
            check()
        except (OSError, KeyError, TypeError, ValueError, yaml.YAMLError) as exc:
            problem(f"{check.__name__}: {type(exc).__name__}: {exc}")
    for message in problems:
        print(message)
    return min(len(problems), 100)


if __name__ == "__main__":
    sys.exit(main())
