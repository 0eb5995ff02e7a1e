"""`/api/v1/apikeys`: list, create and revoke API keys (admin). Secrets are shown once, at creation."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Request, status
from pydantic import BaseModel, Field

from api.auth import Admin, key_cache
from api.deps import strict_query
from api.errors import ApiError, error_responses
from graph import apikeys, audit
from graph.apikeys import ApiKey

router = APIRouter(prefix="/apikeys", tags=["apikeys"], dependencies=[Depends(strict_query())])
KeyId = Annotated[str, Path(min_length=1, max_length=64, description="The key id (not its prefix).")]


class ApiKeyOut(BaseModel):
    id: str
    name: str
    role: Literal["viewer", "analyst", "admin"]
    prefix: str
    created_at: str
    revoked_at: str | None = None

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyOut:
        return cls(id=key.id, name=key.name, role=key.role,  # type: ignore[arg-type]
                   prefix=key.prefix, created_at=key.created_at, revoked_at=key.revoked_at)


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100, pattern=r"\S")
    role: Literal["viewer", "analyst", "admin"]


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The full key. Shown only in this response; store it now.")


def _audit(admin: ApiKey, action: str, outcome: str, detail: str) -> None:
    audit.record(audit.AuditEvent(key_id=admin.id, key_name=admin.name, action=action, outcome=outcome,
                                  detail=detail))


@router.get("", response_model=list[ApiKeyOut], responses=error_responses())
def list_api_keys(_: Admin) -> list[ApiKeyOut]:
    """All keys, revoked ones included; never a secret or hash."""
    return [ApiKeyOut.of(k) for k in apikeys.list_keys()]


@router.post("", response_model=ApiKeyCreated, status_code=status.HTTP_201_CREATED,
             responses=error_responses())
def create_api_key(body: ApiKeyCreate, admin: Admin) -> ApiKeyCreated:
    """Create a key; the response carries the secret key once."""
    key, secret = apikeys.create_key(body.name, body.role)
    _audit(admin, "apikey.create", "ok", f"id={key.id} name={key.name} role={key.role}")
    return ApiKeyCreated(**ApiKeyOut.of(key).model_dump(), key=secret)


@router.delete("/{key_id}", response_model=ApiKeyOut, responses=error_responses(404))
def revoke_api_key(key_id: KeyId, admin: Admin, request: Request) -> ApiKeyOut:
    """Revoke a key (kept, marked revoked). Other worker processes honour it within the key cache TTL."""
    key = apikeys.revoke_key(key_id)
    if key is None:
        _audit(admin, "apikey.revoke", "not_found", f"id={key_id[:64]}")
        raise ApiError(404, "not_found", f"no API key with id {key_id[:64]!r}")
    key_cache(request).drop_key(key.id)
    _audit(admin, "apikey.revoke", "ok", f"id={key.id} name={key.name}")
    return ApiKeyOut.of(key)
