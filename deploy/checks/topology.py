"""The compose topology, run as local processes: proves the compose wiring by running it.

    apps/api/.venv/bin/python deploy/checks/topology.py      (scripts/topology-test.sh)

No Docker engine runs here, so this reads `docker-compose.yaml` (and the Dockerfiles, the
collector config, nginx.conf and `.env.example` it depends on) and starts what it describes
on 127.0.0.1:

    compose service   here
    postgres          a fresh role + database on 127.0.0.1:5432 (created and dropped via psql)
    redis             127.0.0.1:6379 with a unique CHIRON_STREAM_KEY (deleted afterwards)
    otel-collector    an in-process OTLP/HTTP receiver (chiron.dev.receiver), free port
    migrate           compose's `command` with compose's migrate environment
    api x2            the image's CMD with compose's api environment, each on a free port
    web               `next start` on a free port with compose's web environment

Every process gets the environment compose would give its container (image ENV < env_file
`.env` = `.env.example` < `environment`, interpolated with `.env.example`) and nothing of
the caller's. The only changes are the ones a container network makes: a URL naming a
compose service (`postgres:5432`, `redis:6379`, `otel-collector:4318`, `api:8000`) is
rewritten to where that service listens here, and only if compose's port is the one the
service really listens on (per its Dockerfile, image or collector config); `0.0.0.0` binds
become 127.0.0.1; the stream key is made unique. POSTGRES_USER/PASSWORD/DB are set to the
fresh role and database, as an operator's `.env` would.

So the run fails when compose names a variable nothing reads, points a URL at a wrong
host or port, or health-checks a path the service does not answer. Each check prints `ok`
or `FAIL <reason>`; the exit status is 1 on any failure. Logs of the processes are kept in
a temporary directory (printed) when something fails.
"""

# ruff: noqa: S603, S607 - a test harness: it runs the commands compose and the images name
from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import yaml  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[2]
API_DIR = ROOT / "apps" / "api"
WEB_DIR = ROOT / "apps" / "web"
VENV_BIN = API_DIR / ".venv" / "bin"
sys.path.insert(0, str(API_DIR / "src"))

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (  # noqa: E402
    ExportTraceServiceRequest,
)

from chiron.config import Settings  # noqa: E402
from chiron.dev import receiver as otlp  # noqa: E402

COMPOSE_FILE = ROOT / "docker-compose.yaml"
PG_HOST, PG_PORT, PG_ADMIN = "127.0.0.1", 5432, "postgres"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# The images' standard ports (postgres:16-alpine, redis:7-alpine do not set others here).
IMAGE_PORTS = {"postgres": 5432, "redis": 6379}
SCHEME_PORTS = {"http": 80, "https": 443, "redis": 6379, "postgresql": 5432}
START_TIMEOUT_S = 40.0
DEADLINE_S = 90.0

# ---------------------------------------------------------------- reporting

results: list[tuple[str, bool, str]] = []


def report(name: str, ok: bool, reason: str = "") -> bool:
    """One check's line; `reason` (why it failed) is shown only on failure."""
    results.append((name, ok, reason))
    line = f"  {'ok  ' if ok else 'FAIL'}  {name}"
    if reason and not ok:
        line += "\n        " + reason.replace("\n", "\n        ")
    print(line, flush=True)
    return ok


def section(title: str) -> None:
    print(f"==> {title}", flush=True)


class Abort(Exception):
    """A failure that leaves nothing sensible to check after it."""


# ---------------------------------------------------------------- compose, Dockerfiles, dotenv


def parse_dotenv(path: Path) -> tuple[dict[str, str], set[str]]:
    """KEY=VALUE lines, and names only mentioned as `# KEY=` (documented, unset)."""
    values: dict[str, str] = {}
    commented: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$", line):
            raw = m.group(2).strip()
            if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
                raw = raw[1:-1]
            values[m.group(1)] = raw
        elif m := re.match(r"^\s*#\s*([A-Z][A-Z0-9_]*)=", line):
            commented.add(m.group(1))
    return values, commented


_INTERP = re.compile(
    r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-?+])?(?P<arg>[^}]*)\}"
    r"|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)"
)


def interpolate(text: str, variables: dict[str, str]) -> str:
    """Compose's interpolation: $$, ${X}, ${X:-d}, ${X-d}, ${X:?e}, ${X?e}, ${X:+r}, $X."""

    def sub(m: re.Match[str]) -> str:
        if m.group(0) == "$$":
            return "$"
        name = m.group("name") or m.group("bare")
        op, arg = m.group("op") or "", m.group("arg") or ""
        value = variables.get(name)
        empty = value is None or (op.startswith(":") and value == "")
        if op.endswith("-"):
            return arg if empty else value  # type: ignore[return-value]
        if op.endswith("?"):
            if empty:
                raise ValueError(f"${{{name}}} is required: {arg or 'unset'}")
            return value  # type: ignore[return-value]
        if op.endswith("+"):
            return "" if empty else arg
        return value or ""

    return _INTERP.sub(sub, text)


def interpolate_tree(node: Any, variables: dict[str, str]) -> Any:
    if isinstance(node, str):
        return interpolate(node, variables)
    if isinstance(node, list):
        return [interpolate_tree(v, variables) for v in node]
    if isinstance(node, dict):
        return {k: interpolate_tree(v, variables) for k, v in node.items()}
    return node


def interpolated_names(text: str) -> set[str]:
    return {
        m.group("name") or m.group("bare") for m in _INTERP.finditer(text) if m.group(0) != "$$"
    }


def env_mapping(env: Any) -> dict[str, str]:
    if env is None:
        return {}
    if isinstance(env, list):
        out = {}
        for item in env:
            key, _, value = str(item).partition("=")
            out[key] = value
        return out
    return {k: "" if v is None else str(v) for k, v in env.items()}


@dataclass
class Dockerfile:
    path: Path
    env: dict[str, str] = field(default_factory=dict)
    expose: list[int] = field(default_factory=list)
    cmd: list[str] = field(default_factory=list)
    healthcheck: list[str] = field(default_factory=list)
    healthcheck_timeout_s: float = 3.0


def parse_dockerfile(path: Path) -> Dockerfile:
    """The final stage's ENV, EXPOSE, CMD and HEALTHCHECK (exec forms)."""
    lines: list[str] = []
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.lstrip().startswith("#"):
            continue
        if raw.rstrip().endswith("\\"):
            pending += raw.rstrip()[:-1] + " "
            continue
        lines.append(pending + raw)
        pending = ""
    stages: list[list[str]] = [[]]
    for line in lines:
        if re.match(r"^\s*FROM\s", line, re.I):
            stages.append([])
        stages[-1].append(line.strip())
    df = Dockerfile(path)
    for line in stages[-1]:
        word, _, rest = line.partition(" ")
        word = word.upper()
        if word == "ENV":
            for token in shlex.split(rest):
                key, _, value = token.partition("=")
                df.env[key] = value
        elif word == "EXPOSE":
            df.expose += [int(p.split("/")[0]) for p in rest.split()]
        elif word == "CMD":
            df.cmd = json.loads(rest)
        elif word == "HEALTHCHECK":
            if m := re.search(r"--timeout=(\d+)s", rest):
                df.healthcheck_timeout_s = float(m.group(1))
            df.healthcheck = json.loads(rest[rest.index("CMD") + 3 :])
    return df


def port_after(argv: list[str], flag: str) -> int | None:
    for i, arg in enumerate(argv):
        if arg == flag and i + 1 < len(argv):
            return int(argv[i + 1])
        if arg.startswith(flag + "="):
            return int(arg.split("=", 1)[1])
    return None


def collector_http_port() -> int:
    config = yaml.safe_load((ROOT / "deploy/otel-collector.yaml").read_text(encoding="utf-8"))
    endpoint = config["receivers"]["otlp"]["protocols"]["http"]["endpoint"]
    return int(endpoint.rsplit(":", 1)[1])


def healthcheck_of(svc: dict[str, Any], image: Dockerfile | None) -> tuple[list[str], float, str]:
    """(argv, timeout, where) of a service's healthcheck: compose's own, else its image's."""
    hc = svc.get("healthcheck")
    if hc and not hc.get("disable"):
        test = hc["test"]
        timeout = float(str(hc.get("timeout", "3s")).rstrip("s"))
        if isinstance(test, str):
            return ["sh", "-c", test], timeout, "compose"
        if test[0] == "CMD-SHELL":
            return ["sh", "-c", test[1]], timeout, "compose"
        return list(test[1:]), timeout, "compose"
    if image and image.healthcheck:
        return list(image.healthcheck), image.healthcheck_timeout_s, image.path.name
    return [], 0.0, "none"


# ---------------------------------------------------------------- who reads a variable


def settings_env_names() -> set[str]:
    prefix = Settings.model_config.get("env_prefix", "")
    return {(prefix + name).upper() for name in Settings.model_fields}


def otel_sdk_env_names() -> set[str]:
    import opentelemetry.sdk.environment_variables as sdk_env

    return {v for k, v in vars(sdk_env).items() if k.startswith("OTEL_") and isinstance(v, str)}


def mentioned_in(name: str, paths: list[Path]) -> Path | None:
    for base in paths:
        files = [base] if base.is_file() else sorted(base.rglob("*")) if base.is_dir() else []
        for f in files:
            if f.suffix in {".py", ".ts", ".tsx", ".js", ".mjs", ".cjs"} and f.is_file():
                with contextlib.suppress(OSError, UnicodeDecodeError):
                    if name in f.read_text(encoding="utf-8"):
                        return f
    return None


def web_schema_names() -> set[str]:
    env_ts = WEB_DIR / "src/lib/env.ts"
    text = env_ts.read_text(encoding="utf-8") if env_ts.is_file() else ""
    return set(re.findall(r"^\s+([A-Z][A-Z0-9_]+):\s*z\.", text, flags=re.M))


def api_reader(name: str) -> str | None:
    if name.startswith("CHIRON_"):
        return "Settings" if name in settings_env_names() else None
    if name.startswith("OTEL_"):
        if name in otel_sdk_env_names():
            return "the OpenTelemetry SDK"
        hit = mentioned_in(name, [API_DIR / "src/chiron"])
        return str(hit.relative_to(ROOT)) if hit else None
    import uvicorn

    hit = mentioned_in(name, [API_DIR / "src/chiron", Path(uvicorn.__file__).parent])
    return str(hit.relative_to(ROOT) if hit.is_relative_to(ROOT) else hit.name) if hit else None


def web_reader(name: str) -> str | None:
    if name.startswith("CHIRON_") and name in web_schema_names():
        return "apps/web/src/lib/env.ts"
    modules = WEB_DIR / "node_modules"
    places = [
        WEB_DIR / "instrumentation.ts",
        WEB_DIR / "next.config.ts",
        WEB_DIR / "src",
        modules / "@vercel/otel/dist/node",
        modules / "next/dist/telemetry",
    ]
    hit = mentioned_in(name, places)
    if hit is None:
        return None
    return str(hit.resolve().relative_to(ROOT)) if hit.resolve().is_relative_to(ROOT) else str(hit)


# ---------------------------------------------------------------- processes


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def tail(self, lines: int = 25) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join("        | " + line for line in text[-lines:])


class Stack:
    def __init__(self) -> None:
        self.logdir = Path(tempfile.mkdtemp(prefix="chiron-topology-"))
        self.workdir = self.logdir / "work"  # the processes' cwd: no stray .env is read
        self.workdir.mkdir()
        self.procs: list[Proc] = []
        self.database: str | None = None
        self.role: str | None = None
        self.stream_key: str | None = None
        self.receiver: otlp.Receiver | None = None

    def spawn(self, name: str, argv: list[str], env: dict[str, str], cwd: Path) -> Proc:
        log = self.logdir / f"{name}.log"
        with log.open("ab") as out:
            popen = subprocess.Popen(
                argv,
                env=env,
                cwd=cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        proc = Proc(name, popen, log)
        self.procs.append(proc)
        return proc

    def stop(self, proc: Proc, grace_s: float = 5.0) -> None:
        if proc.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.popen.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.popen.wait(grace_s)
        # The whole group: `next start` forks next-server.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.popen.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.popen.wait(2)

    def cleanup(self) -> list[str]:
        problems: list[str] = []
        threads = [threading.Thread(target=self.stop, args=(p,)) for p in self.procs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if self.receiver is not None:
            self.receiver.shutdown()
            self.receiver.server_close()
        if self.database:
            out = psql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            if out.returncode:
                problems.append(f"drop database {self.database}: {out.stderr.strip()}")
        if self.role:
            out = psql(f'DROP ROLE IF EXISTS "{self.role}"')
            if out.returncode:
                problems.append(f"drop role {self.role}: {out.stderr.strip()}")
        if self.stream_key:
            try:
                import redis

                client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_timeout=3)
                client.delete(self.stream_key)
                client.close()
            except Exception as exc:  # noqa: BLE001 - reported, cleanup goes on
                problems.append(f"delete stream {self.stream_key}: {exc}")
        return problems


def psql(sql: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            "psql",
            "-h",
            PG_HOST,
            "-p",
            str(PG_PORT),
            "-U",
            PG_ADMIN,
            "-d",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
            "-q",
            "-c",
            sql,
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={**os.environ, "PGCONNECT_TIMEOUT": "5"},
    )


def wait_http(url: str, proc: Proc, timeout_s: float, ok: Callable[[int], bool]) -> str | None:
    """None once `url` answers with an acceptable status; else why not."""
    deadline = time.monotonic() + timeout_s
    last = "no answer"
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            return f"{proc.name} exited with {proc.popen.returncode}:\n{proc.tail()}"
        try:
            status = httpx.get(url, timeout=2).status_code
            if ok(status):
                return None
            last = f"HTTP {status}"
        except httpx.HTTPError as exc:
            last = type(exc).__name__
        time.sleep(0.2)
    return f"{url}: {last} after {timeout_s:.0f} s:\n{proc.tail()}"


# ---------------------------------------------------------------- the OTLP receiver


class Collector(otlp.Receiver):
    """The project's receiver, also keeping each span's resource attributes."""

    def __init__(self) -> None:
        self.sink = open(os.devnull, "w")  # noqa: SIM115 - closed in server_close
        super().__init__(("127.0.0.1", 0), self.sink, as_json=True)
        self.resources: list[dict[str, Any]] = []

    def emit(self, request: Any) -> None:
        if isinstance(request, ExportTraceServiceRequest):
            with self.lock:
                for rs in request.resource_spans:
                    attrs = otlp._attributes(rs.resource.attributes)
                    count = sum(len(ss.spans) for ss in rs.scope_spans)
                    self.resources.append({**attrs, "_spans": count})
        super().emit(request)

    def server_close(self) -> None:
        super().server_close()
        self.sink.close()

    def spans_from(self, service: str) -> list[dict[str, Any]]:
        with self.lock:
            return [r for r in self.received if r["signal"] == "span" and r["service"] == service]


# ---------------------------------------------------------------- the run


@dataclass
class Wiring:
    compose: dict[str, Any]
    api_image: Dockerfile
    web_image: Dockerfile
    hosts: dict[tuple[str, int], str]  # (compose service, port) -> host:port here
    api_env: dict[str, str] = field(default_factory=dict)
    migrate_env: dict[str, str] = field(default_factory=dict)
    web_env: dict[str, str] = field(default_factory=dict)


_URL = re.compile(
    r"(?P<scheme>[a-z][a-z0-9+.-]*)://(?P<user>[^@/\s]*@)?(?P<host>[A-Za-z0-9_.-]+)(?::(?P<port>\d+))?"
)


def localize(value: str, hosts: dict[tuple[str, int], str], services: set[str], where: str) -> str:
    """Rewrite URLs naming a compose service to where it listens here; a wrong port fails."""

    def sub(m: re.Match[str]) -> str:
        host = m.group("host")
        if host == "0.0.0.0":  # noqa: S104 - a bind address, made loopback here
            return m.group(0).replace("0.0.0.0", "127.0.0.1")  # noqa: S104
        if host not in services:
            return m.group(0)
        scheme = m.group("scheme").split("+")[0]
        port = int(m.group("port") or SCHEME_PORTS.get(scheme, 0))
        target = hosts.get((host, port))
        if target is None:
            listening = sorted(p for s, p in hosts if s == host)
            raise ValueError(
                f"{where}: {m.group(0)} names service `{host}` on port {port}, "
                f"but {host} listens on {listening or 'nothing reachable'}"
            )
        return f"{m.group('scheme')}://{m.group('user') or ''}{target}"

    return _URL.sub(sub, value)


def container_env(
    compose: dict[str, Any], name: str, image: Dockerfile, dotenv: dict[str, str]
) -> dict[str, str]:
    """What compose gives the container: image ENV < env_file < environment."""
    svc = compose["services"][name]
    env = {k: v for k, v in image.env.items() if k != "PATH"}
    files = svc.get("env_file") or []
    for entry in [files] if isinstance(files, (str, dict)) else files:
        path = entry["path"] if isinstance(entry, dict) else entry
        # `cp .env.example .env` is the documented setup: .env here is the example.
        env.update(dotenv if Path(path).name == ".env" else parse_dotenv(ROOT / path)[0])
    env.update(env_mapping(svc.get("environment")))
    return env


def run(stack: Stack, started: float) -> None:
    section(f"compose wiring ({COMPOSE_FILE.name}, Dockerfiles, .env.example, collector, nginx)")
    compose_text = COMPOSE_FILE.read_text(encoding="utf-8")
    dotenv, commented = parse_dotenv(ROOT / ".env.example")
    raw = yaml.safe_load(compose_text)
    services = set(raw["services"])
    for needed in ("api", "migrate", "web", "postgres", "redis", "otel-collector"):
        if needed not in services:
            raise Abort(f"docker-compose.yaml has no `{needed}` service")

    tag = secrets.token_hex(4)
    stack.role = f"chiron_topo_{tag}"
    stack.database = f"chiron_topo_{tag}"
    password = secrets.token_urlsafe(18)
    variables = {
        **dotenv,
        "POSTGRES_USER": stack.role,
        "POSTGRES_PASSWORD": password,
        "POSTGRES_DB": stack.database,
    }
    try:
        compose = interpolate_tree(raw, variables)
        report("compose interpolates with .env.example", True)
    except ValueError as exc:
        report("compose interpolates with .env.example", False, str(exc))
        raise Abort("cannot interpolate docker-compose.yaml") from None

    def image_of(name: str) -> Dockerfile:
        build = compose["services"][name].get("build") or {}
        return parse_dockerfile(ROOT / build.get("context", ".") / build["dockerfile"])

    api_image, web_image = image_of("api"), image_of("web")
    api_port = port_after(api_image.cmd, "--port")
    web_port = int(web_image.env.get("PORT", "0")) or None
    otlp_port = collector_http_port()

    ports_ok = True
    for svc, port, image in (("api", api_port, api_image), ("web", web_port, web_image)):
        exposed = [int(str(p).split("/")[0]) for p in compose["services"][svc].get("expose", [])]
        if port is None:
            ports_ok = report(
                f"{svc} port", False, f"cannot tell {svc}'s port from {image.path.name}"
            )
        elif port not in image.expose or (exposed and port not in exposed):
            ports_ok = report(
                f"{svc} port {port}",
                False,
                f"{image.path.name} listens on {port}; "
                f"EXPOSE {image.expose}, compose expose {exposed}",
            )
    if ports_ok:
        report(
            f"ports agree: api {api_port}, web {web_port}, collector OTLP/HTTP {otlp_port}", True
        )

    stack.receiver = Collector()
    threading.Thread(target=stack.receiver.serve_forever, daemon=True).start()
    receiver_port = stack.receiver.server_port
    port_a, port_b, port_web = free_port(), free_port(), free_port()
    hosts = {
        ("postgres", IMAGE_PORTS["postgres"]): f"{PG_HOST}:{PG_PORT}",
        ("redis", IMAGE_PORTS["redis"]): f"{REDIS_HOST}:{REDIS_PORT}",
        ("otel-collector", otlp_port): f"127.0.0.1:{receiver_port}",
        ("api", api_port or -1): f"127.0.0.1:{port_a}",  # the web talks to replica A
        ("web", web_port or -1): f"127.0.0.1:{port_web}",
    }
    wiring = Wiring(compose, api_image, web_image, hosts)

    # nginx upstreams name services and ports too.
    nginx = (ROOT / "deploy/nginx.conf").read_text(encoding="utf-8")
    upstream_errors = []
    for host, port in re.findall(r"^\s*server\s+([A-Za-z0-9_.-]+):(\d+)", nginx, flags=re.M):
        try:
            localize(f"http://{host}:{port}", hosts, services, "deploy/nginx.conf upstream")
        except ValueError as exc:
            upstream_errors.append(str(exc))
    report(
        "nginx upstreams point at the services' ports",
        not upstream_errors,
        "; ".join(upstream_errors),
    )

    # Environments, with the service URLs moved to 127.0.0.1.
    envs: dict[str, dict[str, str]] = {}
    url_errors = []
    for name, image in (("api", api_image), ("migrate", api_image), ("web", web_image)):
        env = container_env(compose, name, image, dotenv)
        for var, text in list(env.items()):
            try:
                env[var] = localize(text, hosts, services, f"{name}: {var}")
            except ValueError as exc:
                url_errors.append(str(exc))
        envs[name] = env
    report(
        "service URLs in api/migrate/web env name a service on its real port",
        not url_errors,
        "\n".join(url_errors),
    )
    if url_errors:
        raise Abort("the compose URLs cannot be mapped")

    # Names: everything compose hands a service must be read by it. Names of `.env` that
    # compose itself interpolates (POSTGRES_*, GRAFANA_*, ports, images) are compose's.
    compose_only = interpolated_names(compose_text)
    unread = []
    for name in ("api", "migrate"):
        svc = raw["services"][name]
        names = set(env_mapping(svc.get("environment")))
        if svc.get("env_file"):
            names |= (set(dotenv) | commented) - compose_only
        for var in sorted(names):
            if api_reader(var) is None:
                unread.append(f"{name}: {var}")
    for var in sorted(env_mapping(raw["services"]["web"].get("environment"))):
        if web_reader(var) is None:
            unread.append(f"web: {var}")
    report(
        "every variable compose gives api/migrate/web is read by it",
        not unread,
        "nothing reads " + ", ".join(unread),
    )

    # The process-level differences from the containers.
    stack.stream_key = f"telemetry:topology:{tag}"
    for name in ("api", "migrate"):
        envs[name]["CHIRON_STREAM_KEY"] = stack.stream_key
    wiring.api_env, wiring.migrate_env, wiring.web_env = envs["api"], envs["migrate"], envs["web"]
    base = {
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108
        "LANG": os.environ.get("LANG", "C.UTF-8"),
    }
    if "TMPDIR" in os.environ:
        base["TMPDIR"] = os.environ["TMPDIR"]
    api_env = {**base, **wiring.api_env}
    web_env = {**base, **wiring.web_env, "HOSTNAME": "127.0.0.1", "PORT": str(port_web)}
    web_env["PATH"] = os.environ.get("PATH", "/usr/bin:/bin")

    # ------------------------------------------------------------ processes
    section("starting: postgres db, migrate, 2 api replicas, web, OTLP receiver")
    web_cmd = [
        str(WEB_DIR / "node_modules/.bin/next"),
        "start",
        "--hostname",
        "127.0.0.1",
        "--port",
        str(port_web),
    ]
    web = stack.spawn("web", web_cmd, web_env, WEB_DIR)  # boots while the store is prepared

    out = psql(f"CREATE ROLE \"{stack.role}\" LOGIN PASSWORD '{password}'")
    if out.returncode == 0:
        out = psql(f'CREATE DATABASE "{stack.database}" OWNER "{stack.role}"')
    if not report(
        f"fresh database {stack.database} (role {stack.role})",
        out.returncode == 0,
        out.stderr.strip(),
    ):
        raise Abort("no database")

    migrate_cmd = compose["services"]["migrate"]["command"]
    t = time.monotonic()
    mig = subprocess.run(
        migrate_cmd,
        env={**base, **wiring.migrate_env},
        cwd=stack.workdir,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if not report(
        f"migrate: `{' '.join(migrate_cmd)}`, compose's migrate env ({time.monotonic() - t:.1f} s)",
        mig.returncode == 0,
        (mig.stdout + mig.stderr)[-1500:],
    ):
        raise Abort("migrations failed")

    replicas = {}
    for label, port in (("A", port_a), ("B", port_b)):
        argv = [
            "127.0.0.1" if a == "0.0.0.0" else str(port) if a == str(api_port) else a  # noqa: S104
            for a in api_image.cmd
        ]
        replicas[label] = (stack.spawn(f"api-{label}", argv, api_env, stack.workdir), port)
    for label, (proc, port) in replicas.items():
        err = wait_http(
            f"http://127.0.0.1:{port}/healthz", proc, START_TIMEOUT_S, lambda s: s < 500
        )
        if not report(f"api replica {label} up on 127.0.0.1:{port}", err is None, err or ""):
            raise Abort(f"replica {label} did not start")

    # ------------------------------------------------------------ health
    section("health, as compose checks it")
    hc_argv, hc_timeout, hc_where = healthcheck_of(compose["services"]["api"], api_image)
    for label, (_proc, port) in replicas.items():
        if not hc_argv:
            report(f"replica {label} healthcheck", False, "compose and the api image define none")
            continue
        ok, why = run_healthcheck(hc_argv, hc_timeout, api_port, port)
        report(f"replica {label} healthcheck ({hc_where}: {health_path(hc_argv)})", ok, why)
        try:
            ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
            checks = ready.json().get("checks", {})
            good = (
                ready.status_code == 200
                and checks.get("store") == "ok"
                and checks.get("bus") == "ok"
            )
            report(
                f"replica {label} /readyz: store and bus ok",
                good,
                f"HTTP {ready.status_code} {ready.text[:300]}",
            )
        except (httpx.HTTPError, ValueError) as exc:
            report(f"replica {label} /readyz", False, repr(exc))

    # nginx routes these to the API: each must exist there.
    openapi = httpx.get(f"http://127.0.0.1:{port_a}/openapi.json", timeout=5).json()
    api_paths = list(openapi.get("paths", {}))
    missing = []
    for loc, body in re.findall(r"location\s+([^{]+)\{([^}]*)\}", nginx):
        if "proxy_pass http://chiron_api" not in body:
            continue
        loc = loc.strip()
        exact = loc.startswith("= ")
        path = loc[2:].strip() if exact else loc
        known = path in api_paths if exact else any(p.startswith(path) for p in api_paths)
        if (
            not known
            and httpx.get(f"http://127.0.0.1:{port_a}{path}", timeout=5).status_code == 404
        ):
            missing.append(loc)
    report(
        "every nginx location routed to the API exists on it",
        not missing,
        f"404 on the API: {missing}",
    )

    # ------------------------------------------------------------ key, ingest, fan-out
    section("ingest on replica A, stream and summary on replica B")
    key_cmd = [
        "chiron",
        "clients",
        "create",
        f"topology-{tag}",
        "--scope",
        "ingest",
        "--scope",
        "read",
    ]
    out = subprocess.run(
        key_cmd,
        env=api_env,
        cwd=stack.workdir,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    key = next((w for w in out.stdout.split() if w.startswith("chiron_")), None)
    if not report(
        "`chiron clients create … --scope ingest --scope read`",
        out.returncode == 0 and key is not None,
        (out.stdout + out.stderr)[-800:],
    ):
        raise Abort("no API key")
    auth = {"Authorization": f"Bearer {key}"}
    source, metric = f"topology-{tag}", "topology.check"
    value = round(secrets.randbelow(1_000_000) / 1000 + 1, 3)

    b = f"http://127.0.0.1:{port_b}"
    cursor = (
        httpx.get(f"{b}/api/v1/dashboard/summary", headers=auth, timeout=5)
        .json()
        .get("last_event_id")
    )
    got_event, why = stream_and_ingest(
        f"http://127.0.0.1:{port_a}",
        b,
        auth,
        cursor,
        {"source": source, "metric": metric, "value": value},
    )
    report(f"SSE on replica B receives the sample ingested on replica A ({value})", got_event, why)

    summary = httpx.get(f"{b}/api/v1/dashboard/summary", headers=auth, timeout=5)
    seen = (
        [
            m
            for m in summary.json().get("metrics", [])
            if m.get("source") == source and m.get("metric") == metric
        ]
        if summary.status_code == 200
        else []
    )
    report(
        "summary via replica B shows the value",
        bool(seen) and seen[0].get("value") == value,
        f"HTTP {summary.status_code}; {seen or 'no such metric'}",
    )

    # ------------------------------------------------------------ web
    section("web (next start) with compose's web environment")
    err = wait_http(
        f"http://127.0.0.1:{port_web}/",
        web,
        max(5.0, 45 - (time.monotonic() - started)),
        lambda s: s < 500,
    )
    if report(f"web up on 127.0.0.1:{port_web}", err is None, err or ""):
        w_argv, w_timeout, w_where = healthcheck_of(compose["services"]["web"], web_image)
        if w_argv:
            ok, why = run_healthcheck(w_argv, w_timeout, web_port, port_web)
            report(f"web healthcheck ({w_where}: {health_path(w_argv)})", ok, why)
        else:
            report("web healthcheck", False, "compose and the web image define none")
        proxied = httpx.get(
            f"http://127.0.0.1:{port_web}/api/v1/dashboard/summary", headers=auth, timeout=10
        )
        has_value = (
            any(m.get("source") == source for m in proxied.json().get("metrics", []))
            if proxied.status_code == 200
            else False
        )
        report(
            "web /api/v1/dashboard/summary (bearer) -> CHIRON_API_URL: 200 with the sample",
            proxied.status_code == 200 and has_value,
            f"HTTP {proxied.status_code} {proxied.text[:300]}",
        )

    # ------------------------------------------------------------ telemetry
    section("OTLP export (OTEL_* from compose) to the receiver")
    exporters = {}
    for name, env in (("api", wiring.api_env), ("web", wiring.web_env)):
        otel_name = env.get("OTEL_SERVICE_NAME", "")
        if report(
            f"{name}: compose sets OTEL_SERVICE_NAME and OTEL_EXPORTER_OTLP_ENDPOINT",
            bool(otel_name and env.get("OTEL_EXPORTER_OTLP_ENDPOINT")),
            f"OTEL_SERVICE_NAME={otel_name!r} "
            f"OTEL_EXPORTER_OTLP_ENDPOINT={env.get('OTEL_EXPORTER_OTLP_ENDPOINT')!r}",
        ):
            exporters[name] = otel_name
    # The SDKs batch (the API's BatchSpanProcessor waits up to 5 s): poll for both.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not all(
        stack.receiver.spans_from(s) for s in exporters.values()
    ):
        time.sleep(0.25)
    for name, service in exporters.items():
        spans = stack.receiver.spans_from(service)
        report(
            f"{name}: receiver got spans from `{service}`" + (f" ({len(spans)})" if spans else ""),
            bool(spans),
            f"none within 15 s (received from: {services_seen(stack.receiver)})",
        )
    wanted = dict(
        kv.split("=", 1)
        for kv in wiring.api_env.get("OTEL_RESOURCE_ATTRIBUTES", "").split(",")
        if "=" in kv
    )
    api_service = exporters.get("api")
    if api_service and wanted and stack.receiver.spans_from(api_service):
        resources = [r for r in stack.receiver.resources if r.get("service.name") == api_service]
        ok = bool(resources) and all(
            all(r.get(k) == v for k, v in wanted.items()) for r in resources
        )
        report(
            "api: span resources carry OTEL_RESOURCE_ATTRIBUTES ("
            + ", ".join(f"{k}={v}" for k, v in wanted.items())
            + ")",
            ok,
            f"resources: {[{k: r.get(k) for k in wanted} for r in resources[:3]]}",
        )


def services_seen(rec: otlp.Receiver) -> str:
    with rec.lock:
        return ", ".join(sorted({r["service"] for r in rec.received})) or "nothing"


def health_path(argv: list[str]) -> str:
    m = re.search(r"https?://[^'\"\s)]+", " ".join(argv))
    return urlsplit(m.group(0)).path if m else " ".join(argv)[:60]


def run_healthcheck(
    argv: list[str], timeout_s: float, container_port: int | None, port: int
) -> tuple[bool, str]:
    """The healthcheck command itself, aimed at this process's port instead of the container's."""
    local = []
    for arg in argv:
        if container_port:
            arg = re.sub(rf"(127\.0\.0\.1|localhost):{container_port}\b", f"127.0.0.1:{port}", arg)
        local.append(arg)
    if local and local[0] == "python":
        local[0] = str(VENV_BIN / "python")
    elif local and local[0] == "node":
        local[0] = shutil.which("node") or "node"
    try:
        out = subprocess.run(
            local, capture_output=True, text=True, timeout=timeout_s + 5, check=False
        )
    except subprocess.TimeoutExpired:
        return False, f"timed out after {timeout_s + 5:.0f} s: {local}"
    last = (out.stdout + out.stderr).strip().splitlines()[-3:]
    return out.returncode == 0, f"exit {out.returncode}: " + " / ".join(x.strip() for x in last)


def stream_and_ingest(
    a: str, b: str, auth: dict[str, str], cursor: str | None, sample: dict[str, Any]
) -> tuple[bool, str]:
    """Open B's stream (from the summary's cursor), ingest on A, read until the sample shows."""
    headers = {**auth, "Accept": "text/event-stream"}
    if cursor:
        headers["Last-Event-ID"] = cursor
    seen: list[str] = []
    timeout = httpx.Timeout(10.0, read=10.0)
    try:
        with (
            httpx.Client(timeout=timeout) as client,
            client.stream("GET", f"{b}/api/v1/dashboard/stream", headers=headers) as resp,
        ):
            if resp.status_code != 200:
                resp.read()
                return False, f"stream: HTTP {resp.status_code} {resp.text[:300]}"
            ctype = resp.headers.get("content-type", "")
            if not ctype.startswith("text/event-stream"):
                return False, f"stream content-type {ctype!r}"
            posted = httpx.post(
                f"{a}/api/v1/dashboard/samples",
                json={"samples": [sample]},
                headers=auth,
                timeout=10,
            )
            if posted.status_code != 202:
                return False, f"ingest on A: HTTP {posted.status_code} {posted.text[:300]}"
            deadline = time.monotonic() + 10
            event, data = "message", []
            for line in resp.iter_lines():
                if time.monotonic() > deadline:
                    break
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
                elif line == "" and data:
                    seen.append(event)
                    payload = json.loads("\n".join(data))
                    if event == "samples" and any(
                        s.get("source") == sample["source"] and s.get("value") == sample["value"]
                        for s in payload.get("samples", [])
                    ):
                        return True, ""
                    event, data = "message", []
    except httpx.HTTPError as exc:
        return False, f"{type(exc).__name__} after events {seen}"
    return False, f"not within 10 s; events seen: {seen}"


@contextlib.contextmanager
def terminate_on_signals() -> Iterator[None]:
    def raise_exit(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    previous = {s: signal.signal(s, raise_exit) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def main(argv: list[str] | None = None) -> int:
    global COMPOSE_FILE
    import argparse

    parser = argparse.ArgumentParser(description="Run the compose topology as local processes.")
    parser.add_argument(
        "--compose",
        type=Path,
        default=COMPOSE_FILE,
        help="compose file to read (default: docker-compose.yaml; paths stay repository-relative)",
    )
    COMPOSE_FILE = parser.parse_args(argv).compose.resolve()
    started = time.monotonic()
    print("topology: the compose stack as local processes on 127.0.0.1", flush=True)
    stack = Stack()
    aborted = None
    with terminate_on_signals():
        try:
            run(stack, started)
        except Abort as exc:
            aborted = str(exc)
        except (Exception, KeyboardInterrupt, SystemExit) as exc:  # noqa: BLE001 - reported, then cleaned up
            aborted = f"{type(exc).__name__}: {exc}"
            stopped = isinstance(exc, (KeyboardInterrupt, SystemExit))
            report("interrupted" if stopped else "unexpected error", False, aborted)
        finally:
            section("cleanup")
            problems = stack.cleanup()
            report(
                "processes stopped, database, role and stream key removed",
                not problems,
                "; ".join(problems),
            )
    failed = [name for name, ok, _ in results if not ok]
    elapsed = time.monotonic() - started
    if elapsed > DEADLINE_S:
        failed.append(f"took {elapsed:.0f} s (budget {DEADLINE_S:.0f} s)")
    if failed:
        if aborted:
            print(f"stopped early: {aborted}")
        for proc in stack.procs:
            print(f"--- {proc.name} log tail ({proc.log})\n{proc.tail(15)}")
        print(
            f"topology: FAILED ({len(failed)}: {'; '.join(failed)}) in {elapsed:.1f} s; "
            f"logs in {stack.logdir}"
        )
        return 1
    shutil.rmtree(stack.logdir, ignore_errors=True)
    print(f"topology: {len(results)} checks passed in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
