from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/gates", tags=["gates"])
