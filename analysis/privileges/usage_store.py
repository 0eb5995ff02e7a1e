"""``(:PrincipalUsage)`` records: a principal's usage summary, written only when it changes.

One record per principal *version* ``{principal_id, name, kind, scope, provider, run_id, update_tag, sha256,
status, granted, used, ratio, unused_count, unused_credentials, principal_unused, last_activity, window_days,
unused (JSON list of what was unused), latest}`` — like ``PrincipalPermissions`` (store.py), so storage grows
with changes, not with principals × runs, and creep can ask "unused since when". An AWS head also keeps what
lets the next run skip the principal (usage_aws_read.py): ``inputs`` (the computation's inputs as one text),
``valid_since`` / ``valid_until`` (the run times for which its verdicts hold); these are bookkeeping, set in
place on the head when only they change, never a new version.

The step also writes what the controls read onto the inventory nodes: ``usage_status``, ``usage_ratio``,
``usage_last_activity``, ``usage_window_days``, ``usage_unused`` on principals; ``usage_last_used`` /
``usage_evidence`` on access keys and service-account keys (null evidence: not collected).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from analysis.privileges.usage_model import Horizon, PrincipalUsage
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
    # The fields of ``u.to_dict()`` the record keeps, read directly: ``asdict`` deep-copies the proposal and
    # every unused item, which cost more than the rest of the row.
    row: dict[str, Any] = {
        "id": u.id,
        "name": u.name,
        "kind": u.kind,
        "scope": u.scope,
        "provider": u.provider,
        "status": u.status,
        "granted": u.granted,
        "used": u.used,
        "ratio": u.ratio,
        "unused_count": len(u.unused),
        "unused_credentials": sum(1 for c in u.credentials if c.status == "unused"),
        "principal_unused": u.principal_unused,
        "last_activity": u.last_activity,
        "window_days": u.window_days,
    }
    row["unused"] = json.dumps([x.permission for x in u.unused])
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


Stamps = Mapping[str, tuple[str, Horizon]]  # principal id -> (inputs text, when its verdicts hold)
HEADS = """
UNWIND $ids AS id
MATCH (r:PrincipalUsage {principal_id: id, latest: true})
WHERE r.provider = $provider AND r.scope = $scope
RETURN id, r.sha256 AS sha, r.inputs AS inputs, r.valid_since AS since, r.valid_until AS until
"""
RESTAMP = """
UNWIND $rows AS row
MATCH (r:PrincipalUsage {principal_id: row.id, latest: true})
SET r.inputs = row.inputs, r.valid_since = row.valid_since, r.valid_until = row.valid_until
"""


def _native(value: Any) -> Any:
    return value.to_native() if hasattr(value, "to_native") else value


def _stamp(stamps: Stamps | None, pid: str) -> dict[str, Any]:
    if stamps is None or pid not in stamps:
        return {}
    inputs, h = stamps[pid]
    return {"inputs": inputs, "valid_since": h.since, "valid_until": h.until}


def save_changes(
    run_id: str,
    tag: int,
    provider: str,
    scope: str,
    usages: Iterable[PrincipalUsage],
    stamps: Stamps | None = None,
) -> int:
    """Write a new record for each principal whose summary changed; refresh the stamps (``stamps``: only
    AWS) of the others in place. Returns how many records were written."""
    all_rows = list(map(_row, usages))
    if not all_rows:
        return 0
    heads = {
        r["id"]: r
        for r in driver.read(
            HEADS, {"ids": [row["id"] for row in all_rows], "provider": provider, "scope": scope}
        )
    }
    rows, restamp = [], []
    for row in all_rows:
        head, stamp = heads.get(row["id"]), _stamp(stamps, row["id"])
        if head is None or head["sha"] != row["sha256"]:
            rows.append(row | stamp)
        elif stamp and (head["inputs"], _native(head["since"]), _native(head["until"])) != tuple(
            stamp.values()
        ):
            restamp.append({"id": row["id"]} | stamp)
    for start in range(0, len(restamp), 5_000):
        driver.write(RESTAMP, {"rows": restamp[start : start + 5_000]})
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
        if not rows:  # every principal skipped: no round trip
            continue
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
