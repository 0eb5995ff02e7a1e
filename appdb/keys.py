"""API keys: ``ig_<prefix>_<secret>``; the application database stores only the sha256 of the secret.

The prefix (public, 8 hex characters) finds the row; the secret comes from ``secrets.token_urlsafe(32)``
(256 bits), so a fast hash is enough: there is nothing to brute-force that a slow KDF would protect,
and every request can afford to verify it. Keys may expire, be rotated (a new secret, same name, role
and scopes; the old key revoked at once or after a grace period) and be limited to scopes.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from appdb import engine
from appdb.models import ApiKeyRow

ROLES: tuple[str, ...] = ("viewer", "analyst", "admin")
KEY_PREFIX = "ig"
SCOPE_KINDS: tuple[str, ...] = ("aws_accounts", "gcp_projects", "clusters", "azure_subscriptions")
_KEY_RE = re.compile(r"^ig_([0-9a-f]{8})_([A-Za-z0-9_-]{20,128})$")
_DURATION_RE = re.compile(r"^([1-9][0-9]{0,4})([hdw])$")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
# A hash no secret matches, compared against when the prefix is unknown so that unknown and known
# prefixes cost the same work.
_NO_HASH = "0" * 64


@dataclass(frozen=True)
class Scopes:
    """What a key may see. Every kind empty: the whole inventory (an unscoped key)."""

    aws_accounts: tuple[str, ...] = ()
    gcp_projects: tuple[str, ...] = ()
    clusters: tuple[str, ...] = ()
    # Subscription GUIDs; keys stored before this kind existed load with it empty (Scopes.of uses .get).
    azure_subscriptions: tuple[str, ...] = ()

    @property
    def limited(self) -> bool:
        return bool(self.aws_accounts or self.gcp_projects or self.clusters or self.azure_subscriptions)

    def as_dict(self) -> dict[str, list[str]]:
        return {k: list(getattr(self, k)) for k in SCOPE_KINDS}

    @classmethod
    def of(cls, data: dict[str, list[str]] | None) -> Scopes:
        data = data or {}
        return cls(**{k: tuple(sorted(set(data.get(k) or ()))) for k in SCOPE_KINDS})


@dataclass(frozen=True)
class ApiKey:
    """A key as the application sees it: never the secret, never the hash."""

    id: str
    name: str
    role: str
    prefix: str
    created_at: str
    revoked_at: str | None = None
    expires_at: str | None = None
    last_used_at: str | None = None
    scopes: Scopes = field(default_factory=Scopes)
    rotated_from: str | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def expired(self, now: datetime | None = None) -> bool:
        if self.expires_at is None:
            return False
        return datetime.fromisoformat(self.expires_at) <= (now or datetime.now(UTC))

    @property
    def live(self) -> bool:
        return not self.revoked and not self.expired()


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _of(row: ApiKeyRow) -> ApiKey:
    return ApiKey(
        id=row.id,
        name=row.name,
        role=row.role,
        prefix=row.prefix,
        created_at=_iso(row.created_at) or "",
        revoked_at=_iso(row.revoked_at),
        expires_at=_iso(row.expires_at),
        last_used_at=_iso(row.last_used_at),
        scopes=Scopes.of(row.scopes),
        rotated_from=row.rotated_from,
    )


def role_rank(role: str) -> int:
    """viewer < analyst < admin; unknown roles rank below everything."""
    return ROLES.index(role) if role in ROLES else -1


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_key(token: str) -> tuple[str, str] | None:
    """(prefix, secret) of a well-formed key, else None (so garbage never reaches the database)."""
    m = _KEY_RE.match(token)
    return (m.group(1), m.group(2)) if m else None


def parse_duration(text: str) -> timedelta:
    """'12h', '90d', '2w' → timedelta; anything else raises ValueError naming the accepted forms."""
    m = _DURATION_RE.match(text.strip())
    if m is None:
        raise ValueError(
            f"expiry must look like 12h, 90d or 2w (a positive whole number and h/d/w); got {text!r}"
        )
    return int(m.group(1)) * _UNITS[m.group(2)]


def _check(name: str, role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}; got {role!r}")
    if not name.strip():
        raise ValueError("name must not be empty")


def create_key(
    name: str,
    role: str,
    expires_in: timedelta | None = None,
    scopes: Scopes | None = None,
    rotated_from: str | None = None,
) -> tuple[ApiKey, str]:
    """Create a key; returns it and the full token, which is shown once and never stored."""
    _check(name, role)
    now = datetime.now(UTC)
    secret = secrets.token_urlsafe(32)
    scopes = scopes or Scopes()
    row = ApiKeyRow(
        id=uuid.uuid4().hex,
        name=name.strip(),
        role=role,
        prefix=secrets.token_hex(4),
        hash=hash_secret(secret),
        created_at=now,
        expires_at=now + expires_in if expires_in else None,
        scopes=scopes.as_dict() if scopes.limited else None,
        rotated_from=rotated_from,
    )
    with engine.session() as s:
        s.add(row)
    return _of(row), f"{KEY_PREFIX}_{row.prefix}_{secret}"


def list_keys() -> list[ApiKey]:
    with engine.session() as s:
        rows = s.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created_at, ApiKeyRow.id)).all()
        return [_of(r) for r in rows]


def get_key(key_id: str) -> ApiKey | None:
    with engine.session() as s:
        row = s.get(ApiKeyRow, key_id)
        return _of(row) if row else None


def revoke_key(key_id: str, at: datetime | None = None) -> ApiKey | None:
    """Mark a key revoked (kept for the audit trail); None when no such key. Idempotent."""
    with engine.session() as s:
        row = s.get(ApiKeyRow, key_id, with_for_update=True)
        if row is None:
            return None
        if row.revoked_at is None:
            row.revoked_at = at or datetime.now(UTC)
        return _of(row)


def rotate_key(
    key_id: str, grace: timedelta | None = None, expires_in: timedelta | None = None
) -> tuple[ApiKey, ApiKey, str] | None:
    """A new key with the old one's name, role and scopes; the old one is revoked now, or expires after
    `grace` so clients can switch. The new key keeps the old lifetime unless `expires_in` is given.
    Returns (old, new, token), or None when there is no live key with that id."""
    old = get_key(key_id)
    if old is None or not old.live:
        return None
    now = datetime.now(UTC)
    if expires_in is None and old.expires_at is not None:
        expires_in = datetime.fromisoformat(old.expires_at) - datetime.fromisoformat(old.created_at)
    new, token = create_key(old.name, old.role, expires_in, old.scopes, rotated_from=old.id)
    with engine.session() as s:
        row = s.get(ApiKeyRow, key_id, with_for_update=True)
        assert row is not None
        if grace:
            ends = now + grace
            row.expires_at = min(row.expires_at, ends) if row.expires_at else ends
        else:
            row.revoked_at = now
        old = _of(row)
    return old, new, token


def verify(token: str) -> ApiKey | None:
    """The live (not revoked, not expired) key for a bearer token, else None. One lookup by prefix."""
    parsed = parse_key(token)
    if parsed is None:
        return None
    prefix, secret = parsed
    with engine.session() as s:
        row = s.scalars(select(ApiKeyRow).where(ApiKeyRow.prefix == prefix)).one_or_none()
        stored = row.hash if row is not None else _NO_HASH
        # Constant-time comparison so response timing does not leak how much of the hash matched.
        if not hmac.compare_digest(stored, hash_secret(secret)) or row is None:
            return None
        key = _of(row)
    return key if key.live else None


def touch(key_id: str, at: datetime | None = None) -> None:
    """Record that a key was used (called on cache misses, so accurate to the key cache TTL)."""
    with engine.session() as s:
        stmt = update(ApiKeyRow).where(ApiKeyRow.id == key_id)
        s.execute(stmt.values(last_used_at=at or datetime.now(UTC)))
