"""What a scoped key may see, as the filter values endpoints pass to their queries.

A key's scopes (AWS accounts, GCP projects, Kubernetes clusters, Azure
subscriptions) are one flat allow-list here: a finding's
or an asset's scope is exactly one of those ids (or starts with `<id>/`). The queries apply it as the
`$allowed` parameter through graph/scopes.py. Every read-only endpoint accepts scoped keys (`ScopedViewer`
in api/auth.py) and filters; `/cypher`, `/metrics` and the admin endpoints refuse them with 403
`scoped_key`, so a scope is never silently ignored.
"""

from __future__ import annotations

from typing import Any

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


def principal_in_scope(rec: dict[str, Any], allowed: list[str] | None) -> bool:
    """A permission record is visible by its `scope`, or by the GCP `project` holding the principal (a service
    account of an organization scan, analysis/privileges/graph_gcp.py); records of older runs lack it."""
    return in_scope(rec.get("scope"), allowed) or (
        allowed is not None and rec.get("project") is not None and in_scope(rec["project"], allowed)
    )
