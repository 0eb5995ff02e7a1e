"""API keys stored hashed in the graph: ``(:ApiKey {id, name, role, prefix, hash, created_at, revoked_at})``.

A key reads ``ig_<prefix>_<secret>``. The prefix (public, 8 hex characters) finds the node; only the
sha256 of the secret is stored. The secret comes from ``secrets.token_urlsafe(32)`` (256 bits), so a fast
hash is enough: there is nothing to brute-force that a slow KDF would protect, and every request can
afford to verify it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass

from graph import driver

ROLES: tuple[str, ...] = ("viewer", "analyst", "admin")
KEY_PREFIX = "ig"
_KEY_RE = re.compile(r"^ig_([0-9a-f]{8})_([A-Za-z0-9_-]{20,128})$")

APIKEY_SCHEMA = [
    "CREATE CONSTRAINT apikey_id IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.id IS UNIQUE",
    "CREATE CONSTRAINT apikey_prefix IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.prefix IS UNIQUE",
]


@dataclass(frozen=True)
class ApiKey:
    """A key as the application sees it: never the secret, never the hash."""

    id: str
    name: str
    role: str
    prefix: str
    created_at: str
    revoked_at: str | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


def role_rank(role: str) -> int:
    """viewer < analyst < admin; unknown roles rank below everything."""
    return ROLES.index(role) if role in ROLES else -1


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_key(token: str) -> tuple[str, str] | None:
    """(prefix, secret) of a well-formed key, else None (so garbage never reaches Neo4j)."""
    m = _KEY_RE.match(token)
    return (m.group(1), m.group(2)) if m else None


def ensure_schema() -> None:
    for stmt in APIKEY_SCHEMA:
        driver.write(stmt)


_RETURN = (
    "RETURN k {.id, .name, .role, .prefix, created_at: toString(k.created_at), "
    "revoked_at: toString(k.revoked_at)} AS key"
)


def create_key(name: str, role: str) -> tuple[ApiKey, str]:
    """Create a key; returns it and the full secret token, which is shown once and never stored."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}; got {role!r}")
    if not name.strip():
        raise ValueError("name must not be empty")
    ensure_schema()
    key_id = uuid.uuid4().hex
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    rows = driver.write(
        "CREATE (k:ApiKey {id: $id, name: $name, role: $role, prefix: $prefix, hash: $hash, "
        "created_at: datetime()}) " + _RETURN,
        {"id": key_id, "name": name.strip(), "role": role, "prefix": prefix, "hash": hash_secret(secret)},
    )
    return ApiKey(**rows[0]["key"]), f"{KEY_PREFIX}_{prefix}_{secret}"


def list_keys() -> list[ApiKey]:
    rows = driver.read("MATCH (k:ApiKey) " + _RETURN + " ORDER BY key.created_at, key.id")
    return [ApiKey(**r["key"]) for r in rows]


def get_key(key_id: str) -> ApiKey | None:
    rows = driver.read("MATCH (k:ApiKey {id: $id}) " + _RETURN, {"id": key_id})
    return ApiKey(**rows[0]["key"]) if rows else None


def revoke_key(key_id: str) -> ApiKey | None:
    """Mark a key revoked (kept for the audit trail); None when no such key. Idempotent."""
    rows = driver.write(
        "MATCH (k:ApiKey {id: $id}) SET k.revoked_at = coalesce(k.revoked_at, datetime()) " + _RETURN,
        {"id": key_id},
    )
    return ApiKey(**rows[0]["key"]) if rows else None


def verify(token: str) -> ApiKey | None:
    """The live (not revoked) key for a bearer token, else None. One indexed lookup by prefix."""
    parsed = parse_key(token)
    if parsed is None:
        return None
    prefix, secret = parsed
    rows = driver.read(
        "MATCH (k:ApiKey {prefix: $prefix}) WITH k, k.hash AS hash " + _RETURN + ", hash",
        {"prefix": prefix},
    )
    if not rows:
        return None
    # Constant-time comparison so response timing does not leak how much of the hash matched.
    if not hmac.compare_digest(rows[0]["hash"], hash_secret(secret)):
        return None
    key = ApiKey(**rows[0]["key"])
    return None if key.revoked else key
