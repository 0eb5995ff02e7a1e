"""Blob service properties (``storage account blob-service-properties show --account-name <account>
--resource-group <group>``, one file per account:
``storage/account-blob-service-properties-show/<account>.json``): soft delete for blobs and containers,
versioning, change feed, point-in-time restore.

A missing file means that account's settings were not collected: its old node stays. Cleanup runs only when
every account of the subscription's ``storage account list`` has its file (so an absent file never deletes);
a file that is not an object is named and skipped (partial). Loads after storage accounts (it MATCHes them).
"""

from __future__ import annotations

from typing import Any

from graph.schema.azure.storage_services import AZURE_STORAGE_BLOB_SERVICE
from ingest.azure.common import Item, arm, base, read_list, sync_azure
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.errors import InputError
from ingest.sources.snapshot import Snapshot

GROUP, FOLDER = "storage", "account-blob-service-properties-show"


def _enabled(item: Item, key: str) -> tuple[bool | None, int | None]:
    policy = item.get(key)
    if not isinstance(policy, dict):
        return None, None  # not reported: the service default (off)
    return bool(policy.get("enabled")), policy.get("days")


def _row(item: Item) -> dict[str, Any]:
    row = base(item)
    account, _, rest = row["id"].partition("/blobservices/")
    if not rest:
        raise ValueError(f"id is not a blob service id: {item['id']!r}")
    blobs, containers = (
        _enabled(item, "deleteRetentionPolicy"),
        _enabled(item, "containerDeleteRetentionPolicy"),
    )
    return {
        **row,
        "type": item.get("type"),
        "storage_account_id": arm(account),
        "delete_retention_enabled": blobs[0],
        "delete_retention_days": blobs[1],
        "container_delete_retention_enabled": containers[0],
        "container_delete_retention_days": containers[1],
        "versioning_enabled": item.get("isVersioningEnabled"),
        "change_feed_enabled": _enabled(item, "changeFeed")[0],
        "restore_policy_enabled": _enabled(item, "restorePolicy")[0],
        "last_access_time_tracking_enabled": _enabled(item, "lastAccessTimeTrackingPolicy")[0],
    }


def transform(by_account: dict[str, Any], where: str = FOLDER) -> Transformed:
    rows, errors = [], []
    for name, item in sorted(by_account.items()):
        try:
            if not isinstance(item, dict):
                raise TypeError("not a JSON object")
            rows.append(_row(item))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            errors.append(f"{where}/{name}.json: {type(exc).__name__}: {exc}")
    return Transformed({AZURE_STORAGE_BLOB_SERVICE: rows}, errors)


def _complete(snap: Snapshot, scope: Scope, collected: set[str]) -> bool:
    """Every listed storage account has its file (only then may cleanup remove anything)."""
    try:
        accounts = read_list(snap, scope, GROUP, "account-list")
    except InputError:
        return False  # the storage module reports the bad file
    return accounts is not None and {a.get("name") for a in accounts if isinstance(a, dict)} <= collected


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    folder = snap.azure_path(scope.owner, scope.region, GROUP, FOLDER).with_suffix("")  # the folder
    names = {p.stem for p in folder.glob("*.json")} if folder.is_dir() else set()
    return sync_azure(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: snap.azure_folder(scope.owner, scope.region, GROUP, FOLDER),
        lambda raw: transform(raw, str(folder)),
        cleanup=_complete(snap, scope, names),
    )


MODULE = Module("azure", "blob_services", sync, (AZURE_STORAGE_BLOB_SERVICE,), regional=True)
