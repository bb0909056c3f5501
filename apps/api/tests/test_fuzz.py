"""The API under a fuzzer, the way a user would point one at it: Schemathesis reads
`/openapi.json` from a real `chiron serve` process (seeded, development mode, so the mock
issuer's endpoints are in the document too) and sends what the document allows and what it
does not, with a key holding every scope, then stateful sequences built from its links.

Checked on every response: never a 5xx; the status, content type, headers and body are
what the document declares; a request outside the schema is refused; an operation that
declares auth refuses a request without it. Not checked: `positive_data_acceptance`,
because some refusals are business rules a JSON schema cannot state (device times within
the clock window, a series range of at most 5 years, critical beyond warn, an opaque
cursor); each is a 422 in the error shape, which the other checks still verify. The SSE
stream is left out (a valid request never ends); tests/stream covers it.

FUZZ_EXAMPLES (examples per operation) and FUZZ_SEED vary the run; a failure prints the
seed and a `curl` to reproduce it.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import time
from pathlib import Path

import httpx

from tests.fixtures.cli import BIN, chiron, run
from tests.stream.helpers import free_port

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "missing_required_header",
    "unsupported_method",
    "ignored_auth",
    "use_after_free",
    "ensure_resource_availability",
)


def chiron_ok(*args: str, env: dict[str, str], cwd: Path) -> str:
    done = chiron(*args, env=env, cwd=cwd)
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


async def test_fuzzing_the_openapi_document_finds_no_fault(
    store_url: str, redis_url: str | None, tmp_path: Path
) -> None:
    returncode, report = await asyncio.to_thread(fuzz, store_url, redis_url, tmp_path)
    assert returncode == 0, report[-12000:]
    # It really ran: every operation in the document but the stream was exercised, with a
    # few thousand generated requests, none of them failing.
    selected = re.search(r"Selected: (\d+)/(\d+)", report)
    tested = re.search(r"Tested: (\d+)", report)
    generated = re.search(r"(\d+) generated", report)
    assert selected, report[-4000:]
    assert tested, report[-4000:]
    assert generated, report[-4000:]
    assert int(selected.group(2)) >= 15
    assert int(selected.group(1)) == int(selected.group(2)) - 1
    assert int(tested.group(1)) == int(selected.group(1)), report[-4000:]
    assert int(generated.group(1)) >= 500, report[-4000:]


def fuzz(store_url: str, redis_url: str | None, tmp_path: Path) -> tuple[int, str]:
    """Seed a store, serve it, run Schemathesis against it: its exit code and report."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHIRON_", "OTEL_"))}
    env.update(
        CHIRON_ENV="development",
        CHIRON_DATABASE_URL=store_url,
        CHIRON_LOG_LEVEL="WARNING",
        CHIRON_STREAM_KEY=f"chiron-fuzz:{tmp_path.name}",
        OTEL_TRACES_EXPORTER="none",
    )
    if redis_url:
        env["CHIRON_REDIS_URL"] = redis_url
    chiron_ok("db", "upgrade", env=env, cwd=tmp_path)
    chiron_ok("db", "seed", env=env, cwd=tmp_path)
    created = chiron_ok(
        "clients",
        "create",
        "fuzz",
        "--scope",
        "ingest",
        "--scope",
        "read",
        "--scope",
        "admin",
        env=env,
        cwd=tmp_path,
    )
    key = next(line for line in created.split() if line.startswith("chiron_"))

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(BIN / "chiron"), "serve", "--port", str(port)],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert server.poll() is None, log.read_text()[-4000:]
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            raise AssertionError("chiron serve was not ready in 60 s")

        done = run(
            [
                str(BIN / "st"),
                "run",
                f"{base}/openapi.json",
                "--header",
                f"Authorization: Bearer {key}",
                "--checks",
                ",".join(CHECKS),
                "--exclude-path-regex",
                "/stream$",
                "--max-examples",
                os.environ.get("FUZZ_EXAMPLES", "40"),
                "--seed",
                os.environ.get("FUZZ_SEED", "20261127"),
                "--request-timeout",
                "15",
                "--workers",
                "2",
                "--no-color",
            ],
            env=env,
            cwd=tmp_path,
            timeout=900,
        )
    finally:
        server.terminate()
        server.wait(15)

    report = done.stdout + done.stderr
    if done.returncode:
        report += "\n--- chiron serve, last lines ---\n" + log.read_text()[-6000:]
    return done.returncode, report
