"""What a scoped key may see, as the filter values endpoints pass to their queries.

A key's scopes (AWS accounts, GCP projects, Kubernetes clusters, Azure
subscriptions) are one flat allow-list here: a finding's
or an asset's scope is exactly one of those ids (or starts with `<id>/`). The queries apply it as the
`$allowed` parameter through graph/scopes.py. Every read-only endpoint accepts scoped keys (`ScopedViewer`
in api/auth.py) and filters; `/cypher`, `/metrics` and the admin endpoints refuse them with 403
`scoped_key`, so a scope is never silently ignored.
"""

from __future__ import annotations

from appdb.keys import ApiKey


def allowed_scopes(key: ApiKey) -> list[str] | None:
    """None for an unscoped key (no filter), else the sorted ids the key may see."""
    if not key.scopes.limited:
        return None
    s = key.scopes
    return sorted({*s.aws_accounts, *s.gcp_projects, *s.clusters, *s.azure_subscriptions})


def in_scope(scope: str | None, allowed: list[str] | None) -> bool:
    """Whether a record with this scope (`id` or `id/...`) is visible under `allowed` (None: everything)."""
    if allowed is None:
        return True
    return scope is not None and any(scope == a or scope.startswith(a + "/") for a in allowed)
