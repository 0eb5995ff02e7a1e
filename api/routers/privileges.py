"""`GET /api/v1/privileges/creep`, `GET /api/v1/privileges/usage` and `GET /api/v1/privileges/{principal_id}`
(viewer)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, model_serializer

from analysis.privileges.creep import CreepError, creep, show
from analysis.privileges.usage import report as usage_report
from api.auth import ScopedViewer
from api.deps import strict_query
from api.errors import ApiError, error_responses
from api.scopes import allowed_scopes, in_scope, principal_in_scope

router = APIRouter(prefix="/privileges", tags=["privileges"])

Kind = Literal[
    "aws-user",
    "aws-role",
    "aws-group",
    "k8s-user",
    "k8s-group",
    "k8s-serviceaccount",
    "gcp-member",
    "azure-user",
    "azure-group",
    "azure-serviceprincipal",
    "azure-managedidentity",
    "azure-principal",
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
    binding: str | None = Field(
        None, description="Kubernetes binding, the GCP role bound, or the Azure role assignment's ARM id."
    )
    role: str | None = Field(
        None, description="Kubernetes: the (Cluster)Role the binding grants; Azure: the role's name."
    )
    set_on: str | None = Field(
        None, description="GCP: the resource the binding is set on (level); Azure: the assignment's scope."
    )

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
    scope: str = Field(
        description="AWS account id, Kubernetes cluster name, GCP scope or Azure subscription id."
    )
    project: str | None = Field(
        None,
        description="GCP: the project holding the principal (a service account) under an organization scope.",
    )
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
    gained_unused: list[str] | None = Field(
        None,
        description="AWS (last-accessed report): gained entries whose service was not used since `from`.",
    )
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
    project: str | None = Field(
        None,
        description="GCP: the project holding the principal (a service account) under an organization scope.",
    )
    since_run: str = Field(description="Run that first saw the current permissions.")
    removed: bool
    sha256: str
    admin: bool
    escalations: list[str]
    assumable_roles: list[str]
    entries: list[str]
    history: list[HistoryItemOut]
    unused_services: list[UnusedServiceOut] | None


class UsageUnusedOut(BaseModel):
    permission: str = Field(
        description="AWS service or tracked action, GCP role binding, or Kubernetes rule."
    )
    last_used: str | None = Field(description="Last use when known; null when not used in the window.")
    detail: str


class UsageCredentialOut(BaseModel):
    type: Literal["access_key", "password", "service_account_key"]
    id: str
    status: Literal["used", "unused", "not collected", "inactive"]
    last_used: str | None
    evidence: str = Field(description="Where the last use comes from; empty when not collected.")


class PrincipalUsageOut(BaseModel):
    id: str
    name: str
    kind: Kind
    scope: str
    provider: Literal["aws", "gcp", "k8s", "azure"]
    status: Literal["collected", "credentials only", "not collected"] = Field(
        description="`not collected`: no usage data — nothing about the principal is called unused."
    )
    reason: str = Field(description="Why (part of) the usage was not collected.")
    evidence: str = Field(description="The usage sources and their windows.")
    unit: str = Field(
        description="What granted / used count: services (AWS), permissions (GCP), rules (k8s)."
    )
    window_days: int | None = Field(
        description="Unused means not used in this many days (capped by tracking)."
    )
    tracking_days: int | None = Field(description="How far back the provider tracks use.")
    granted: int | None
    used: int | None
    ratio: float | None = Field(description="used / granted; null when unknown.")
    admin: bool
    last_activity: str | None
    principal_unused: bool = Field(description="No activity in the window (and older than it).")
    unused: list[UsageUnusedOut]
    unused_count: int
    credentials: list[UsageCredentialOut]
    unused_credentials: int
    proposed_policy: dict[str, Any] | None = Field(
        description="AWS: an IAM policy granting only what was used, on the resources granted today."
    )
    proposed_roles: list[dict[str, Any]] = Field(
        description="GCP: per binding, the smallest known role covering the exercised permissions."
    )


class UsageCountsOut(BaseModel):
    principals: int = 0
    collected: int = 0
    not_collected: int = 0
    unused_principals: int = 0
    unused_credentials: int = 0
    admin_low_usage: int = 0


class UsageOut(BaseModel):
    at: str | None = Field(description="Collection time of the latest run: the point unused days count from.")
    unused_days: int
    principals: list[PrincipalUsageOut] = Field(description="Most over-privileged first.")
    counts: UsageCountsOut


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
    doc["principals"] = [p for p in doc["principals"] if principal_in_scope(p, allowed)]
    return CreepOut.model_validate(doc)


@router.get(
    "/usage",
    response_model=UsageOut,
    dependencies=[Depends(strict_query("principal", "unused_days", "limit"))],
)
def get_usage(
    key: ScopedViewer,
    principal: Annotated[str | None, Query(max_length=2048, description="Only this principal id.")] = None,
    unused_days: Annotated[int, Query(ge=1, le=3650, description="Unused for at least this many days.")] = 90,
    limit: Annotated[int, Query(ge=1, le=100_000, description="At most this many principals.")] = 1000,
) -> UsageOut:
    """Granted versus used per principal (most over-privileged first), with the evidence window. A scoped key
    sees only the principals of its accounts, projects and clusters."""
    allowed = allowed_scopes(key)
    doc = usage_report(unused_days, principal, None if allowed is None else frozenset(allowed))
    doc["principals"] = [p for p in doc["principals"] if in_scope(p["scope"], allowed)][:limit]
    return UsageOut.model_validate(doc)


@router.get(
    "/{principal_id:path}",
    response_model=PrincipalPermissionsOut,
    responses=error_responses(404),
    dependencies=[Depends(strict_query())],
)
def get_principal(key: ScopedViewer, principal_id: str) -> PrincipalPermissionsOut:
    """Effective permissions of one principal (ARN, `cluster/Kind/…`, `scope/member`,
    `subscription/principal object id`) and their history."""
    try:
        doc = show(principal_id)
    except CreepError as exc:
        raise ApiError(404, "not_found", str(exc)) from exc
    if not principal_in_scope(doc, allowed_scopes(key)):  # out of scope reads as absent
        raise ApiError(404, "not_found", f"no principal {principal_id[:200]!r} in this key's scopes")
    return PrincipalPermissionsOut.model_validate(doc)
