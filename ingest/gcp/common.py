"""What every GCP module shares: the asset files (read once per snapshot), the scope context, the sync
wrapper and the pure helpers that turn Cloud Asset envelopes into row fields.

A module's ``transform(assets, scope)`` returns ``Transformed({ScopedSchema: rows})``; the wrapper picks the
schema variant of the scope (graph/schema/gcp/common.py). One bad asset is skipped and named (status partial,
no cleanup); a file that is not a list of assets fails the module with its path.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from graph.schema.gcp.common import SCOPE_ID, ScopedSchema, is_org, scope_node_id
from graph.schema.model import NodeSchema
from ingest.core import Getter, ModuleResult, RunContext, Transformed, Transformer, sync_resource
from ingest.module import Module, Scope
from ingest.sources.errors import InputError
from ingest.sources.snapshot import Snapshot

Asset = dict[str, Any]


RESOURCE, IAM_POLICY = "resource", "iam-policy"

# Twelve modules read the same resource file: parse it once per snapshot (keyed weakly by the Snapshot).
_CACHE: weakref.WeakKeyDictionary[Snapshot, dict[tuple[str, str], list[Asset] | None]] = (
    weakref.WeakKeyDictionary()
)


def asset_path(snap: Snapshot, scope: str, content_type: str) -> str:
    base = snap.root / "gcp" / scope / "cloudasset"
    json_path = base / f"{content_type}.json"
    return str(json_path if json_path.is_file() else base / f"{content_type}.jsonl")


def read_assets(snap: Snapshot, scope: str, content_type: str) -> list[Asset] | None:
    """The assets of one content type, or None when the file is absent (not collected)."""
    per_snap = _CACHE.setdefault(snap, {})
    key = (scope, content_type)
    if key not in per_snap:
        assets = snap.gcp(scope, content_type)
        for i, asset in enumerate(assets or []):
            if not isinstance(asset, dict) or not isinstance(asset.get("name"), str):
                raise InputError(
                    asset_path(snap, scope, content_type), "asset without a string name", f"[{i}].name"
                )
            if not isinstance(asset.get("assetType"), str):
                raise InputError(
                    asset_path(snap, scope, content_type), "asset without assetType", f"[{i}].assetType"
                )
        per_snap[key] = assets
    return per_snap[key]


def of_type(assets: list[Asset], asset_type: str) -> Iterator[tuple[Asset, dict[str, Any]]]:
    """(asset, resource.data) for each asset of the type; data must be an object (named if not)."""
    for asset in assets:
        if asset["assetType"] != asset_type:
            continue
        data = (asset.get("resource") or {}).get("data")
        if not isinstance(data, dict):
            raise ValueError(f"{asset['name']}: resource.data is not an object")
        yield asset, data


def rows_each(
    assets: list[Asset], asset_type: str, row: Callable[[Asset, dict[str, Any]], Any], errors: list[str]
) -> list[Any]:
    """``row(asset, data)`` per asset; a failing asset is skipped and named in ``errors``."""
    out = []
    for asset in assets:
        if asset["assetType"] != asset_type:
            continue
        try:
            ((_, data),) = of_type([asset], asset_type)
            out.append(row(asset, data))
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            errors.append(f"{asset['name']}: {type(exc).__name__}: {exc}")
    return out


def envelope(asset: Asset, scope: str) -> dict[str, Any]:
    """Row fields from the asset envelope: full name, project id/number, update time."""
    ancestors = asset.get("ancestors") or []
    number = ancestors[0].split("/", 1)[1] if ancestors and ancestors[0].startswith("projects/") else None
    return {
        "asset_name": asset["name"],
        "project_number": number,
        "project_id": project_id_from_name(asset["name"]) or (None if is_org(scope) else scope),
        "update_time": asset.get("updateTime"),
        "labels": labels_json((asset.get("resource") or {}).get("data") or {}),
    }


def labels_json(data: dict[str, Any]) -> str | None:
    """The resource's user labels as canonical {key: value} JSON: ``labels`` (instances, buckets, disks),
    ``resourceLabels`` (GKE clusters) or ``settings.userLabels`` (Cloud SQL); None when it has none."""
    labels = (
        data.get("labels") or data.get("resourceLabels") or (data.get("settings") or {}).get("userLabels")
    )
    if not isinstance(labels, dict) or not labels:
        return None
    return json.dumps(labels, sort_keys=True, separators=(",", ":"))


def project_id_from_name(name: str) -> str | None:
    """``//x.googleapis.com/projects/<id>/…`` → id (None when the segment is a number or absent)."""
    parts = name.split("/")
    if "projects" in parts:
        value = parts[parts.index("projects") + 1]
        return None if value.isdigit() else value
    return None


def partial_uri(url: str | None) -> str | None:
    """A Compute URL or asset name → Cartography's partial URI ``projects/<p>/…``."""
    if not url:
        return None
    idx = url.find("projects/")
    return url[idx:] if idx >= 0 else url


def last(url: str | None) -> str | None:
    return url.rsplit("/", 1)[-1] if url else None


def sync_gcp(
    module: Module,
    snap: Snapshot,
    ctx: RunContext,
    scope: Scope,
    get: Getter,
    transform: Transformer,
    schemas: Sequence[ScopedSchema | NodeSchema] | None = None,
    *,
    context: Mapping[str, Any] | None = None,
    cleanup: bool = True,
) -> ModuleResult:
    """``sync_resource`` in one organization / project: the scope's variant of each ``ScopedSchema`` (in
    ``schemas`` and in the rows ``transform`` returns) and the owner context."""
    owner = scope.owner
    if schemas is None:  # the module's variants owned by this kind of scope (organization or project)
        kind = "GCPOrganization" if is_org(owner) else "GCPProject"
        schemas = [s for s in module.schemas if s.sub_resource is None or s.sub_resource.target_label == kind]
    chosen = [s.pick(owner) if isinstance(s, ScopedSchema) else s for s in schemas]

    def _transform(raw: Any) -> Transformed:
        result = transform(raw)
        rows = {(k.pick(owner) if isinstance(k, ScopedSchema) else k): v for k, v in result.rows.items()}
        return Transformed(rows, result.errors)

    full: dict[str, Any] = {SCOPE_ID: scope_node_id(owner), **(context or {})}
    return sync_resource(module.id, str(scope), ctx, get, _transform, chosen, full, cleanup)


def all_variants(*schemas: ScopedSchema | NodeSchema) -> tuple[NodeSchema, ...]:
    """Every schema a module may load, for the registry (indexes, history)."""
    out: list[NodeSchema] = []
    for s in schemas:
        out.extend(s.both if isinstance(s, ScopedSchema) else (s,))
    return tuple(out)
