"""The GCP project a change record belongs to, for the modules of an organization scan.

A GCP snapshot folder is an organization or a project (graph/schema/gcp/common.py). A project scan's
module results already carry the project id as their scope. An organization scan loads every project at
once, so its module results carry the organization number; recorded as is, a key scoped to a GCP project
(graph/scopes.py matches record scopes against project ids) would see none of its project's drift.

Each record of an organization scan is therefore given the scope graph/scopes.py reads for the asset
itself: the project that holds it through ``RESOURCE``. Under an organization scan that edge is matched by
the row's ``project_number`` (``project_by_number`` in the schema), so the same rule is applied to the
record's properties — which also works for an asset that is already gone (a removal keeps its properties).
A project node is its own scope. Organization and folder-level assets, and node types without the project
edge (folders, org policies, deny policies, groups), keep the organization: only unscoped keys see them.
Removed relationships keep the scope they were recorded under when they appeared (their owner then).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from graph import driver
from graph.schema.gcp.common import is_org
from graph.schema.model import Direction, NodeSchema

_NUMBERS = "MATCH (p:GCPProject) WHERE p.projectnumber IS NOT NULL RETURN p.projectnumber AS n, p.id AS id"

# The newest earlier record of each relationship (RelChange is indexed on ``start``).
_PRIOR_REL = """
UNWIND $rows AS row
MATCH (c:RelChange {start: row.start}) WHERE c.type = row.type AND c.end = row.end AND c.scope IS NOT NULL
OPTIONAL MATCH (r:IngestRun {id: c.run_id})
WITH row, c ORDER BY r.started_at DESC, coalesce(c.seq, 0) DESC
RETURN row.start AS start, row.type AS type, row.end AS end, collect(c.scope)[0] AS scope
"""


def is_org_scan(res: Any) -> bool:
    """A GCP module result of an organization scan (its scope is the organization number)."""
    return str(res.name).startswith("gcp.") and is_org(str(res.scope))


def project_held_labels(schemas: Iterable[NodeSchema]) -> frozenset[str]:
    """Labels whose nodes a GCPProject holds (``RESOURCE`` by project number) under an organization scan."""
    return frozenset(
        s.label
        for s in schemas
        for r in s.relationships
        if r.rel_type == "RESOURCE" and r.target_label == "GCPProject" and r.direction == Direction.INWARD
    )


def _props(row: dict[str, Any], changed: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if row["kind"] == "changed":
        return changed.get(row["asset_id"]) or {}
    text = row["after"] if row["kind"] == "added" else row["before"]
    return json.loads(text) if text else {}


def scope_rows(
    rows: list[dict[str, Any]], changed: dict[str, dict[str, Any]], schemas: Iterable[NodeSchema]
) -> None:
    """Set ``scope`` of an organization scan's node rows to the asset's project where it has one.

    ``rows``: AssetChange rows (``after`` of added rows already filled); ``changed``: the loaded properties of
    changed assets by id. One query (every project's number) whatever the number of rows."""
    if not rows:
        return
    held = project_held_labels(schemas)
    numbers = {str(r["n"]): r["id"] for r in driver.read(_NUMBERS)}
    # A project removed in this run is no longer in the graph; its removed assets still name its number.
    for row in rows:
        if row["label"] == "GCPProject" and row["kind"] == "removed":
            number = _props(row, changed).get("projectnumber")
            if number is not None:
                numbers.setdefault(str(number), row["asset_id"])
    for row in rows:
        if row["label"] == "GCPProject":
            row["scope"] = row["asset_id"]
        elif row["label"] in held:
            project = numbers.get(str(_props(row, changed).get("project_number")))
            if project:
                row["scope"] = project


def scope_removed_relationships(rows: list[dict[str, Any]]) -> None:
    """Give an organization scan's removed relationships the scope of their newest earlier record."""
    if not rows:
        return
    keys = [{"start": r["start"], "type": r["type"], "end": r["end"]} for r in rows]
    prior = {(p["start"], p["type"], p["end"]): p["scope"] for p in driver.read(_PRIOR_REL, {"rows": keys})}
    for row in rows:
        row["scope"] = prior.get((row["start"], row["type"], row["end"])) or row["scope"]
