"""Liveness and readiness."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from chiron.deps import StateDep

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


@router.get(
    "/readyz",
    response_model=Readiness,
    operation_id="health-ready",
    responses={503: {"model": Readiness, "description": "A dependency is down"}},
)
async def readyz(state: StateDep) -> Any:
    results = await asyncio.gather(_check("store", state.db.ping), _check("bus", state.bus.ping))
    checks = dict(results)
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
