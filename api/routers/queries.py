"""`/api/v1/queries`: the investigation library — list it, run one by id with typed parameters."""

from __future__ import annotations

import logging
import time
from typing import Annotated

from fastapi import APIRouter, Depends
from neo4j.exceptions import ServiceUnavailable, SessionExpired
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from api.auth import ScopedViewer, require_role
from api.cypher_exec import elapsed_ms
from api.cypher_guard import CypherRefused
from api.deps import Settings, strict_query
from api.errors import ApiError, error_responses
from api.investigations import get_investigation, library, run_investigation
from api.routers.cypher import CypherResponse
from appdb import audit
from appdb.keys import ApiKey

log = logging.getLogger("invgraph.api")
router = APIRouter(prefix="/queries", tags=["queries"], dependencies=[Depends(strict_query())])

# A library query's Cypher walks the graph wherever its relationships lead, like ad-hoc Cypher: it cannot be
# limited to a key's accounts, projects and clusters, so scoped keys may list the library but not run it.
_SCOPED_REFUSAL = (
    "library queries cannot be limited to a key's scopes (their Cypher follows relationships across "
    "accounts, projects and clusters), so scoped keys may not run them; use an unscoped key"
)
UnscopedViewer = Annotated[ApiKey, Depends(require_role("viewer", refusal=_SCOPED_REFUSAL))]


class QueryParameter(BaseModel):
    name: str
    type: str = Field(description="string, int, float or bool (JSON types; an int is accepted as a float).")
    description: str
    required: bool = Field(description="False when the parameter has a default.")
    default: JsonValue = None


class LibraryQuery(BaseModel):
    id: str
    title: str
    description: str
    parameters: list[QueryParameter]
    providers: list[str] = Field(description="aws, gcp, k8s: the inventories the query reads.")
    tags: list[str]


class QueryList(BaseModel):
    queries: list[LibraryQuery]


class RunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    parameters: dict[str, JsonValue] = Field(default_factory=dict, description="Values by declared name.")
    limit: int | None = Field(default=None, ge=1, description="Rows to return (default and cap as /cypher).")


def library_listing() -> QueryList:
    """The library as `GET /api/v1/queries` answers it (also `invgraph query list --format json`)."""
    return QueryList(
        queries=[
            LibraryQuery(
                id=inv.id,
                title=inv.meta.title,
                description=inv.meta.description,
                parameters=[
                    QueryParameter(
                        name=p.name,
                        type=p.type,
                        description=p.description,
                        required=p.required,
                        default=p.default,
                    )
                    for p in inv.meta.parameters
                ],
                providers=list(inv.meta.providers),
                tags=list(inv.meta.tags),
            )
            for inv in library()
        ]
    )


@router.get("", response_model=QueryList, responses=error_responses(422))
def list_queries(key: ScopedViewer) -> QueryList:
    """The saved investigations and their typed parameters (no inventory data: scoped keys may list)."""
    return library_listing()


def _audit(
    key: ApiKey,
    query_id: str,
    text: str | None,
    outcome: str,
    rows: int | None,
    start: float,
    detail: str | None,
    failing: bool,
) -> None:
    event = audit.AuditEvent(
        key_id=key.id,
        key_name=key.name,
        action="query.run",
        outcome=outcome,
        query_sha256=audit.query_hash(text) if text is not None else None,
        rows=rows,
        duration_ms=elapsed_ms(start),
        detail=f"id={query_id[:100]}" + (f" {detail}" if detail else ""),
    )
    try:
        audit.record(event)
    except Exception:
        if not failing:  # as /cypher: no result leaves without its audit record
            raise
        log.exception("could not write audit event %s", event)


@router.post(
    "/{query_id}/run", response_model=CypherResponse, responses=error_responses(400, 404, 413, 422, 502, 504)
)
def run_query(query_id: str, body: RunRequest, key: UnscopedViewer, settings: Settings) -> CypherResponse:
    """Run one library investigation; the answer has the `/cypher` shape and its limits."""
    start = time.perf_counter()
    text: str | None = None
    try:
        inv = get_investigation(query_id)
        text = inv.query
        result = run_investigation(inv, body.parameters, settings, body.limit)
    except CypherRefused as refused:
        _audit(key, query_id, text, "refused", None, start, refused.rule, failing=True)
        raise ApiError(400, "query_refused", refused.message, rule=refused.rule) from refused
    except ApiError as err:
        outcome = {504: "timeout", 404: "not_found"}.get(err.status, "refused" if err.rule else "error")
        _audit(key, query_id, text, outcome, None, start, err.rule or err.code, failing=True)
        raise
    except (ServiceUnavailable, SessionExpired):
        _audit(key, query_id, text, "unavailable", None, start, "neo4j_unavailable", failing=True)
        raise
    detail = f"truncated_by={result.truncated_by}" if result.truncated else None
    _audit(key, query_id, text, "ok", len(result.rows), start, detail, failing=False)
    return CypherResponse(
        columns=result.columns,
        rows=result.rows,
        truncated=result.truncated,
        truncated_by=result.truncated_by,  # type: ignore[arg-type]
        row_count=len(result.rows),
        elapsed_ms=elapsed_ms(start),
    )
