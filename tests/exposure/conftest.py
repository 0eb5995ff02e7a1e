"""Exposure test wiring: one real ingest per module (the slow part), exposure computed once on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from analysis.exposure import compute
from api.app import create_app
from appdb import keys as apikeys
from config import set_settings
from pipeline.run import ingest_snapshot
from tests.conftest import _wipe


def ingest_and_compute(folder: Path) -> dict[str, Any]:
    set_settings(None)
    _wipe()
    report = ingest_snapshot(folder)
    assert report.status in ("ok", "partial"), report.as_json()
    summary = compute(report.run_id)
    return {"run_id": report.run_id, "summary": summary}


@pytest.fixture()
def api(neo4j_uri: str) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """A client and a viewer's auth header, on whatever graph the module loaded (no wipe)."""
    app = create_app()
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, {"Authorization": f"Bearer {apikeys.create_key('exposure-viewer', 'viewer')[1]}"}
