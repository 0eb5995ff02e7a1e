"""`/api/v1/runs`, `/api/v1/drift`, `/api/v1/assets/{id}/history` (viewer)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel

from api.auth import ScopedViewer
from api.deps import strict_query
from api.errors import ApiError, error_responses
from api.scopes import allowed_scopes
from history import drift as drift_mod
from history.runs import list_runs as list_ingest_runs
from history.timeline import asset_history
from queries.drift import drift as query_drift

router = APIRouter(tags=["history"])
Scalar = str | int | float | bool | None
PropertyValue = Scalar | list[Scalar]


class ModuleRunOut(BaseModel):
    name: str
    scope: str
    status: str
    nodes: int | None = None
    relationships: int | None = None
    errors: list[str] | None = None


class RunOut(BaseModel):
    id: str
    status: str | None
    source: str | None = None
    started_at: str | None
    finished_at: str | None = None
    collected_at: str | None
    modules: list[ModuleRunOut]


class RunRef(BaseModel):
    id: str
    collected_at: str | None
    started_at: str | None
    status: str | None


class PropertyChange(BaseModel):
    property: str
    before: PropertyValue
    after: PropertyValue


class AssetOut(BaseModel):
    id: str
    name: str
    labels: list[str]
    scope: str | None


class ChangedAssetOut(AssetOut):
    changes: list[PropertyChange]


class AssetsDrift(BaseModel):
    added: list[AssetOut]
    removed: list[AssetOut]
    changed: list[ChangedAssetOut]


class RelOut(BaseModel):
    start: str
    type: str
    end: str


class RelsDrift(BaseModel):
    added: list[RelOut]
    removed: list[RelOut]


class FindingOut(BaseModel):
    id: str
    control_id: str
    asset_id: str | None = None
    asset_name: str | None = None
    label: str | None = None
    scope: str | None = None
    severity: str | None = None
    state: str | None = None
    first_seen: str | None = None
    last_seen: str | None = None


class FindingsDrift(BaseModel):
    new: list[FindingOut]
    resolved: list[FindingOut]
    reopened: list[FindingOut]


class DriftOut(BaseModel):
    from_: RunRef
    to: RunRef
    assets: AssetsDrift
    relationships: RelsDrift
    findings: FindingsDrift

    model_config = {"populate_by_name": True, "alias_generator": lambda f: "from" if f == "from_" else f}


class RelChangeOut(BaseModel):
    kind: str
    start: str
    type: str
    end: str


class TimelineEntry(BaseModel):
    run_id: str
    started_at: str | None
    collected_at: str | None
    kind: str | None
    label: str | None
    scope: str | None
    changes: list[PropertyChange]
    relationships: list[RelChangeOut]


@router.get(
    "/runs",
    response_model=list[RunOut],
    responses=error_responses(),
    dependencies=[Depends(strict_query("limit"))],
)
def runs(key: ScopedViewer, limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> list[RunOut]:
    """Ingest runs, newest first, with their per-module status. A scoped key sees the runs that loaded
    one of its scopes, with only those modules."""
    return [RunOut.model_validate(r) for r in list_ingest_runs(limit, allowed_scopes(key))]


@router.get(
    "/drift",
    response_model=DriftOut,
    response_model_by_alias=True,
    responses=error_responses(404),
    dependencies=[Depends(strict_query("from", "to", "account", "cluster", "project", "label", "severity"))],
)
def drift(
    key: ScopedViewer,
    from_: Annotated[str | None, Query(alias="from", max_length=200)] = None,
    to: Annotated[str | None, Query(max_length=200)] = None,
    account: Annotated[str | None, Query(max_length=64)] = None,
    cluster: Annotated[str | None, Query(max_length=256)] = None,
    label: Annotated[str | None, Query(max_length=128)] = None,
    severity: Annotated[str | None, Query(max_length=16)] = None,
    project: Annotated[str | None, Query(max_length=128, description="GCP project id.")] = None,
) -> DriftOut:
    """Drift between two retained runs (run ids or dates); default: the latest run against the one before.
    A scoped key sees the changes and findings of its accounts, projects and clusters."""
    allowed = allowed_scopes(key)
    try:
        doc = query_drift(
            from_,
            to,
            drift_mod.Filters(
                account, cluster, label, severity, project, tuple(allowed) if allowed is not None else None
            ),
        )
    except drift_mod.DriftError as exc:
        raise ApiError(404, "not_found", str(exc)) from exc
    return DriftOut.model_validate(doc)


@router.get(
    "/assets/{asset_id:path}/history",
    response_model=list[TimelineEntry],
    responses=error_responses(404),
    dependencies=[Depends(strict_query())],
)
def asset_timeline(key: ScopedViewer, asset_id: Annotated[str, Path(max_length=2048)]) -> list[TimelineEntry]:
    """Every recorded change of one asset across runs, oldest first. For a scoped key an asset outside
    its scopes is 404, the same answer as for an unknown id."""
    entries = asset_history(asset_id, allowed=allowed_scopes(key))
    if not entries:
        raise ApiError(404, "not_found", "no recorded changes for this asset")
    return [TimelineEntry.model_validate(e) for e in entries]
