"""Bearer API keys: `require_role(min_role)` and the `Viewer` / `Analyst` / `Admin` aliases.

Keys live in the application database (`appdb`), never in the graph. Valid keys are cached in-process
for `key_cache_ttl_s` (never past their expiry) so a busy client does not cost one database round trip
per request; each cache miss also records the key's last-used time. Revocation through this process
drops the entry at once; other worker processes keep accepting a revoked key for at most the TTL.
Failures are never cached (a new key works at once).
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api import ratelimit
from api.deps import Settings
from api.errors import ApiError
from appdb import keys as apikeys
from appdb.keys import ApiKey
from config import ApiSettings

bearer_scheme = HTTPBearer(auto_error=False, description="An invgraph API key: `ig_<prefix>_<secret>`.")
BOOTSTRAP_KEY = ApiKey(
    id="bootstrap", name="bootstrap admin key", role="admin", prefix="bootstrap", created_at=""
)
_MAX_CACHE = 10_000


class KeyCache:
    """sha256(token) → (key, expiry). Hashing the token means the cache never holds a usable secret."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[ApiKey, float]] = {}

    def get(self, digest: str) -> ApiKey | None:
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None:
                return None
            if entry[1] < time.monotonic():
                del self._entries[digest]
                return None
            return entry[0]

    def put(self, digest: str, key: ApiKey, ttl: float) -> None:
        if key.expires_at is not None:  # never serve a key from the cache past its expiry
            ttl = min(ttl, (datetime.fromisoformat(key.expires_at) - datetime.now(UTC)).total_seconds())
        if ttl <= 0:
            return
        with self._lock:
            if len(self._entries) >= _MAX_CACHE:
                self._entries.clear()  # crude but bounded; a miss only costs one lookup
            self._entries[digest] = (key, time.monotonic() + ttl)

    def drop_key(self, key_id: str) -> None:
        with self._lock:
            for digest in [d for d, (k, _) in self._entries.items() if k.id == key_id]:
                del self._entries[digest]


def key_cache(request: Request) -> KeyCache:
    cache: KeyCache = request.app.state.key_cache
    return cache


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def authenticate(token: str, settings: Settings, cache: KeyCache) -> ApiKey:
    digest = hashlib.sha256(token.encode()).hexdigest()
    boot = settings.bootstrap_admin_key
    if boot is not None and hmac.compare_digest(
        digest, hashlib.sha256(boot.get_secret_value().encode()).hexdigest()
    ):
        return BOOTSTRAP_KEY
    cached = cache.get(digest)
    if cached is not None:
        return cached
    key = apikeys.verify(token)
    if key is None:
        # One message for unknown, malformed, expired and revoked keys: no oracle for which prefixes
        # exist or which keys once did.
        raise _unauthorized("invalid or revoked API key")
    apikeys.touch(key.id)
    cache.put(digest, key, settings.key_cache_ttl_s)
    return key


def _throttle(request: Request, key: ApiKey, settings: ApiSettings) -> None:
    limiter = request.app.state.rate_limiter
    if limiter is None:  # built from the settings the dependency sees (tests override them)
        limiter = request.app.state.rate_limiter = ratelimit.RateLimiter(settings)
    cls = ratelimit.classify(request.url.path)
    wait = limiter.take(key.id, cls)
    if wait > 0:
        request.app.state.metrics.rate_limited.labels(cls).inc()
        raise ApiError(
            429,
            "too_many_requests",
            f"rate limit for {cls!r} requests of this key reached; retry in {ratelimit.retry_after(wait)} s",
            rule="rate_limit",
            headers={"Retry-After": ratelimit.retry_after(wait)},
        )


def require_role(min_role: str, scoped: bool = False, refusal: str | None = None) -> Callable[..., ApiKey]:
    """`scoped=True` for endpoints that filter their answer to a scoped key's accounts, projects and
    clusters; every other endpoint refuses a scoped key (403, `refusal` saying why), so a scope is never
    silently ignored."""
    if min_role not in apikeys.ROLES:
        raise ValueError(f"unknown role {min_role!r}")

    def dependency(
        request: Request,
        settings: Settings,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    ) -> ApiKey:
        if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
            raise _unauthorized("missing API key: send 'Authorization: Bearer <key>'")
        key = authenticate(credentials.credentials, settings, key_cache(request))
        if apikeys.role_rank(key.role) < apikeys.role_rank(min_role):
            raise ApiError(
                403, "forbidden", f"this endpoint needs the {min_role!r} role; the key has {key.role!r}"
            )
        if key.scopes.limited and not scoped:
            raise ApiError(
                403,
                "forbidden",
                refusal
                or "this endpoint cannot be limited to a key's scopes, "
                "so scoped keys may not use it; use an unscoped key",
                rule="scoped_key",
            )
        request.state.api_key = key
        if settings.rate_limits_enabled:
            _throttle(request, key, settings)
        return key

    dependency.__name__ = f"require_{min_role}"
    return dependency


# A viewer key whose scopes the endpoint applies (see api/scopes.py): every read-only endpoint.
ScopedViewer = Annotated[ApiKey, Depends(require_role("viewer", scoped=True))]
Analyst = Annotated[ApiKey, Depends(require_role("analyst"))]
Admin = Annotated[ApiKey, Depends(require_role("admin"))]
