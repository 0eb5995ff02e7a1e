"""`/docs` (Swagger UI) and `/redoc` with their JavaScript and CSS served by this API, not a CDN.

FastAPI's documented self-hosting recipe: the app is created with `docs_url=None, redoc_url=None`, and
these routes render the same pages pointing at static files. The files come from the `fastapi-offline`
package (Swagger UI bundle, its CSS, the ReDoc standalone bundle), so a pip install is all it takes and
the pages work where no CDN is reachable. Public like the OpenAPI spec itself: no data, no key needed.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/static-docs"
ASSETS_DIR = Path(str(files("fastapi_offline") / "static"))
ASSET_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js", "favicon.png")


def _title(app_title: str, what: str) -> str:
    return f"{app_title} - {what}"


def install(app: FastAPI) -> None:
    missing = [name for name in ASSET_FILES if not (ASSETS_DIR / name).is_file()]
    if missing:  # a broken install should fail at start-up, not as a blank page
        raise RuntimeError(f"docs UI assets missing from {ASSETS_DIR}: {', '.join(missing)}")
    openapi_url = app.openapi_url or "/openapi.json"
    redirect_url = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"
    router = APIRouter(include_in_schema=False)  # per app: create_app() may run many times in one process

    @router.get("/docs")
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=_title(app.title, "Swagger UI"),
            oauth2_redirect_url=redirect_url,
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
        )

    @router.get(redirect_url)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @router.get("/redoc")
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=_title(app.title, "ReDoc"),
            redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )

    app.include_router(router)
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")
