"""The built-in dashboard: `GET /` serves `api/static/index.html`, `/static/*` its CSS and JS.

Both are deliberately public (no API key): they are the same static files for everyone and hold no data.
The page asks for a key, keeps it in sessionStorage and sends it as a Bearer token on every data request,
so every number it shows still goes through the API's authentication.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

# Everything is served by this API: no inline script, no third-party origin, no framing.
_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

router = APIRouter(include_in_schema=False)


@router.get("/")
def dashboard() -> FileResponse:
    """The dashboard page (no key needed to load it; its data requests need one)."""
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html", headers=_HEADERS)


def mount(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
