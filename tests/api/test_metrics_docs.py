"""Prometheus metrics content, and docs/api.md covering every endpoint and setting."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from config import ApiSettings

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_metrics_by_route_template(client: TestClient, analyst_key: str, viewer_key: str) -> None:
    h = {"Authorization": f"Bearer {analyst_key}"}
    client.post("/api/v1/cypher", json={"query": "RETURN 1"}, headers=h)
    client.post("/api/v1/cypher", json={"query": "CREATE (n)"}, headers=h)
    client.delete("/api/v1/apikeys/some-id", headers=h)
    client.get("/no/such/path/12345")
    r = client.get("/metrics", headers={"Authorization": f"Bearer {viewer_key}"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert 'invgraph_http_requests_total{method="POST",route="/api/v1/cypher",status="200"} 1.0' in text
    assert 'invgraph_http_requests_total{method="POST",route="/api/v1/cypher",status="400"} 1.0' in text
    # Route templates, not raw paths; unknown paths share one label.
    assert 'route="/api/v1/apikeys/{key_id}",status="403"' in text and "some-id" not in text
    assert 'route="<unmatched>",status="404"' in text and "12345" not in text
    bucket = 'invgraph_http_request_duration_seconds_bucket{le="0.1",method="POST",route="/api/v1/cypher"}'
    assert bucket in text
    assert 'invgraph_cypher_queries_total{outcome="refused"} 1.0' in text


def test_docs_cover_every_endpoint_and_setting() -> None:
    doc = DOC.read_text()
    for path, methods in create_app().openapi()["paths"].items():
        for method in methods:
            assert f"{method.upper()} {path}" in doc, f"docs/api.md misses {method.upper()} {path}"
    for name in ApiSettings.model_fields:
        assert f"INVGRAPH_{name.upper()}" in doc, f"docs/api.md misses INVGRAPH_{name.upper()}"
