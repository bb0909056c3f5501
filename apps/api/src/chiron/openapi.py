"""The API's OpenAPI document and its Swagger UI at /docs.

`python -m chiron.openapi [PATH]` writes the document (stdout without PATH); the web's
generated client (packages/api-client) is made from that file, and a check fails when the
committed document or client differ from a fresh generation.

/docs works offline: Swagger UI's files come from the pinned `swagger-ui-bundle-v2` wheel
and are served by the API under /docs/assets, never from a CDN (docs/architecture.md,
"API documentation").
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/docs"
ASSETS_URL = "/docs/assets"


def _extra_models() -> list[type[Any]]:
    # Bodies parsed by hand for speed (ingest validates the raw bytes in one pass).
    from chiron.telemetry.schemas import SampleBatch

    return [SampleBatch]


def install(app: FastAPI) -> None:
    """Make the document tell the truth: hand-parsed bodies are described, and every 422
    has Chiron's error shape rather than FastAPI's default."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, summary=app.summary, routes=app.routes
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in _extra_models():
            generated = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(generated.pop("$defs", {}))
            components[model.__name__] = generated
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                invalid = operation.get("responses", {}).get("422")
                if invalid is not None:
                    invalid["description"] = "Invalid input"
                    invalid["content"] = {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/ErrorResponse"}
                        }
                    }
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
    _install_docs(app)


def _install_docs(app: FastAPI) -> None:
    """Swagger UI from the API's own files (create the app with `docs_url=None`)."""
    from swagger_ui_bundle import swagger_ui_path

    app.mount(ASSETS_URL, StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")
    html = get_swagger_ui_html(
        openapi_url=app.openapi_url or "/openapi.json",
        title=f"{app.title} {app.version}",
        swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_URL}/favicon-32x32.png",
        # No badge fetched from the public validator: nothing leaves the machine.
        swagger_ui_parameters={"validatorUrl": None},
    )

    @app.get(DOCS_URL, include_in_schema=False)
    async def docs() -> HTMLResponse:
        return html


def document() -> dict[str, Any]:
    # Fixed settings: the document must not depend on the machine's environment.
    from chiron.app import create_app
    from chiron.config import Settings

    settings = Settings(env="development", _env_file=None)
    return create_app(settings).openapi()


def render() -> str:
    return json.dumps(document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> None:
    text = render()
    if len(argv) > 1:
        Path(argv[1]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main(sys.argv)
