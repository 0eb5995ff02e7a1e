"""`POST /api/v1/cypher`: ad-hoc read-only Cypher for analysts, behind the layered guard."""

from __future__ import annotations

import logging
import time
from typing import Literal

from fastapi import APIRouter, Depends, Request
from neo4j.exceptions import ServiceUnavailable, SessionExpired
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from api.auth import Analyst
from api.cypher_exec import Limits, check_parameters, elapsed_ms, explain_check, run_read
from api.cypher_guard import CypherRefused, inspect_query
from api.deps import Settings, strict_query
from api.errors import ApiError, error_responses
from api.metrics import Metrics
from appdb import audit, query_history
from appdb.keys import ApiKey

log = logging.getLogger("invgraph.api")
router = APIRouter(prefix="/cypher", tags=["cypher"], dependencies=[Depends(strict_query())])


class CypherRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, description="One read-only Cypher statement.")
    parameters: dict[str, JsonValue] = Field(default_factory=dict, description="JSON values only.")
    limit: int | None = Field(default=None, ge=1, description="Rows to return (default and cap: settings).")


class CypherResponse(BaseModel):
    columns: list[str]
    rows: list[list[JsonValue]]
    truncated: bool = Field(
        description="True when the answer was cut (more rows than `limit`, or more "
        "bytes than INVGRAPH_CYPHER_MAX_RESULT_BYTES)."
    )
    truncated_by: Literal["rows", "bytes"] | None = Field(default=None, description="What cut the answer.")
    row_count: int
    elapsed_ms: float


def _audit(
    key: ApiKey,
    body: CypherRequest,
    outcome: str,
    rows: int | None,
    start: float,
    detail: str | None,
    failing: bool,
) -> None:
    event = audit.AuditEvent(
        key_id=key.id,
        key_name=key.name,
        action="cypher",
        outcome=outcome,
        query_sha256=audit.query_hash(body.query),
        rows=rows,
        duration_ms=elapsed_ms(start),
        detail=detail,
    )
    try:
        audit.record(event)
    except Exception:
        # On the success path this propagates (503): no result leaves without its audit record. On an
        # error path the original error is the more useful answer, so the audit failure is only logged.
        if not failing:
            raise
        log.exception("could not write audit event %s", event)
        return
    if detail in ("query_too_large", "parameters_too_large"):
        return  # refused for its size before reading: too big to keep
    try:
        query_history.record(event, body.query, body.parameters)
    except Exception:
        # The history is a convenience for the console; the audit record above is the one that must exist.
        log.exception("could not keep the query in this key's history")


@router.post("", response_model=CypherResponse, responses=error_responses(400, 413, 502, 504))
def run_cypher(body: CypherRequest, key: Analyst, settings: Settings, request: Request) -> CypherResponse:
    """Run one read-only Cypher statement and return its rows (nodes, relationships, paths as objects)."""
    start = time.perf_counter()
    metrics: Metrics = request.app.state.metrics
    try:
        if len(body.query) > settings.max_query_length:
            raise ApiError(
                413,
                "query_too_large",
                f"the query is {len(body.query)} characters; the limit is {settings.max_query_length}",
            )
        limit = body.limit or settings.cypher_default_rows
        if limit > settings.cypher_max_rows:
            raise ApiError(422, "limit_too_large", f"limit must be at most {settings.cypher_max_rows}")
        check_parameters(body.parameters, settings.max_parameters_bytes)
        text = inspect_query(body.query)
        limits = Limits(
            settings.cypher_timeout_s,
            settings.cypher_max_estimated_rows,
            settings.cypher_max_path_hops,
            settings.cypher_max_result_bytes,
        )
        explain_check(text, body.parameters, settings.cypher_timeout_s, limits)
        result = run_read(
            text, body.parameters, limit, settings.cypher_timeout_s, settings.cypher_max_result_bytes
        )
    except CypherRefused as refused:
        metrics.cypher.labels("refused").inc()
        _audit(key, body, "refused", None, start, refused.rule, failing=True)
        raise ApiError(400, "query_refused", refused.message, rule=refused.rule) from refused
    except ApiError as err:
        outcome = "timeout" if err.status == 504 else "refused" if err.rule else "error"
        metrics.cypher.labels(outcome).inc()
        _audit(key, body, outcome, None, start, err.rule or err.code, failing=True)
        raise
    except (ServiceUnavailable, SessionExpired):
        metrics.cypher.labels("unavailable").inc()
        _audit(key, body, "unavailable", None, start, "neo4j_unavailable", failing=True)
        raise
    metrics.cypher.labels("ok").inc()
    detail = f"truncated_by={result.truncated_by}" if result.truncated else None
    _audit(key, body, "ok", len(result.rows), start, detail, failing=False)
    return CypherResponse(
        columns=result.columns,
        rows=result.rows,
        truncated=result.truncated,
        truncated_by=result.truncated_by,  # type: ignore[arg-type]
        row_count=len(result.rows),
        elapsed_ms=elapsed_ms(start),
    )
