"""The SSE endpoint (filled in by the stream work)."""

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/dashboard", tags=["stream"])
