"""`GET /metrics`: Prometheus exposition. Needs an unscoped viewer key (Prometheus sends it with
`authorization: {credentials: <key>}`), unless `INVGRAPH_METRICS_PUBLIC=true` outside production."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.auth import bearer_scheme, require_role
from api.deps import Settings
from api.errors import error_responses
from api.metrics import Metrics

router = APIRouter(tags=["metrics"])
# Operator endpoint: the counters are per process, summed over every key and scope (widget cache hits,
# throttled requests, Cypher timeouts), so no per-scope answer exists and a scoped key is refused.
_viewer = require_role(
    "viewer",
    refusal=(
        "/metrics is an operator endpoint: its counters cover every key and scope of this process and cannot "
        "be limited to a key's scopes; scrape it with an unscoped key"
    ),
)


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {
            "content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}},
            "description": "Prometheus text format",
        },
        **error_responses(),
    },
)
def metrics(
    request: Request,
    settings: Settings,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Response:
    """Prometheus metrics for this process."""
    if not settings.metrics_public:
        _viewer(request, settings, credentials)
    registry: Metrics = request.app.state.metrics
    return Response(generate_latest(registry.registry), media_type=CONTENT_TYPE_LATEST)
