"""What the app factory adds outside production when the development tools are present:
the mock issuer (its routes and the verifier's trust in it) and the seed on first start."""

from __future__ import annotations

from fastapi import FastAPI

from chiron.auth.assertions import mock_issuer_enabled
from chiron.dev.endpoints import router
from chiron.dev.issuer import DevIssuer
from chiron.dev.seed import seed_if_empty
from chiron.state import AppState


def install(app: FastAPI) -> None:
    app.include_router(router)


async def start(state: AppState) -> None:
    if mock_issuer_enabled(state.settings):
        state.local_issuer = DevIssuer(state.settings, state.db)
    if state.settings.should_seed_on_start:
        await seed_if_empty(state.db, state.settings, state.bus)
