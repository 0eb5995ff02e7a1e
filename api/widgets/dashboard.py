"""The built-in dashboard: `GET /` serves `api/static/index.html`, `/static/*` its CSS and JS.

Both are deliberately public (no API key): they are the same static files for everyone and hold no data.
The console's libraries (CodeMirror, Cytoscape) are served from `static/vendor/node_modules`, where
`make setup` installs them with npm. The page asks for a key, keeps it in sessionStorage and sends it as
a Bearer token on every data request, so every number it shows still goes through the API's authentication.
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


# The console's libraries, installed from the npm registry by `make setup` (npm ci, api/static/vendor).
VENDOR_FILES = (
    "codemirror/lib/codemirror.js",
    "codemirror/lib/codemirror.css",
    "codemirror/mode/cypher/cypher.js",
    "cytoscape/dist/cytoscape.min.js",
)


def mount(app: FastAPI) -> None:
    modules = STATIC_DIR / "vendor" / "node_modules"
    missing = [name for name in VENDOR_FILES if not (modules / name).is_file()]
    if missing:  # a half-installed checkout should fail at start-up, not show a console that cannot run
        raise RuntimeError(
            f"dashboard JavaScript missing from {modules}: {', '.join(missing)}; run `make setup` (npm ci)"
        )
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
