"""Liveness and readiness."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.engine import make_url

from chiron.deps import StateDep
from chiron.state import AppState

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    checks: dict[str, str]


@router.get("/healthz", response_model=Health, operation_id="health-live")
async def healthz() -> Health:
    return Health(status="ok")


async def _check(name: str, probe: Any) -> tuple[str, str]:
    try:
        await asyncio.wait_for(probe(), timeout=2.0)
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return name, f"down: {type(exc).__name__}"
    return name, "ok"


# Below this much free space the embedded store cannot be trusted to take a batch.
MIN_FREE_BYTES = 1024 * 1024


def _disk_problem(state: AppState) -> str | None:
    """On SQLite the store is a file here: a full or read-only filesystem means every write
    fails while reads still work. (A PostgreSQL server's disk is its own: a refused write
    is seen through `StoreWrites`.)"""
    if not state.db.is_sqlite:
        return None
    database = make_url(state.settings.database_url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    try:
        fs = os.statvfs(Path(database).resolve().parent)
    except OSError as exc:
        return f"down: {type(exc).__name__}"
    if fs.f_flag & os.ST_RDONLY:
        return "down: read-only filesystem"
    if fs.f_bavail * fs.f_frsize < MIN_FREE_BYTES:
        return "down: disk full"
    return None


@router.get(
    "/readyz",
    response_model=Readiness,
    operation_id="health-ready",
    responses={503: {"model": Readiness, "description": "A dependency is down"}},
)
async def readyz(state: StateDep) -> Any:
    results = await asyncio.gather(_check("store", state.db.ping), _check("bus", state.bus.ping))
    checks = dict(results)
    if checks["store"] == "ok":
        checks["store"] = state.store_writes.problem() or _disk_problem(state) or "ok"
    failing = [name for name, result in checks.items() if result != "ok"]
    if failing:
        body = {
            "status": "unavailable",
            "checks": checks,
            "error": {
                "code": "not_ready",
                "message": f"Not ready: {', '.join(failing)} unavailable",
                "details": {"failing": failing},
            },
        }
        return JSONResponse(body, status_code=503, headers={"Retry-After": "5"})
    return Readiness(status="ok", checks=checks)
