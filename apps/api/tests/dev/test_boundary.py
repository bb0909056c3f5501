"""The development tools stay out of the runtime. No runtime module imports chiron.dev (the
`runtime-knows-no-dev-tools` import contract); the two doors to them, the CLI and the app
factory, open them only inside a function; and where the package is absent (the production
image) both say so and carry on."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from importlib.abc import MetaPathFinder
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

import chiron
from chiron.app import create_app
from chiron.config import Environment, Settings

PACKAGE = Path(chiron.__file__).parent
DOORS = ("cli.py", "app.py")


def _dev_imports(path: Path) -> Iterator[tuple[int, bool]]:
    """(line, at module level) of each import of chiron.dev in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        if any(n == "chiron.dev" or n.startswith("chiron.dev.") for n in names):
            yield node.lineno, id(node) in top


def test_the_cli_and_the_app_factory_load_them_lazily() -> None:
    """Importing chiron.cli or chiron.app never loads chiron.dev: a module-level import
    would fail the production image at start."""
    imports = {door: list(_dev_imports(PACKAGE / door)) for door in DOORS}
    assert all(imports.values()), imports  # each door does open them...
    top_level = [f"{door}:{line}" for door, found in imports.items() for line, top in found if top]
    assert top_level == []  # ...inside a function only


class _Hide(MetaPathFinder):
    """Makes chiron.dev unimportable, as in the production image."""

    def find_spec(self, name: str, path: Any = None, target: ModuleType | None = None) -> None:
        if name == "chiron.dev" or name.startswith("chiron.dev."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


@pytest.fixture(scope="module")
def image_like(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The chiron package as the production image has it: everything but chiron/dev."""
    root = tmp_path_factory.mktemp("image")
    shutil.copytree(PACKAGE, root / "chiron", ignore=shutil.ignore_patterns("dev", "__pycache__"))
    return root


@pytest.mark.parametrize("argv", [["db", "seed"], ["simulate", "--token", "x", "--duration", "1"]])
def test_dev_commands_say_in_one_line_that_the_tools_are_absent(
    argv: list[str], image_like: Path, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHIRON_")}
    env["CHIRON_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'none.db'}"
    env["PYTHONPATH"] = str(image_like)  # ahead of the checkout's src/ on sys.path
    done = subprocess.run(
        [sys.executable, "-m", "chiron", *argv],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "chiron.dev" in lines[0]
    assert "production image" in lines[0]
    assert not (tmp_path / "none.db").exists()  # it did not touch the store


@pytest.fixture
def without_dev_tools(monkeypatch: pytest.MonkeyPatch) -> None:
    # Nor any process-wide telemetry from a development app inside the test process.
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    for name in [n for n in sys.modules if n == "chiron.dev" or n.startswith("chiron.dev.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "meta_path", [_Hide(), *sys.meta_path])


@pytest.mark.usefixtures("without_dev_tools")
async def test_the_app_runs_without_them_and_has_no_mock_sign_in(settings: Settings) -> None:
    development = settings.model_copy(
        update={"env": Environment.development, "seed_on_start": True}
    )
    application = create_app(development)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            assert (await client.get("/readyz")).status_code == 200
            minted = await client.post("/auth/dev/assertion", json={"email": "a@example.com"})
            assert minted.status_code == 404
            refused = await client.post("/auth/token", json={"assertion": "x.y.z"})
            assert refused.status_code in (401, 503)
    assert application.state.chiron.local_issuer is None
