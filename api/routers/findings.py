"""`GET /api/v1/findings`: control findings with filters (viewer), for the dashboard and scripts."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from api.auth import ScopedViewer
from api.deps import strict_query
from api.errors import error_responses
from api.scopes import allowed_scopes
from api.widgets.common import controls, labels_present
from graph import driver

router = APIRouter(
    prefix="/findings",
    tags=["findings"],
    dependencies=[Depends(strict_query("severity", "control", "scope", "state", "limit"))],
)

Severity = Literal["critical", "high", "medium", "low", "info"]
State = Literal["new", "open", "reopened", "resolved", "muted", "accepted", "all"]


class FindingOut(BaseModel):
    id: str
    control_id: str
    control_title: str | None
    severity: str | None
    state: str = Field(description="muted/accepted while suppressed, else the lifecycle state")
    lifecycle: str | None = Field(description="new, open, resolved or reopened")
    asset_id: str | None
    asset_name: str | None
    label: str | None
    scope: str | None
    reason: str | None
    first_seen: str | None
    last_seen: str | None


class FindingsPage(BaseModel):
    available: bool = Field(description="False until the controls have run once.")
    total: int = Field(description="Findings matching the filters (before `limit`).")
    truncated: bool
    items: list[FindingOut]


# One pass: filter, order (most severe first), count everything, return the first `limit`.
# A live suppression wins over the lifecycle, as in queries.findings.findings_for.
_QUERY = """
MATCH (f:Finding)
WHERE ($control IS NULL OR f.control_id = $control)
  AND ($severity IS NULL OR f.severity = $severity)
  AND ($scope IS NULL OR f.scope = $scope OR f.scope STARTS WITH $scope + '/')
  AND ($allowed IS NULL OR any(a IN $allowed WHERE f.scope = a OR f.scope STARTS WITH a + '/'))
WITH f, coalesce(f.suppression, f.state) AS shown
WHERE ($state IS NULL AND shown <> 'resolved') OR $state = 'all' OR shown = $state
WITH f, shown ORDER BY CASE f.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2
                       WHEN 'low' THEN 3 ELSE 4 END, f.control_id, f.asset_id
WITH count(*) AS total, collect(f {.id, .control_id, .severity, .asset_id, .asset_name, .label, .scope,
     .reason, lifecycle: f.state, state: shown, first_seen: toString(f.first_seen),
     last_seen: toString(f.last_seen)}) AS rows
RETURN total, rows[..$limit] AS rows
"""


@router.get("", response_model=FindingsPage, responses=error_responses())
def list_findings(
    key: ScopedViewer,
    severity: Annotated[Severity | None, Query()] = None,
    control: Annotated[str | None, Query(max_length=128, description="A control id.")] = None,
    scope: Annotated[
        str | None,
        Query(max_length=256, description="Account, cluster or project; also matches `<scope>/…`."),
    ] = None,
    state: Annotated[
        State | None, Query(description="Default: everything not resolved; `all` for all.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> FindingsPage:
    """Findings filtered by severity, control, scope and state; most severe first. A scoped key sees
    only the findings of its accounts, projects and clusters."""
    if "Finding" not in labels_present("Finding"):
        return FindingsPage(
            available="ControlRun" in labels_present("ControlRun"), total=0, truncated=False, items=[]
        )
    rows = driver.read(
        _QUERY,
        {
            "control": control,
            "severity": severity,
            "scope": scope,
            "state": state,
            "limit": limit,
            "allowed": allowed_scopes(key),
        },
    )
    total, items = (rows[0]["total"], rows[0]["rows"]) if rows else (0, [])
    meta = controls()
    return FindingsPage(
        available=True,
        total=total,
        truncated=total > len(items),
        items=[
            FindingOut(
                **{**r, "control_title": meta[r["control_id"]].title if r["control_id"] in meta else None}
            )
            for r in items
        ],
    )
