"""User-assigned managed identities (``identity list``): AzureManagedIdentity with its principal id, the id
role assignments name it by, and its client id, the id a Kubernetes service account names it by.

Where collected, ``identity federated-credential list --identity-name <name> --resource-group <group>`` in
``identity/federated-credential-list/<identity name>.json``: ``federated_credentials`` is the list of
``{name, issuer, subject, audiences}`` the identity trusts (AKS workload identity: the cluster's OIDC issuer
and ``system:serviceaccount:<namespace>:<name>``) — null when the identity's file was not collected (trust
unknown, never "none"). A credential belongs to the identity its own ARM id sits under, so two identities of
one name in different resource groups never mix; only which file exists is read by name.
"""

from __future__ import annotations

from typing import Any

from graph.schema.azure.iam import AZURE_MANAGED_IDENTITY
from ingest.azure.common import Item, base, read_list, rows_each, sync_azure
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

FEDERATED = "federated-credential-list"
_CHILD = "/federatedidentitycredentials/"


def _credentials(listed: dict[str, Any], errors: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Credentials per identity id (lower-cased), from every collected file."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name, items in sorted(listed.items()):
        if not isinstance(items, list):
            errors.append(f"identity {FEDERATED}/{name}.json: not a JSON array")
            continue
        for i, c in enumerate(items):
            cid = str(c.get("id") or "").lower() if isinstance(c, dict) else ""
            if _CHILD not in cid or not c.get("issuer"):
                errors.append(f"identity {FEDERATED}/{name}.json[{i}]: no federated credential id / issuer")
                continue
            out.setdefault(cid.split(_CHILD, 1)[0], []).append(
                {
                    "name": c.get("name"),
                    "issuer": c["issuer"],
                    "subject": c.get("subject"),
                    "audiences": sorted(c.get("audiences") or []),
                }
            )
    return out


def _identity(item: Item, listed: dict[str, Any], creds: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    row = base(item)
    return {
        **row,
        "principal_id": item["principalId"],
        "client_id": item.get("clientId"),
        "tenant_id": item.get("tenantId"),
        "federated_credentials": (
            sorted(creds.get(row["id"], []), key=lambda c: str(c["name"])) if item["name"] in listed else None
        ),
    }


def transform(raw: tuple[list[Item], dict[str, Any]]) -> Transformed:
    items, listed = raw
    errors: list[str] = []
    creds = _credentials(listed, errors)
    rows = rows_each(items, lambda i: _identity(i, listed, creds), errors, "identity list")
    return Transformed({AZURE_MANAGED_IDENTITY: rows}, errors)


def _get(snap: Snapshot, scope: Scope) -> tuple[list[Item], dict[str, Any]] | None:
    items = read_list(snap, scope, "identity", "list")
    if items is None:
        return None
    return items, snap.azure_folder(scope.owner, scope.region, "identity", FEDERATED) or {}


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    return sync_azure(MODULE, snap, ctx, scope, lambda: _get(snap, scope), transform)


MODULE = Module("azure", "identities", sync, (AZURE_MANAGED_IDENTITY,), regional=True)
