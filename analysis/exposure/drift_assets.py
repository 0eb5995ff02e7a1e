"""The assets section of exposure change: directly exposed assets newly reachable, no longer reachable, or
exposed differently (ports, exposure types, replica count) between two exposure runs.

Two reads give the same answer. ``all_changes`` reads every exposed asset of both runs (runs stored before
asset digests). ``indexed_changes`` (both runs stored with ``asset_digest`` / ``asset_group``,
``digest.annotate_assets``) finds in the database, id by id, the exposed assets whose digest differs or that
are exposed in one run only, and reads back just the groups those belong to — the rows that can collapse
with them into one entry. Every other group has the same members with the same rows in both runs, so it is
no change under any filter; the rows sent back follow the change, not the number of exposed assets.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from analysis.exposure.digest import EPHEMERAL_LABELS, asset_key
from analysis.exposure.paths import _IN_SCOPE, _Clock

ASSETS = f"""
MATCH (n:ExposedAsset {{run_id: $run}}) WHERE {_IN_SCOPE}
  AND ($account IS NULL OR n.account = $account) AND ($cluster IS NULL OR n.cluster = $cluster)
  AND ($label IS NULL OR $label IN n.labels) AND ($target IS NULL OR n.node_id = $target)
RETURN n.node_id AS id, n.name AS name, n.label AS label, n.account AS account, n.cluster AS cluster,
       n.ports AS ports, n.exposure_types AS exposure_types, n.reasons AS reasons
"""
_MATCH = ASSETS.split("RETURN ")[0]


def _side(run: str, other: str, column: str) -> str:
    """One run's exposed assets (as ASSETS filters them) whose twin in the other run is missing, not exposed
    or has another digest: the group of each. Index lookups by (run_id, node_id); nothing else sent back."""
    return _MATCH.replace("$run", run) + (
        f"OPTIONAL MATCH (m:ExposureNode {{run_id: {other}, node_id: n.node_id}})\n"
        # a missing twin or digest compares as null: differs
        "WITH n, m WHERE coalesce(m.asset_digest <> n.asset_digest, true) OR NOT m:ExposedAsset\n"
        f"RETURN collect(DISTINCT n.asset_group) AS {column}"
    )


TOUCHED = (
    f"CALL () {{ {_side('$old', '$new', 'from_old')} }}\n"
    f"CALL () {{ {_side('$new', '$old', 'from_new')} }}\n"
    "RETURN from_old, from_new"
)
IN_GROUPS = "UNWIND $groups AS g\n" + ASSETS.replace("{run_id: $run}", "{run_id: $run, asset_group: g}")


def collapse(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Exposed assets by identity (``digest.asset_key``): a rescheduled pod is no change and the pods of
    one workload are one entry; instances exposed the very same way (ports and reasons) are one entry too."""
    keyed: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in sorted(rows, key=lambda r: r["id"]):
        keyed[asset_key(r, r["id"])].append(r)
    out: dict[str, dict[str, Any]] = {}
    for key, members in keyed.items():
        if len(members) == 1 and members[0]["label"] not in EPHEMERAL_LABELS:
            # a lone instance keeps its own id: new ports are a change, not a new asset
            key = members[0]["id"]
        out[key] = {**members[0], "replicas": len(members), "members": [m["id"] for m in members]}
    return out


def compare(
    old_rows: list[dict[str, Any]], new_rows: list[dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """The assets section from the two runs' rows (all of them, or whole groups of them)."""
    old, new = collapse(old_rows), collapse(new_rows)
    changed = []
    for aid in sorted(set(old) & set(new)):
        a, b = old[aid], new[aid]
        if (
            sorted(a["ports"] or []) != sorted(b["ports"] or [])
            or sorted(a["exposure_types"] or []) != sorted(b["exposure_types"] or [])
            or a["replicas"] != b["replicas"]
        ):
            changed.append(
                {
                    **b,
                    "ports_before": a["ports"],
                    "exposure_types_before": a["exposure_types"],
                    "replicas_before": a["replicas"],
                }
            )
    return {
        "newly_reachable": [new[i] for i in sorted(set(new) - set(old))],
        "no_longer_reachable": [old[i] for i in sorted(set(old) - set(new))],
        "changed": changed,
    }


def all_changes(clock: _Clock, old_run: str, new_run: str, filters: dict[str, Any]) -> dict[str, list[Any]]:
    """Every exposed asset of both runs read and compared (runs stored without asset digests)."""
    return compare(
        clock.read(ASSETS, {"run": old_run, **filters}), clock.read(ASSETS, {"run": new_run, **filters})
    )


def touched_groups(clock: _Clock, old_run: str, new_run: str, filters: dict[str, Any]) -> list[str]:
    """The groups with a member that differs between the runs (in either run's grouping)."""
    row = clock.read(TOUCHED, {"old": old_run, "new": new_run, **filters})[0]
    return sorted(set(row["from_old"]) | set(row["from_new"]))


def indexed_changes(
    clock: _Clock, old_run: str, new_run: str, filters: dict[str, Any]
) -> dict[str, list[Any]]:
    """The same answer as ``all_changes`` from the touched groups only (module docstring)."""
    groups = touched_groups(clock, old_run, new_run, filters)
    if not groups:
        return {"newly_reachable": [], "no_longer_reachable": [], "changed": []}
    return compare(
        clock.read(IN_GROUPS, {"run": old_run, "groups": groups, **filters}),
        clock.read(IN_GROUPS, {"run": new_run, "groups": groups, **filters}),
    )
