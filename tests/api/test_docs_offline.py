"""/docs and /redoc load their JavaScript and CSS from this API: the pages name no other origin, the assets
are served, and Swagger UI renders the operations in headless Chromium with every non-loopback host
unresolvable and every proxied request sent to a dead port (no network)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.live_server import live_api

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
_URL = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\(["']?([^"')]+)""")


def _urls(page: str) -> list[str]:
    return [a or b for a, b in _URL.findall(page)]


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_pages_reference_only_local_assets(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    urls = _urls(r.text)
    assert urls, r.text[:500]
    assert all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    assert "cdn" not in r.text.lower() and "fonts.googleapis" not in r.text
    for u in urls:
        asset = client.get(u)
        assert asset.status_code == 200 and len(asset.content) > 100, u


@pytest.fixture()
def server(neo4j: str) -> Iterator[str]:
    with live_api(neo4j) as base:
        yield base


@pytest.mark.browser
@pytest.mark.parametrize(
    ("path", "marker"),
    [
        ("/docs", 'class="opblock-summary-path"'),  # Swagger UI drew the operations
        ("/redoc", 'class="react-tabs__tab-panel"'),  # ReDoc drew the request / response samples
    ],
)
def test_docs_render_without_network(server: str, tmp_path: Path, path: str, marker: str) -> None:
    assert Path(CHROMIUM).exists(), "chromium is missing: run `make setup` (apt-get install chromium)"
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        # No network: every host but the loopback server fails to resolve, and anything that
        # would go out through a proxy goes to a port nothing listens on.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--proxy-server=http://127.0.0.1:9",
        "--proxy-bypass-list=127.0.0.1",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--virtual-time-budget=15000",
        "--dump-dom",
    ]
    dom = ""
    for _ in range(3):  # a loaded machine may need a second look
        dom = subprocess.run(
            [CHROMIUM, *flags, server + path], capture_output=True, text=True, timeout=300
        ).stdout
        if marker in dom:
            break
    assert marker in dom, dom[:3000]
    assert "Run Cypher" in dom  # the summary of POST /api/v1/cypher, from openapi.json
