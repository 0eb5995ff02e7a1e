"""`GET /api/v1/audit`: the audit log, newest first (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from api.auth import Admin
from api.deps import strict_query
from api.errors import error_responses
from appdb import audit

router = APIRouter(
    prefix="/audit", tags=["audit"], dependencies=[Depends(strict_query("limit", "action", "key_id"))]
)


class AuditEventOut(BaseModel):
    at: str | None
    key_id: str
    key_name: str
    action: str
    outcome: str
    query_sha256: str | None = None
    rows: int | None = None
    duration_ms: float | None = None
    detail: str | None = None


@router.get("", response_model=list[AuditEventOut], responses=error_responses())
def list_audit_events(
    _: Admin,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    action: Annotated[str | None, Query(max_length=64)] = None,
    key_id: Annotated[str | None, Query(max_length=64)] = None,
) -> list[AuditEventOut]:
    """Audit events (ad-hoc queries, key creation and revocation), optionally filtered."""
    return [AuditEventOut(**vars(e)) for e in audit.list_events(limit, action, key_id)]
