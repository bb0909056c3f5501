"""The ASGI entry point for servers: `uvicorn chiron.asgi:app`."""

from chiron.app import create_app

app = create_app()
