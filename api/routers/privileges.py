"""`GET /api/v1/privileges/creep` and `GET /api/v1/privileges/{principal_id}` (viewer)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, model_serializer

from analysis.privileges.creep import CreepError, creep, show
from api.auth import ScopedViewer
from api.deps import strict_query
from api.errors import ApiError, error_responses
from api.scopes import allowed_scopes, in_scope

router = APIRouter(prefix="/privileges", tags=["privileges"])

Kind = Literal[
    "aws-user", "aws-role", "aws-group", "k8s-user", "k8s-group", "k8s-serviceaccount", "gcp-member"
]


class UnusedServiceOut(BaseModel):
    namespace: str = Field(description="Service namespace, e.g. `s3`.")
    name: str
    last_accessed: str | None = Field(description="Last authenticated use; null when never used.")


class GrantSourceOut(BaseModel):
    text: str = Field(description="One line: `AdministratorAccess (arn…, statement #0) via group Admins`.")
    policy: str | None = Field(None, description="AWS: the policy's ARN (or inline policy id).")
    name: str | None = Field(None, description="AWS: the policy's name.")
    via: str | None = Field(None, description="AWS: `attached`, `inline` or `via group <name>`.")
    statement: str | None = Field(None, description="AWS: the statement's Sid (quoted) or `#<index>`.")
    binding: str | None = Field(None, description="Kubernetes binding, or the GCP role bound.")
    role: str | None = Field(None, description="Kubernetes: the (Cluster)Role the binding grants.")
    set_on: str | None = Field(None, description="GCP: the resource the binding is set on (level).")

    @model_serializer(mode="wrap")
    def _present_only(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # A source carries only the fields of its provider: no nulls for the others (same as the CLI JSON).
        return {k: v for k, v in handler(self).items() if v is not None}


class ProvenanceOut(BaseModel):
    gained: dict[str, list[GrantSourceOut]] = Field(description="Gained entry -> what grants it (`to`).")
    lost: dict[str, list[GrantSourceOut]] = Field(description="Lost entry -> what granted it (`from`).")


class CreepPrincipalOut(BaseModel):
    id: str
    name: str
    kind: Kind
    scope: str = Field(description="AWS account id, Kubernetes cluster name or GCP scope.")
    gained: list[str]
    lost: list[str]
    admin_before: bool
    admin_after: bool
    assumable_gained: list[str]
    assumable_lost: list[str]
    escalations_gained: list[str]
    escalations_lost: list[str]
    status: Literal["added", "removed", "changed"]
    unused_services: list[UnusedServiceOut] | None = None
    provenance: ProvenanceOut
    admin_via: list[str] = Field(
        default_factory=list, description="When newly admin: what grants the gained permissions."
    )


class CreepOut(BaseModel):
    from_: str = Field(alias="from", serialization_alias="from")
    to: str
    principals: list[CreepPrincipalOut]

    model_config = {"populate_by_name": True}


class HistoryItemOut(BaseModel):
    run_id: str
    collected_at: str | None
    sha256: str
    admin: bool
    removed: bool
    entries: int = Field(description="Number of canonical entries in this version.")
    gained: list[str]
    lost: list[str]


class PrincipalPermissionsOut(BaseModel):
    id: str
    name: str
    kind: Kind
    scope: str
    since_run: str = Field(description="Run that first saw the current permissions.")
    removed: bool
    sha256: str
    admin: bool
    escalations: list[str]
    assumable_roles: list[str]
    entries: list[str]
    history: list[HistoryItemOut]
    unused_services: list[UnusedServiceOut] | None


@router.get(
    "/creep",
    response_model=CreepOut,
    response_model_by_alias=True,
    responses=error_responses(404),
    dependencies=[Depends(strict_query("from", "to", "scope", "kind"))],
)
def get_creep(
    key: ScopedViewer,
    from_: Annotated[str | None, Query(alias="from", max_length=128, description="Run id or date.")] = None,
    to: Annotated[
        str | None, Query(max_length=128, description="Run id or date (default: latest run).")
    ] = None,
    scope: Annotated[str | None, Query(max_length=256)] = None,
    kind: Annotated[Kind | None, Query()] = None,
) -> CreepOut:
    """Permissions gained and lost per principal between two runs (default: latest vs previous). A scoped
    key sees only the principals of its accounts, projects and clusters."""
    try:
        doc = creep(from_, to, scope, kind)
    except CreepError as exc:
        raise ApiError(404, "not_found", str(exc)) from exc
    allowed = allowed_scopes(key)
    doc["principals"] = [p for p in doc["principals"] if in_scope(p.get("scope"), allowed)]
    return CreepOut.model_validate(doc)


@router.get(
    "/{principal_id:path}",
    response_model=PrincipalPermissionsOut,
    responses=error_responses(404),
    dependencies=[Depends(strict_query())],
)
def get_principal(key: ScopedViewer, principal_id: str) -> PrincipalPermissionsOut:
    """Effective permissions of one principal (ARN, `cluster/Kind/…`, `scope/member`) and their history."""
    try:
        doc = show(principal_id)
    except CreepError as exc:
        raise ApiError(404, "not_found", str(exc)) from exc
    if not in_scope(doc.get("scope"), allowed_scopes(key)):  # out of scope reads as absent
        raise ApiError(404, "not_found", f"no principal {principal_id[:200]!r} in this key's scopes")
    return PrincipalPermissionsOut.model_validate(doc)
