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
import functools
import os
import re
from pathlib import Path

from tests.fixtures.cli import BIN, chiron_ok, run, serve
from tests.fixtures.stores import stream_key

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


async def test_fuzzing_the_openapi_document_finds_no_fault(
    store_url: str, redis_url: str | None, tmp_path: Path
) -> None:
    returncode, report = await fuzz(store_url, redis_url, tmp_path)
    assert returncode == 0, report[-12000:]
    # It really ran: every operation in the document but the stream was exercised, with at
    # least 500 generated requests, none of them failing.
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


async def fuzz(store_url: str, redis_url: str | None, tmp_path: Path) -> tuple[int, str]:
    """Seed a store, serve it, run Schemathesis against it: its exit code and report."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHIRON_", "OTEL_"))}
    env.update(
        CHIRON_ENV="development",
        CHIRON_DATABASE_URL=store_url,
        CHIRON_LOG_LEVEL="WARNING",
        CHIRON_STREAM_KEY=stream_key("chiron-fuzz"),
        OTEL_TRACES_EXPORTER="none",
    )
    if redis_url:
        env["CHIRON_REDIS_URL"] = redis_url
    cli = functools.partial(chiron_ok, env=env, cwd=tmp_path)
    await asyncio.to_thread(cli, "db", "upgrade")
    await asyncio.to_thread(cli, "db", "seed")
    scopes = ("--scope", "ingest", "--scope", "read", "--scope", "admin")
    created = await asyncio.to_thread(cli, "clients", "create", "fuzz", *scopes)
    key = next(line for line in created.split() if line.startswith("chiron_"))

    async with serve(env, tmp_path) as base:
        argv = [
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
            # One worker: with two threads, Hypothesis describing its filter lambdas calls
            # ast.parse in both at once, which on CPython 3.11 can fail with "SystemError: AST
            # constructor recursion depth mismatch" (python/cpython#106905): a Runtime Error in
            # the report and `assert 1 == 0` here, on a loaded machine. Two threads bought no
            # speed on 2 cores anyway (the GIL; the server under test shares the CPU).
            "--workers",
            "1",
            "--no-color",
        ]
        done = await asyncio.to_thread(
            functools.partial(run, argv, env=env, cwd=tmp_path, timeout=900)
        )

    report = done.stdout + done.stderr
    if done.returncode:
        report += "\n--- chiron serve, last lines ---\n" + await asyncio.to_thread(
            lambda: "".join(log.read_text()[-6000:] for log in tmp_path.glob("serve-*.log"))
        )
    return done.returncode, report
