"""Resource hierarchy: GCPOrganization, GCPFolder, GCPProject with PARENT links (Cartography).

The scope node always gets a row, even when its own asset is missing from the listing (an org-level
listing may omit the organization asset; a project listing may lack permission on the project asset), so
every other module has an owner to attach to. Folders load parents first: a PARENT edge MATCHes its parent.
"""

from __future__ import annotations

from typing import Any

from graph.schema.gcp.common import is_org, scope_node_id
from graph.schema.gcp.hierarchy import GCP_FOLDER, GCP_ORGANIZATION, GCP_PROJECT, GCP_PROJECT_SCOPE
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.gcp.common import RESOURCE, Asset, read_assets, rows_each, sync_gcp
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

ORG, FOLDER, PROJECT = (
    f"cloudresourcemanager.googleapis.com/{t}" for t in ("Organization", "Folder", "Project")
)


def _parents(asset: Asset) -> dict[str, Any]:
    # ancestors starts with the asset itself, then its parent: the one field every CRM asset has.
    parent = (asset.get("ancestors") or [None, None])[1:2]
    ref = parent[0] if parent else None
    return {
        "parent_org": ref if ref and ref.startswith("organizations/") else None,
        "parent_folder": ref if ref and ref.startswith("folders/") else None,
    }


def _org(asset: Asset, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": data.get("name") or asset["ancestors"][0],
        "displayname": data.get("displayName"),
        "lifecyclestate": data.get("lifecycleState") or data.get("state"),
        "asset_name": asset["name"],
    }


def _folder(asset: Asset, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": data.get("name") or asset["ancestors"][0],
        "displayname": data.get("displayName"),
        "lifecyclestate": data.get("lifecycleState") or data.get("state"),
        "asset_name": asset["name"],
        "update_time": asset.get("updateTime"),
        "_depth": len(asset.get("ancestors") or []),
        **_parents(asset),
    }


def _project(asset: Asset, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": data["projectId"],
        "projectnumber": str(data["projectNumber"]),
        "displayname": data.get("name") or data.get("displayName"),
        "lifecyclestate": data.get("lifecycleState") or data.get("state"),
        "asset_name": asset["name"],
        "update_time": asset.get("updateTime"),
        **_parents(asset),
    }


def transform(assets: list[Asset], scope: str) -> Transformed:
    errors: list[str] = []
    projects = rows_each(assets, PROJECT, _project, errors)
    if not is_org(scope):
        own = [p for p in projects if p["id"] == scope] or [{"id": scope}]
        return Transformed({GCP_PROJECT_SCOPE: own}, errors)
    org_id = scope_node_id(scope)
    orgs = [o for o in rows_each(assets, ORG, _org, errors) if o["id"] == org_id] or [{"id": org_id}]
    folders = sorted(rows_each(assets, FOLDER, _folder, errors), key=lambda f: f["_depth"])
    return Transformed({GCP_ORGANIZATION: orgs, GCP_FOLDER: folders, GCP_PROJECT: projects}, errors)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    owner = scope.owner
    schemas = [GCP_ORGANIZATION, GCP_FOLDER, GCP_PROJECT] if is_org(owner) else [GCP_PROJECT_SCOPE]
    return sync_gcp(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: read_assets(snap, owner, RESOURCE),
        lambda assets: transform(assets, owner),
        schemas,
    )


MODULE = Module("gcp", "hierarchy", sync, (GCP_ORGANIZATION, GCP_FOLDER, GCP_PROJECT, GCP_PROJECT_SCOPE))
