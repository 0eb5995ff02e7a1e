"""Per-key token buckets: 429 with Retry-After once a bucket is empty, per key and per class, refilled
over time, counted in /metrics; tight for /cypher and path searches, generous for widgets."""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi.testclient import TestClient

from api.ratelimit import RateLimiter, classify
from config import ApiSettings


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_defaults_are_tight_for_cypher_and_paths_generous_for_widgets() -> None:
    s = ApiSettings(rate_limits_enabled=True)
    assert s.rate_cypher_per_min <= 60 and s.rate_paths_per_min <= 60
    assert s.rate_widgets_per_min >= 10 * s.rate_cypher_per_min
    assert s.rate_widgets_burst >= 10 * s.rate_cypher_burst
    assert [
        classify(p)
        for p in (
            "/api/v1/cypher",
            "/api/v1/exposure/paths",
            "/api/v1/widgets/runs",
            "/api/v1/findings",
            "/metrics",
        )
    ] == ["cypher", "paths", "widgets", "default", "default"]


def test_bucket_refills_at_the_configured_rate() -> None:
    limiter = RateLimiter(ApiSettings(rate_cypher_per_min=600, rate_cypher_burst=2))  # 10 tokens/s
    assert limiter.take("k", "cypher") == 0 and limiter.take("k", "cypher") == 0
    wait = limiter.take("k", "cypher")
    assert 0 < wait <= 0.1
    assert limiter.take("other", "cypher") == 0  # per key
    assert limiter.take("k", "widgets") == 0  # per class
    time.sleep(wait + 0.05)
    assert limiter.take("k", "cypher") == 0


def test_cypher_429_with_retry_after_and_metrics(
    make_client: Callable[..., TestClient], analyst_key: str, viewer_key: str, admin_key: str
) -> None:
    c = make_client(rate_limits_enabled=True, rate_cypher_per_min=1, rate_cypher_burst=3)
    q = {"query": "RETURN 1"}
    assert [c.post("/api/v1/cypher", json=q, headers=auth(analyst_key)).status_code for _ in range(3)] == [
        200,
        200,
        200,
    ]
    r = c.post("/api/v1/cypher", json=q, headers=auth(analyst_key))
    assert r.status_code == 429
    assert r.json()["error"] == {
        "code": "too_many_requests",
        "rule": "rate_limit",
        "message": r.json()["error"]["message"],
    }
    assert "'cypher'" in r.json()["error"]["message"]
    assert 50 <= int(r.headers["retry-after"]) <= 60  # one token per minute
    # Another class of the same key, and the same class of another key, are not affected.
    assert c.get("/api/v1/widgets", headers=auth(analyst_key)).status_code == 200
    assert c.post("/api/v1/cypher", json=q, headers=auth(admin_key)).status_code == 200
    metrics = c.get("/metrics", headers=auth(viewer_key)).text
    assert 'invgraph_rate_limited_total{bucket="cypher"} 1.0' in metrics
    assert 'route="/api/v1/cypher",status="429"' in metrics


def test_widgets_allow_a_dashboard_burst(
    make_client: Callable[..., TestClient], viewer_key: str, neo4j: str
) -> None:
    c = make_client(rate_limits_enabled=True)
    statuses = [c.get("/api/v1/widgets/runs", headers=auth(viewer_key)).status_code for _ in range(60)]
    assert statuses == [200] * 60  # a dashboard refresh of every widget, several times over


def test_disabled_limits_never_429(make_client: Callable[..., TestClient], analyst_key: str) -> None:
    c = make_client(rate_limits_enabled=False, rate_cypher_per_min=1, rate_cypher_burst=1)
    assert {
        c.post("/api/v1/cypher", json={"query": "RETURN 1"}, headers=auth(analyst_key)).status_code
        for _ in range(5)
    } == {200}
