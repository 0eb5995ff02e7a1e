"""Every 4xx/5xx answer has the JSON error shape of docs/api.md: {"error": {"code", "message"[, "rule"]}},
unknown widgets and paths included (their message says what was not found)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.widgets import WIDGETS
from appdb import keys as apikeys
from config import set_settings


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def assert_shape(r, status: int, code: str, rule: str | None = None) -> dict[str, str]:  # noqa: ANN001
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert r.headers["content-type"] == "application/json", r.headers["content-type"]
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) <= {"code", "message", "rule"}, body
    err = body["error"]
    assert err["code"] == code and isinstance(err["message"], str) and err["message"].strip(), body
    assert err.get("rule") == rule, body
    return err


def test_unknown_widget_names_the_widgets(client: TestClient, viewer_key: str) -> None:
    r = client.get("/api/v1/widgets/no-such-widget", headers=auth(viewer_key))
    err = assert_shape(r, 404, "not_found")
    assert "unknown widget 'no-such-widget'" in err["message"]
    assert all(name in err["message"] for name in WIDGETS)


def test_error_shapes(
    make_client: Callable[..., TestClient], viewer_key: str, analyst_key: str, admin_key: str
) -> None:
    c = make_client(max_query_length=100)
    scoped = apikeys.create_key("scoped", "analyst", scopes=apikeys.Scopes(aws_accounts=("1",)))[1]
    cases = [
        (c.get("/nope"), 404, "not_found", None),
        (c.get("/static/nope.js"), 404, "not_found", None),
        (c.get("/static-docs/nope.js"), 404, "not_found", None),
        (c.put("/api/v1/health"), 405, "method_not_allowed", None),
        (c.get("/api/v1/audit"), 401, "unauthorized", None),
        (c.get("/api/v1/audit", headers=auth("ig_00000000_" + "A" * 43)), 401, "unauthorized", None),
        (c.get("/api/v1/audit", headers=auth(viewer_key)), 403, "forbidden", None),
        (
            c.post("/api/v1/cypher", json={"query": "RETURN 1"}, headers=auth(scoped)),
            403,
            "forbidden",
            "scoped_key",
        ),
        (c.delete("/api/v1/apikeys/nope", headers=auth(admin_key)), 404, "not_found", None),
        (c.post("/api/v1/apikeys/nope/rotate", headers=auth(admin_key)), 404, "not_found", None),
        (
            c.post("/api/v1/cypher", json={"query": "CREATE (n)"}, headers=auth(analyst_key)),
            400,
            "query_refused",
            "write_clause",
        ),
        (
            c.post(
                "/api/v1/cypher",
                content=b"{not json",
                headers={**auth(analyst_key), "content-type": "application/json"},
            ),
            422,
            "validation_error",
            None,
        ),
        (
            c.post("/api/v1/cypher", json={"query": "RETURN 1 //" + "x" * 200}, headers=auth(analyst_key)),
            413,
            "query_too_large",
            None,
        ),
        (
            c.post("/api/v1/cypher", json={"query": "RETURN 1", "x": 1}, headers=auth(analyst_key)),
            422,
            "validation_error",
            None,
        ),
        (c.get("/api/v1/findings?nope=1", headers=auth(viewer_key)), 422, "validation_error", None),
        (
            c.post(
                "/api/v1/apikeys",
                json={"name": "x", "role": "viewer", "expires": "forever"},
                headers=auth(admin_key),
            ),
            422,
            "validation_error",
            None,
        ),
        (
            c.post(
                "/api/v1/cypher",
                json={"query": "RETURN 1"},
                headers={"Authorization": f"Bearer {analyst_key}", "content-length": "99999999"},
            ),
            413,
            "too_large",
            None,
        ),
    ]
    for r, status, code, rule in cases:
        assert_shape(r, status, code, rule)
    # Rate limit: a second default-class request of the same key within the minute.
    limited = make_client(rate_limits_enabled=True, rate_default_per_min=1, rate_default_burst=1)
    limited.get("/api/v1/findings", headers=auth(viewer_key))
    r = limited.get("/api/v1/findings", headers=auth(viewer_key))
    assert_shape(r, 429, "too_many_requests", "rate_limit")
    assert r.headers["retry-after"].isdigit()


def test_application_database_down_is_503(monkeypatch: pytest.MonkeyPatch, neo4j: str) -> None:
    # Nothing listens on port 1: connecting fails at once.
    monkeypatch.setenv("INVGRAPH_APP_DB_URL", "postgresql+psycopg://invgraph:x@127.0.0.1:1/invgraph")
    set_settings(None)
    try:
        c = TestClient(create_app(), raise_server_exceptions=False)  # no lifespan: start-up would refuse
        r = c.get("/api/v1/audit", headers=auth("ig_0123abcd_" + "A" * 43))
        assert_shape(r, 503, "app_db_unavailable")
        assert r.headers["retry-after"] == "5"
    finally:
        set_settings(None)
