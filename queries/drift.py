"""The drift document: history's asset drift plus the finding changes of the controls (queries/findings.py).

History (history/drift.py) knows runs, assets and relationships; findings are this package's model, so the
document that holds both is put together here, one layer above history.

Finding changes: ``(:Finding)-[:SEEN_IN]->(:ControlRun {ingest_run_id, at})`` tells which findings each
control run saw, so between control run A (latest on the ``from`` ingest run) and B (latest on ``to``):

* new      — seen in B, not in A, first seen after A;
* reopened — seen in B, not in A, first seen at or before A (it was resolved in between or at A);
* resolved — seen in A, not in B, unless B's result for that control is ``error`` (an errored control says
  nothing about its assets; the lifecycle code follows the same rule).

No control runs on either side → empty lists (a graph without the controls runner is not an error).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from graph import driver
from graph.scopes import scope_in
from history.drift import Filters, asset_drift, current_nodes

_FIELDS = (
    "f {.id, .control_id, .asset_id, .asset_name, .label, .scope, .severity, .state, "
    "first_seen: toString(f.first_seen), last_seen: toString(f.last_seen)} AS f"
)


def control_run_for(ingest_run_id: str) -> dict[str, Any] | None:
    rows = driver.read(
        "MATCH (c:ControlRun {ingest_run_id: $id}) RETURN c.id AS id, toString(c.at) AS at "
        "ORDER BY c.at DESC LIMIT 1",
        {"id": ingest_run_id},
    )
    return rows[0] if rows else None


def _seen(control_run_id: str, allowed: list[str] | None) -> dict[str, dict[str, Any]]:
    rows = driver.read(
        f"MATCH (f:Finding)-[:SEEN_IN]->(:ControlRun {{id: $id}}) WHERE {scope_in('f.scope')} "
        f"RETURN {_FIELDS}",
        {"id": control_run_id, "allowed": allowed},
    )
    return {r["f"]["id"]: r["f"] for r in rows}


def _errored_controls(control_run_id: str) -> set[str]:
    rows = driver.read(
        "MATCH (:ControlRun {id: $id})-[:HAS_RESULT]->(r:ControlResult {status: 'error'}) "
        "RETURN r.control_id AS c",
        {"id": control_run_id},
    )
    return {r["c"] for r in rows}


def _undecided(control_run_id: str) -> set[tuple[str, str]]:
    """(control, asset) pairs the run could not decide (required data not collected): not resolved."""
    rows = driver.read(
        "MATCH (:ControlRun {id: $id})-[:HAS_RESULT]->(r:ControlResult) WHERE r.unknown > 0 "
        "RETURN r.control_id AS c, r.unknown_assets AS assets",
        {"id": control_run_id},
    )
    return {(r["c"], str(u["asset_id"])) for r in rows for u in json.loads(r["assets"] or "[]")}


def finding_changes(
    from_run: str,
    to_run: str,
    severity: str | None = None,
    scope_ok: Callable[[str | None], bool] | None = None,
    allowed: list[str] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """`allowed`: only the findings of a scoped API key's scopes (graph/scopes.py)."""
    out: dict[str, list[dict[str, Any]]] = {"new": [], "resolved": [], "reopened": []}
    b = control_run_for(to_run)
    if b is None:
        return out
    a = control_run_for(from_run)
    seen_b = _seen(b["id"], allowed)
    seen_a = _seen(a["id"], allowed) if a else {}
    errored = _errored_controls(b["id"])
    undecided = _undecided(b["id"])
    for fid, f in seen_b.items():
        if fid in seen_a:
            continue
        reopened = a is not None and (f.get("first_seen") or "") <= a["at"]
        out["reopened" if reopened else "new"].append(f)
    out["resolved"] = [
        f
        for fid, f in seen_a.items()
        if fid not in seen_b
        and f["control_id"] not in errored
        and (f["control_id"], str(f["asset_id"])) not in undecided
    ]
    for key, items in out.items():
        items = [
            f
            for f in items
            if (not severity or f.get("severity") == severity)
            and (scope_ok is None or scope_ok(f.get("scope")))
        ]
        out[key] = sorted(
            items, key=lambda f: (f.get("severity") or "", f["control_id"], f["asset_id"] or "")
        )
    return out


def _project_findings(
    found: dict[str, list[dict[str, Any]]], filters: Filters, kept: set[str]
) -> dict[str, list[dict[str, Any]]]:
    """With --project: findings on assets of that project (current nodes, looked up by id)."""
    if not filters.project:
        return found
    by_label: dict[str, set[str]] = {}
    for items in found.values():
        for f in items:
            if f.get("asset_id") and f.get("label"):
                by_label.setdefault(f["label"], set()).add(f["asset_id"])
    nodes = current_nodes(by_label)  # one indexed lookup per label
    ok = kept | {i for i, n in nodes.items() if filters.project_ok(n["props"])}
    return {k: [f for f in items if f.get("asset_id") in ok] for k, items in found.items()}


def drift(
    from_ref: str | None = None, to_ref: str | None = None, filters: Filters | None = None
) -> dict[str, Any]:
    """The drift document (docs/history-and-drift.md): assets, relationships and findings."""
    filters = filters or Filters()
    doc = asset_drift(from_ref, to_ref, filters)
    kept = {a["id"] for items in doc["assets"].values() for a in items}
    found = finding_changes(
        doc["from"]["id"],
        doc["to"]["id"],
        filters.severity,
        filters.scope_ok if (filters.account or filters.cluster) else None,
        list(filters.allowed) if filters.allowed is not None else None,
    )
    doc["findings"] = _project_findings(found, filters, kept)
    return doc
