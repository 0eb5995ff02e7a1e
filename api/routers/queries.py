"""`/api/v1/queries`: the investigation library — list it, run one by id with typed parameters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from api.auth import ScopedViewer, require_role
from api.cypher_exec import QueryResult
from api.cypher_run import AuditedRun, CypherResponse, audited_response
from api.deps import Settings, strict_query
from api.errors import error_responses
from api.investigations import get_investigation, library, run_investigation
from appdb.keys import ApiKey

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


@router.post(
    "/{query_id}/run", response_model=CypherResponse, responses=error_responses(400, 404, 413, 422, 502, 504)
)
def run_query(query_id: str, body: RunRequest, key: UnscopedViewer, settings: Settings) -> CypherResponse:
    """Run one library investigation; the answer has the `/cypher` shape and its limits."""
    run = AuditedRun(key, "query.run", label=f"id={query_id[:100]}")

    def execute() -> QueryResult:
        inv = get_investigation(query_id)
        run.query = inv.query  # known once the id resolves: a 404 is audited without a query hash
        return run_investigation(inv, body.parameters, settings, body.limit)

    return audited_response(run, execute)
