"""Asset and relationship drift between two retained ingest runs, from the AssetChange / RelChange records.

``asset_drift(from_ref, to_ref, filters)`` folds the records of the runs after ``from`` up to and including
``to`` (ordered by ``started_at``; semantics in history/fold.py). A ref is a run id or a date (``YYYY-MM-DD``
or an ISO timestamp): the last run collected on or before it (a bare date means the end of that day, UTC).
Default: the latest run against the one before. Cost follows the number of records in range, never the
size of the graph: current names are looked up by id, one indexed query per label.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from graph import driver
from graph.scopes import scope_in
from history.fold import NetAsset, NetRel, fold_assets, fold_relationships

_RUN = (
    "r {.id, .status, started_at: toString(r.started_at), collected_at: toString(r.collected_at), "
    "update_tag: r.update_tag}"
)


class DriftError(LookupError):
    """A run reference that matches no retained run, or a range that is backwards."""


@dataclass(frozen=True)
class Filters:
    account: str | None = None
    cluster: str | None = None
    label: str | None = None
    severity: str | None = None
    project: str | None = None  # a GCP project id: assets whose project_id (or own project id) it is
    # A scoped API key's ids (graph/scopes.py): only change records and findings of those scopes are read.
    allowed: tuple[str, ...] | None = None

    def project_ok(self, props: dict[str, Any] | None) -> bool:
        if not self.project:
            return True
        props = props or {}
        return self.project in (props.get("project_id"), props.get("projectid"))

    def scope_ok(self, scope: str | None) -> bool:
        if self.account and not (scope == self.account or (scope or "").startswith(self.account + "/")):
            return False
        return not (self.cluster and scope != self.cluster)


def list_runs() -> list[dict[str, Any]]:
    """Every finished run, oldest first (a run still loading has no complete record set)."""
    return [
        r["r"]
        for r in driver.read(
            f"MATCH (r:IngestRun) WHERE r.status <> 'running' RETURN {_RUN} AS r ORDER BY r.started_at"
        )
    ]


def _parse_when(ref: str) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(ref), time.max).replace(tzinfo=None)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(ref.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return None


def resolve_run(ref: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    for r in runs:
        if r["id"] == ref:
            return r
    when = _parse_when(ref)
    if when is None:
        raise DriftError(f"no run {ref!r} (give a run id or a date, YYYY-MM-DD)")
    # collected_at is stored UTC; compare as naive UTC so "2026-11-02" means up to 23:59:59 UTC that day.
    before = [
        r
        for r in runs
        if datetime.fromisoformat(r["collected_at"].replace("Z", "+00:00")).replace(tzinfo=None) <= when
    ]
    if not before:
        raise DriftError(f"no run collected on or before {ref}")
    return max(before, key=lambda r: (r["collected_at"], r["started_at"]))


def resolve_pair(
    from_ref: str | None, to_ref: str | None
) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """(from run, to run, ids of the runs whose records are folded)."""
    runs = list_runs()
    if not runs:
        raise DriftError("no ingest runs in the graph")
    to = resolve_run(to_ref, runs) if to_ref else runs[-1]
    if from_ref:
        frm = resolve_run(from_ref, runs)
    else:
        earlier = [r for r in runs if r["started_at"] < to["started_at"]]
        if not earlier:
            raise DriftError(f"run {to['id']} has no earlier run to compare with")
        frm = earlier[-1]
    if frm["started_at"] > to["started_at"]:
        raise DriftError(f"'from' run {frm['id']} started after 'to' run {to['id']}")
    between = [r["id"] for r in runs if frm["started_at"] < r["started_at"] <= to["started_at"]]
    return frm, to, between


def load_records(
    run_ids: list[str], allowed: list[str] | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """AssetChange and RelChange rows of these runs, in run order (index on run_id); `allowed`: only the
    records of a scoped key's scopes."""
    order = {rid: i for i, rid in enumerate(run_ids)}
    assets = driver.read(
        f"UNWIND $ids AS rid MATCH (c:AssetChange {{run_id: rid}}) WHERE {scope_in('c.scope')} "
        "RETURN c.run_id AS run_id, c.asset_id AS asset_id, c.label AS label, c.kind AS kind, "
        "c.scope AS scope, "
        "c.changes AS changes, c.before AS before, c.after AS after, c.seq AS seq",
        {"ids": run_ids, "allowed": allowed},
    )
    rels = driver.read(
        f"UNWIND $ids AS rid MATCH (c:RelChange {{run_id: rid}}) WHERE {scope_in('c.scope')} "
        "RETURN c.run_id AS run_id, c.start AS start, c.type AS type, c.end AS end, c.kind AS kind, "
        "c.scope AS scope, c.seq AS seq",
        {"ids": run_ids, "allowed": allowed},
    )
    # Within one run a compacted record set (retention) carries seq; plain runs have one record per item.
    assets.sort(key=lambda r: (order[r["run_id"]], r["seq"] or 0))
    rels.sort(key=lambda r: (order[r["run_id"]], r["seq"] or 0))
    return assets, rels


def _name(props: dict[str, Any] | None) -> str | None:
    if not props:
        return None
    for key in ("name", "displayname", "arn", "id"):
        if props.get(key):
            return str(props[key])
    return None


def current_nodes(by_label: dict[str, set[str]]) -> dict[str, dict[str, Any]]:
    """id -> {labels, props} of nodes still in the graph; one indexed lookup per label."""
    out: dict[str, dict[str, Any]] = {}
    for label, ids in by_label.items():
        if not label.replace("_", "").isalnum():
            continue  # labels come from our own records; refuse anything odd rather than splice it
        for row in driver.read(
            f"UNWIND $ids AS id MATCH (n:`{label}` {{id: id}}) "
            "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props",
            {"ids": sorted(ids)},
        ):
            out[row["id"]] = {"labels": sorted(row["labels"]), "props": row["props"]}
    return out


def _asset(net: NetAsset, nodes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    node = nodes.get(net.asset_id)
    props = node["props"] if node and net.kind != "removed" else (net.before or net.after)
    return {
        "id": net.asset_id,
        "name": _name(props) or net.asset_id,
        "labels": node["labels"] if node else [net.label],
        "scope": net.scope,
    }


def _label_ok(filters: Filters, net: NetAsset, nodes: dict[str, dict[str, Any]]) -> bool:
    if not filters.label:
        return True
    node = nodes.get(net.asset_id)
    return filters.label == net.label or bool(node and filters.label in node["labels"])


def _props(net: NetAsset, nodes: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    node = nodes.get(net.asset_id)
    return node["props"] if node else (net.after or net.before)


def _off_project(filters: Filters, scope: str | None) -> bool:
    # GCP relationship records carry the project id as their scope.
    return bool(filters.project) and scope != filters.project


def net_changes(
    run_ids: list[str], allowed: list[str] | None = None
) -> tuple[dict[str, NetAsset], dict[tuple[str, str, str], NetRel]]:
    asset_rows, rel_rows = load_records(run_ids, allowed)
    return fold_assets(asset_rows), fold_relationships(rel_rows)


def asset_drift(
    from_ref: str | None = None, to_ref: str | None = None, filters: Filters | None = None
) -> dict[str, Any]:
    """The drift document (docs/history-and-drift.md) without its ``findings``: the runs, assets and
    relationships. Findings belong to the controls (queries/drift.py adds them)."""
    filters = filters or Filters()
    frm, to, run_ids = resolve_pair(from_ref, to_ref)
    allowed = list(filters.allowed) if filters.allowed is not None else None
    assets, rels = net_changes(run_ids, allowed)
    live = {a.asset_id: a for a in assets.values() if a.kind is not None}
    by_label: dict[str, set[str]] = {}
    for a in live.values():
        by_label.setdefault(a.label, set()).add(a.asset_id)
    nodes = current_nodes(by_label)
    kept = {
        k: a
        for k, a in live.items()
        if filters.scope_ok(a.scope) and _label_ok(filters, a, nodes) and filters.project_ok(_props(a, nodes))
    }
    out_assets: dict[str, list[dict[str, Any]]] = {"added": [], "removed": [], "changed": []}
    for a in sorted(kept.values(), key=lambda a: (a.label, a.asset_id)):
        entry = _asset(a, nodes)
        if a.kind == "changed":
            entry["changes"] = a.change_list()
        out_assets[str(a.kind)].append(entry)
    out_rels: dict[str, list[dict[str, Any]]] = {"added": [], "removed": []}
    filtering = bool(filters.account or filters.cluster or filters.label or filters.project)
    for r in sorted(rels.values(), key=lambda r: (r.type, r.start, r.end)):
        if r.kind is None:
            continue
        # A relationship belongs to the filter when its owner scope does, or it touches a listed asset.
        if (
            filtering
            and r.start not in kept
            and r.end not in kept
            and (
                filters.label
                or not r.scope
                or not filters.scope_ok(r.scope)
                or _off_project(filters, r.scope)
            )
        ):
            continue
        out_rels[r.kind].append({"start": r.start, "type": r.type, "end": r.end})
    run = lambda r: {k: r[k] for k in ("id", "collected_at", "started_at", "status")}  # noqa: E731
    return {
        "from": run(frm),
        "to": run(to),
        "assets": out_assets,
        "relationships": out_rels,
    }


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=False, default=str)
