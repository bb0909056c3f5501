"""/docs works with no network: the page and every file it loads come from the API itself;
the document's version is the product's."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import httpx
from fastapi import FastAPI

ROOT = Path(__file__).resolve().parents[3]
TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}


async def test_docs_page_and_its_assets_are_served_by_the_api(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    # No absolute URL at all: nothing on the page may reach another host (a CDN).
    assert re.findall(r"""(?:src|href|url)\s*[=:]\s*["']?(?:https?:)?//""", html) == []
    references = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    references += re.findall(r"""url:\s*["']([^"']+)["']""", html)
    assert len(references) >= 4, references  # css, favicon, bundle, the document
    for reference in references:
        url = urljoin("http://test/docs", reference)
        assert urlparse(url).netloc == "test", reference
        asset = await client.get(url)
        assert asset.status_code == 200, reference
        path = urlparse(url).path
        expected = "application/json" if path == "/openapi.json" else TYPES[Path(path).suffix]
        assert asset.headers["content-type"].startswith(expected), (reference, asset.headers)
        assert len(asset.content) > 100, reference
    bundle = await client.get("/docs/assets/swagger-ui-bundle.js")
    assert b"SwaggerUIBundle" in bundle.content


async def test_redoc_is_not_offered_from_a_cdn(client: httpx.AsyncClient) -> None:
    assert (await client.get("/redoc")).status_code == 404


def test_openapi_version_is_the_product_version(app: FastAPI) -> None:
    product = (ROOT / "VERSION").read_text(encoding="utf-8").strip()
    assert app.openapi()["info"]["version"] == product
    committed = (ROOT / "packages/api-client/openapi.json").read_text(encoding="utf-8")
    assert f'"version": "{product}"' in committed
