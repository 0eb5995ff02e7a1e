"""`POST /api/v1/cypher`: ad-hoc read-only Cypher for analysts, behind the layered guard."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from api.auth import Analyst
from api.cypher_exec import QueryResult
from api.cypher_run import AuditedRun, CypherResponse, audited_response, check_query_length, guarded_read
from api.deps import Settings, strict_query
from api.errors import error_responses
from api.metrics import Metrics

router = APIRouter(prefix="/cypher", tags=["cypher"], dependencies=[Depends(strict_query())])


class CypherRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, description="One read-only Cypher statement.")
    parameters: dict[str, JsonValue] = Field(default_factory=dict, description="JSON values only.")
    limit: int | None = Field(default=None, ge=1, description="Rows to return (default and cap: settings).")


@router.post("", response_model=CypherResponse, responses=error_responses(400, 413, 502, 504))
def run_cypher(body: CypherRequest, key: Analyst, settings: Settings, request: Request) -> CypherResponse:
    """Run one read-only Cypher statement and return its rows (nodes, relationships, paths as objects)."""
    metrics: Metrics = request.app.state.metrics
    # The text is kept in this key's history (the console's recent queries), unlike a library run's.
    run = AuditedRun(key, "cypher", query=body.query, parameters=body.parameters, counter=metrics.cypher)

    def execute() -> QueryResult:
        check_query_length(body.query, settings)
        return guarded_read(body.query, body.parameters, settings, body.limit)

    return audited_response(run, execute)
