"""Scope filters as Cypher fragments over one `$allowed` parameter: how every read limits itself to a
scoped API key's AWS accounts, GCP projects, Kubernetes clusters and Azure subscriptions.

`$allowed` is null for an unscoped key (no filter) or the list of scope ids the key may see. A scope value
matches when it equals one of them or starts with `<id>/` (a namespace below a cluster: `prod-eks/web`),
the same reading as the `scope` recorded on findings and change records. An asset's owning scope is the
node that holds it through the `RESOURCE` relationship (AWS account, GCP project and Azure subscription by
id, Kubernetes cluster by name, as in queries/runner.py and the history writer); an owner node is its own
scope. Tenant- or organization-level assets have no such owner and stay outside every scope.
The fragments interpolate only our own variable names (checked below), never input: values always travel
as the `$allowed` parameter.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")
OWNER_LABELS = ("AWSAccount", "GCPProject", "KubernetesCluster", "AzureSubscription")


def _checked(expr: str) -> str:
    if not _NAME.match(expr):
        raise ValueError(f"not a Cypher variable or property: {expr!r}")
    return expr


def scope_in(*exprs: str) -> str:
    """True when the scope value `expr` (e.g. `f.scope`) is within `$allowed` (always, when it is null).
    Several expressions: the first that is not null is the scope (`n.account, n.cluster`)."""
    checked = [_checked(e) for e in exprs]
    e = checked[0] if len(checked) == 1 else f"coalesce({', '.join(checked)})"
    return f"($allowed IS NULL OR any(sid IN $allowed WHERE {e} = sid OR {e} STARTS WITH sid + '/'))"


def _owner_id(o: str) -> str:
    return f"CASE WHEN {o}:KubernetesCluster THEN {o}.name ELSE {o}.id END"


def _is_owner(o: str) -> str:
    return "(" + " OR ".join(f"{o}:{label}" for label in OWNER_LABELS) + ")"


def owner_scope(owner: str) -> str:
    """The scope value of the owner node `owner` (cluster name, else id), as findings record it."""
    return _owner_id(_checked(owner))


def is_owner(node: str) -> str:
    """True when `node` is an owner node (an account, project, cluster or subscription)."""
    return _is_owner(_checked(node))


def owner_in_scope(owner: str) -> str:
    """True when the owner node `owner` (an account, project, cluster or subscription) is in `$allowed`."""
    o = _checked(owner)
    return f"($allowed IS NULL OR {_owner_id(o)} IN $allowed)"


def owned_in_scope(node: str) -> str:
    """True when the asset `node` is held (RESOURCE) by an owner in `$allowed`, or is such an owner itself.
    An asset with no owner is outside every scope: a scoped key never sees it."""
    n = _checked(node)
    return (
        f"($allowed IS NULL OR ({_is_owner(n)} AND {_owner_id(n)} IN $allowed) OR EXISTS {{ "
        f"MATCH (so)-[:RESOURCE]->({n}) WHERE {_is_owner('so')} AND {_owner_id('so')} IN $allowed }})"
    )
