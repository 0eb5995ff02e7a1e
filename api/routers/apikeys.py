"""`/api/v1/apikeys`: list, create, rotate and revoke API keys (admin). Secrets are shown once."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Request, status
from pydantic import BaseModel, Field, field_validator

from api.auth import Admin, key_cache
from api.deps import strict_query
from api.errors import ApiError, error_responses
from appdb import audit
from appdb import keys as apikeys
from appdb.keys import ApiKey, Scopes

router = APIRouter(prefix="/apikeys", tags=["apikeys"], dependencies=[Depends(strict_query())])
KeyId = Annotated[str, Path(min_length=1, max_length=64, description="The key id (not its prefix).")]
_ScopeList = Annotated[list[Annotated[str, Field(min_length=1, max_length=128)]], Field(max_length=1000)]


class ScopesModel(BaseModel):
    """Limits a key to these AWS accounts, GCP projects, Kubernetes clusters and Azure subscriptions; all
    empty: no limit."""

    aws_accounts: _ScopeList = Field(default_factory=list)
    gcp_projects: _ScopeList = Field(default_factory=list)
    clusters: _ScopeList = Field(default_factory=list)
    azure_subscriptions: _ScopeList = Field(default_factory=list)

    def to_scopes(self) -> Scopes:
        return Scopes.of(self.model_dump())


class ApiKeyOut(BaseModel):
    id: str
    name: str
    role: Literal["viewer", "analyst", "admin"]
    prefix: str
    created_at: str
    revoked_at: str | None = None
    expires_at: str | None = Field(default=None, description="After this the key is refused.")
    last_used_at: str | None = Field(
        default=None, description="Last successful authentication, accurate to the key cache TTL."
    )
    scopes: ScopesModel | None = Field(default=None, description="Null: the key sees the whole inventory.")
    rotated_from: str | None = Field(default=None, description="The key this one replaced.")

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyOut:
        return cls(
            id=key.id,
            name=key.name,
            role=key.role,  # type: ignore[arg-type]
            prefix=key.prefix,
            created_at=key.created_at,
            revoked_at=key.revoked_at,
            expires_at=key.expires_at,
            last_used_at=key.last_used_at,
            scopes=ScopesModel(**key.scopes.as_dict()) if key.scopes.limited else None,
            rotated_from=key.rotated_from,
        )


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100, pattern=r"\S")
    role: Literal["viewer", "analyst", "admin"]
    expires: str | None = Field(default=None, description="Lifetime such as 12h, 90d or 2w; none: no expiry.")
    scopes: ScopesModel | None = None

    @field_validator("expires")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None:
            apikeys.parse_duration(value)
        return value


class ApiKeyRotate(BaseModel):
    grace: str | None = Field(default=None, description="Keep the old key working this long (e.g. 1h).")
    expires: str | None = Field(default=None, description="Lifetime of the new key; default: the old one's.")

    @field_validator("grace", "expires")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None:
            apikeys.parse_duration(value)
        return value


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The full key. Shown only in this response; store it now.")


def _audit(admin: ApiKey, action: str, outcome: str, detail: str) -> None:
    audit.record(
        audit.AuditEvent(key_id=admin.id, key_name=admin.name, action=action, outcome=outcome, detail=detail)
    )


def _duration(text: str | None) -> timedelta | None:
    return apikeys.parse_duration(text) if text else None


@router.get("", response_model=list[ApiKeyOut], responses=error_responses())
def list_api_keys(_: Admin) -> list[ApiKeyOut]:
    """All keys, revoked and expired ones included; never a secret or hash."""
    return [ApiKeyOut.of(k) for k in apikeys.list_keys()]


@router.post(
    "", response_model=ApiKeyCreated, status_code=status.HTTP_201_CREATED, responses=error_responses()
)
def create_api_key(body: ApiKeyCreate, admin: Admin) -> ApiKeyCreated:
    """Create a key; the response carries the secret key once."""
    scopes = body.scopes.to_scopes() if body.scopes else Scopes()
    key, secret = apikeys.create_key(body.name, body.role, _duration(body.expires), scopes)
    _audit(admin, "apikey.create", "ok", f"id={key.id} name={key.name} role={key.role}")
    return ApiKeyCreated(**ApiKeyOut.of(key).model_dump(), key=secret)


@router.post(
    "/{key_id}/rotate",
    response_model=ApiKeyCreated,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(404),
)
def rotate_api_key(
    key_id: KeyId, admin: Admin, request: Request, body: ApiKeyRotate | None = None
) -> ApiKeyCreated:
    """Replace a live key by a new one (same name, role, scopes); the old one is revoked or expires
    after the grace period."""
    body = body or ApiKeyRotate()
    rotated = apikeys.rotate_key(key_id, _duration(body.grace), _duration(body.expires))
    if rotated is None:
        _audit(admin, "apikey.rotate", "not_found", f"id={key_id[:64]}")
        raise ApiError(404, "not_found", f"no live API key with id {key_id[:64]!r}")
    old, new, secret = rotated
    key_cache(request).drop_key(old.id)
    _audit(admin, "apikey.rotate", "ok", f"id={old.id} new_id={new.id} name={new.name}")
    return ApiKeyCreated(**ApiKeyOut.of(new).model_dump(), key=secret)


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
