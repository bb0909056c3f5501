"""The import contracts in `.importlinter` hold, and each one fails on a deliberate
violation (a copy of the package with one offending import added): a contract that cannot
fail protects nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

API = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")

# contract id -> (file under src/chiron, the offending line added to it)
VIOLATIONS = {
    "infrastructure-knows-no-domain": ("kit/time.py", "import chiron.gates.rules"),
    "no-web-framework-below-the-edge": ("gates/service.py", "import fastapi"),
    "sql-only-in-repositories": ("timeline/service.py", "import sqlalchemy"),
    "bus-only-through-the-unit-of-work": (
        "gates/service.py",
        "from chiron.stream.publisher import publish_all",
    ),
    "domain-layers": ("timeline/service.py", "import chiron.telemetry.service"),
    "runtime-knows-no-dev-tools": ("auth/assertions.py", "import chiron.dev.issuer"),
}


def _lint(root: Path, *contracts: str) -> subprocess.CompletedProcess[str]:
    selected = [arg for contract in contracts for arg in ("--contract", contract)]
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(
        [str(LINT), "--no-cache", *selected, str(root / ".importlinter")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "api"
    shutil.copytree(API / "src" / "chiron", root / "src" / "chiron")
    shutil.copy(API / ".importlinter", root / ".importlinter")
    return root


def test_the_code_keeps_every_contract(tmp_path: Path) -> None:
    result = _lint(_copy(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
    assert f"{len(VIOLATIONS)} kept" in result.stdout


@pytest.mark.parametrize("contract", sorted(VIOLATIONS))
def test_a_deliberate_violation_breaks_the_contract(tmp_path: Path, contract: str) -> None:
    root = _copy(tmp_path)
    relative, line = VIOLATIONS[contract]
    target = root / "src" / "chiron" / relative
    target.write_text(target.read_text() + f"\n{line}  # deliberate violation\n")
    result = _lint(root, contract)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
    assert "deliberate" not in result.stderr  # it failed on the contract, not on a syntax error
