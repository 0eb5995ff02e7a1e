"""``(:PrincipalUsage)`` records: a principal's usage summary, written only when it changes.

One record per principal *version* ``{principal_id, name, kind, scope, provider, run_id, update_tag, sha256,
status, granted, used, ratio, unused_count, unused_credentials, principal_unused, last_activity, window_days,
unused (JSON list of what was unused), latest}`` — like ``PrincipalPermissions`` (store.py), so storage grows
with changes, not with principals × runs, and creep can ask "unused since when".

The step also writes what the controls read onto the inventory nodes: ``usage_status``, ``usage_ratio``,
``usage_last_activity``, ``usage_window_days``, ``usage_unused`` on principals; ``usage_last_used`` /
``usage_evidence`` on access keys and service-account keys (null evidence: not collected).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from analysis.privileges.usage_model import PrincipalUsage
from graph import driver

SCHEMA = [
    "CREATE INDEX principalusage_principal IF NOT EXISTS FOR (r:PrincipalUsage) ON (r.principal_id)",
    "CREATE INDEX principalusage_head IF NOT EXISTS "
    "FOR (r:PrincipalUsage) ON (r.provider, r.scope, r.latest)",
]
_SUMMARY = (
    "status",
    "granted",
    "used",
    "ratio",
    "unused_count",
    "unused_credentials",
    "principal_unused",
    "last_activity",
    "window_days",
)


def ensure_schema() -> None:
    driver.ensure_schema(SCHEMA)


def _row(u: PrincipalUsage) -> dict[str, Any]:
    doc = u.to_dict()
    row = {k: doc[k] for k in ("id", "name", "kind", "scope", "provider", *_SUMMARY)}
    row["unused"] = json.dumps([x["permission"] for x in doc["unused"]])
    body = json.dumps({k: row[k] for k in (*_SUMMARY, "unused")}, sort_keys=True)
    row["sha256"] = hashlib.sha256(body.encode()).hexdigest()
    return row


# One statement per batch, in one transaction: retire the changed principals' previous heads (by id, in any
# scope, as before), then CREATE each new record from its complete property map — instead of an OPTIONAL
# MATCH and a SET/REMOVE per row.
WRITE = """
CALL () {
  UNWIND $ids AS id
  MATCH (old:PrincipalUsage {principal_id: id, latest: true})
  SET old.latest = false
}
UNWIND $rows AS row
CREATE (r:PrincipalUsage)
SET r = row
"""


def save_changes(run_id: str, tag: int, provider: str, scope: str, usages: Iterable[PrincipalUsage]) -> int:
    heads = {
        r["id"]: r["sha"]
        for r in driver.read(
            "MATCH (r:PrincipalUsage {provider: $provider, scope: $scope, latest: true}) "
            "RETURN r.principal_id AS id, r.sha256 AS sha",
            {"provider": provider, "scope": scope},
        )
    }
    rows = [row for row in map(_row, usages) if heads.get(row["id"]) != row["sha256"]]
    for start in range(0, len(rows), 5_000):
        batch = rows[start : start + 5_000]
        records = [
            {k: v for k, v in row.items() if k != "id"}
            | {"principal_id": row["id"], "run_id": run_id, "update_tag": tag, "latest": True}
            for row in batch
        ]
        driver.write(WRITE, {"ids": [row["id"] for row in batch], "rows": records})
    return len(rows)


_PRINCIPAL_LABELS = {"aws-user": "AWSUser", "aws-role": "AWSRole", "aws-group": "AWSGroup"}


def _differs(prop: str, value: str) -> str:
    """True when ``prop`` must be (re)written: null-ness differs, or both are set and differ."""
    return f"(({prop} IS NULL) <> ({value} IS NULL) OR {prop} <> {value})"


# Most principals' summaries do not change between runs: skip their writes (no lock, no transaction log).
_CHANGED = " OR ".join(
    _differs(p, v)
    for p, v in (
        ("n.usage_status", "row.status"),
        ("n.usage_ratio", "row.ratio"),
        ("n.usage_last_activity", "last"),
        ("n.usage_window_days", "row.window"),
        ("n.usage_unused", "row.unused"),
    )
)

_KEY_CHANGED = " OR ".join(
    _differs(p, v)
    for p, v in (
        ("k.usage_evidence", "row.evidence"),
        ("k.usage_status", "row.status"),
        ("k.usage_last_used", "last"),
    )
)


def mark_nodes(usages: Iterable[PrincipalUsage], keys: dict[str, list[dict[str, Any]]]) -> None:
    """The controls' properties on the inventory nodes (labels are constants, never input)."""
    by_label: dict[str, list[dict[str, Any]]] = {}
    for u in usages:
        label = _PRINCIPAL_LABELS.get(u.kind)
        node_id = u.id
        if u.kind == "gcp-member" and u.name.startswith("serviceAccount:"):
            label, node_id = "GCPServiceAccount", u.name.split(":", 1)[1]
        if label is None:
            continue
        by_label.setdefault(label, []).append(
            {
                "id": node_id,
                "status": u.status,
                "ratio": u.ratio,
                "last": u.last_activity,
                "window": u.window_days,
                "unused": u.principal_unused,
            }
        )
    match = {"GCPServiceAccount": "email"}
    for label, rows in by_label.items():
        driver.write(
            f"UNWIND $rows AS row MATCH (n:{label} {{{match.get(label, 'id')}: row.id}}) "
            "WITH n, row, CASE WHEN row.last IS NULL THEN null ELSE datetime(row.last) END AS last "
            f"WHERE {_CHANGED} "
            "SET n.usage_status = row.status, n.usage_ratio = row.ratio, n.usage_last_activity = last, "
            "n.usage_window_days = row.window, n.usage_unused = row.unused",
            {"rows": rows},
        )
    for label, rows in keys.items():
        if label not in ("AccountAccessKey", "GCPServiceAccountKey"):
            raise ValueError(f"unexpected key label {label!r}")
        driver.write(
            f"UNWIND $rows AS row MATCH (k:{label} {{id: row.id}}) "
            "WITH k, row, CASE WHEN row.last_used IS NULL THEN null ELSE datetime(row.last_used) END AS last "
            f"WHERE {_KEY_CHANGED} "
            "SET k.usage_evidence = row.evidence, k.usage_status = row.status, k.usage_last_used = last",
            {"rows": rows},
        )


def history(principal_id: str) -> list[dict[str, Any]]:
    """Every usage record of one principal, oldest first."""
    return driver.read(
        "MATCH (r:PrincipalUsage {principal_id: $id}) "
        f"RETURN r.run_id AS run_id, {', '.join('r.' + k + ' AS ' + k for k in _SUMMARY)}, "
        "r.unused AS unused ORDER BY r.update_tag",
        {"id": principal_id},
    )
