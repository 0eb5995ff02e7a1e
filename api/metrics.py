"""Prometheus metrics: one registry per app (so tests can build many apps), filled by an ASGI middleware.

Labels use the route *template* (`/api/v1/apikeys/{key_id}`), never the raw path, and unmatched paths
share one label, so a scanner cannot blow up the series count. With several uvicorn workers each
process counts its own requests (no multiprocess mode): scrape each worker, or run one per container.
"""

from __future__ import annotations

import re
import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "invgraph_http_requests_total",
            "HTTP requests by route template, method and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "invgraph_http_request_duration_seconds",
            "HTTP request latency by route template and method.",
            ["method", "route"],
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "invgraph_rate_limited_total",
            "Requests refused with 429 by the per-key rate limits, by class.",
            ["bucket"],
            registry=self.registry,
        )
        self.cypher = Counter(
            "invgraph_cypher_queries_total",
            "Ad-hoc Cypher queries by outcome.",
            ["outcome"],
            registry=self.registry,
        )


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics
        self._templates: list[tuple[str, re.Pattern[str]]] | None = None

    def _template(self, scope: Scope) -> str:
        """Full route template. The router leaves the matched route in the scope, but for an included
        router its `path` lacks the prefix, so the full template is found among the OpenAPI paths."""
        route = scope.get("route")
        path = getattr(route, "path", None)
        if not path:
            return "<unmatched>"
        if self._templates is None:
            paths = scope["app"].openapi().get("paths", {}) if hasattr(scope.get("app"), "openapi") else {}
            self._templates = [
                (t, re.compile(re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(t)) + "$")) for t in paths
            ]
        for template, pattern in self._templates:
            if template.endswith(path) and pattern.match(scope.get("path", "")):
                return template
        return str(path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # what the client sees if the app raises before answering

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            template = self._template(scope)
            method = scope.get("method", "")
            self.metrics.requests.labels(method, template, str(status)).inc()
            self.metrics.latency.labels(method, template).observe(time.perf_counter() - start)
