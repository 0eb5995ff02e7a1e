"""/health reports a loader's progress (`make demo` loads its sample days behind the running API)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient


def test_health_reports_the_day_being_loaded(make_client: Callable[..., TestClient], tmp_path: Path) -> None:
    progress = tmp_path / "progress.json"
    client = make_client(load_progress_file=progress)
    assert client.get("/api/v1/health").json()["loading"] is None  # no loader (yet)

    progress.write_text(json.dumps({"day": 2, "days": 3, "phase": "ingest"}))
    body = client.get("/api/v1/health").json()
    assert body["status"] == "ok" and body["loading"] == {"day": 2, "days": 3, "phase": "ingest"}

    progress.write_text('{"day": 2, "da')  # caught mid-rewrite: a hint only, health stays up
    r = client.get("/api/v1/health")
    assert r.status_code == 200 and r.json()["loading"] is None


def test_health_without_a_progress_file_setting(client: TestClient) -> None:
    body = client.get("/api/v1/health").json()
    assert body["status"] == "ok" and body["loading"] is None
