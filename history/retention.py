"""Run retention: keep the newest run per day / ISO week / month for the last N of each; compact the rest.

Settings (environment): ``INVGRAPH_RETENTION_DAILY`` (14), ``INVGRAPH_RETENTION_WEEKLY`` (8),
``INVGRAPH_RETENTION_MONTHLY`` (12). Buckets use ``collected_at`` (the moment the data describes), counted
back from ``now``. The newest run and runs still ``running`` are always kept.

Pruning must not change drift between retained runs. A pruned run's AssetChange / RelChange records are
folded (history/fold.py, the same fold drift uses) together with those of the next retained run and
written back as that run's records, in order (``seq``); then the pruned run, its IngestModuleRun nodes and
its records are deleted. Runs older than the oldest retained run fold into it the same way: that keeps
the baseline (every relationship's "added" record), which history needs to notice relationships that
vanish with a removed node (history/changes.py ``implied_removals``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from config import RetentionSettings, get_settings
from graph import driver
from history import records
from history.drift import list_runs, load_records
from history.fold import fold_assets, fold_relationships


@dataclass
class PrunePlan:
    keep: list[str] = field(default_factory=list)
    prune: list[str] = field(default_factory=list)
    merge_into: dict[str, str] = field(default_factory=dict)  # pruned run -> retained run taking its records

    def as_json(self) -> dict[str, Any]:
        return {"keep": self.keep, "prune": self.prune, "merge_into": self.merge_into}


def _collected(run: dict[str, Any]) -> date:
    return datetime.fromisoformat(run["collected_at"].replace("Z", "+00:00")).astimezone(UTC).date()


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def plan(runs: list[dict[str, Any]], settings: RetentionSettings, now: datetime | None = None) -> PrunePlan:
    """Which runs to keep (pure: runs oldest first, as history.drift.list_runs returns them)."""
    today = (now or datetime.now(UTC)).astimezone(UTC).date()
    newest: dict[tuple[str, Any], dict[str, Any]] = {}
    for run in runs:  # oldest first, so the last one written per bucket is the newest
        d = _collected(run)
        if (today - d).days < settings.daily:
            newest[("day", d)] = run
        iso_now, iso_d = today.isocalendar(), d.isocalendar()
        weeks_back = (
            (today - timedelta(days=iso_now.weekday - 1)) - (d - timedelta(days=iso_d.weekday - 1))
        ).days // 7
        if 0 <= weeks_back < settings.weekly:
            newest[("week", (iso_d.year, iso_d.week))] = run
        if 0 <= _month_index(today) - _month_index(d) < settings.monthly:
            newest[("month", (d.year, d.month))] = run
    keep_ids = {r["id"] for r in newest.values()} | {r["id"] for r in runs if r["status"] == "running"}
    if runs:
        keep_ids.add(runs[-1]["id"])
    out = PrunePlan()
    pending: list[str] = []
    for run in runs:
        if run["id"] in keep_ids:
            out.keep.append(run["id"])
            out.merge_into.update({p: run["id"] for p in pending})
            pending = []
        else:
            out.prune.append(run["id"])
            pending.append(run["id"])
    return out


def _delete_runs(run_ids: list[str]) -> None:
    for label in ("AssetChange", "RelChange"):
        with driver.session() as s:
            s.run(
                f"UNWIND $ids AS rid MATCH (c:{label} {{run_id: rid}}) "
                "CALL (c) { DELETE c } IN TRANSACTIONS OF 10000 ROWS",
                {"ids": run_ids},
            ).consume()
    driver.write(
        "UNWIND $ids AS rid MATCH (r:IngestRun {id: rid}) OPTIONAL MATCH (r)-[:HAS_MODULE]->(m) "
        "DETACH DELETE m, r",
        {"ids": run_ids},
    )
    driver.write(
        "UNWIND $ids AS rid MATCH (m:IngestModuleRun {run_id: rid}) DETACH DELETE m", {"ids": run_ids}
    )


def compact_into(target: str, pruned: list[str]) -> dict[str, int]:
    """Replace the records of ``target`` by the fold of ``pruned`` (in order) followed by ``target``."""
    asset_rows, rel_rows = load_records([*pruned, target])
    assets = [r for a in fold_assets(asset_rows).values() if (r := a.record()) is not None]
    rels = [
        {"start": r.start, "type": r.type, "end": r.end, "kind": r.kind, "scope": r.scope}
        for r in fold_relationships(rel_rows).values()
        if r.kind is not None
    ]
    for label in ("AssetChange", "RelChange"):
        with driver.session() as s:
            s.run(
                f"MATCH (c:{label} {{run_id: $id}}) CALL (c) {{ DELETE c }} IN TRANSACTIONS OF 10000 ROWS",
                {"id": target},
            ).consume()
    records.ensure_schema()
    for i, row in enumerate(assets):
        row.update(run_id=target, seq=i, compacted=True)
    for i, row in enumerate(rels):
        row.update(run_id=target, seq=i, compacted=True)
    records.write_asset_changes(assets)
    records.write_rel_changes(rels)
    driver.write(
        "MATCH (r:IngestRun {id: $id}) SET r.compacted_runs = coalesce(r.compacted_runs, []) + $p",
        {"id": target, "p": pruned},
    )
    return {"assets": len(assets), "relationships": len(rels)}


def prune(
    dry_run: bool = False, settings: RetentionSettings | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """Apply retention; returns the plan (and, unless dry-run, the compacted record counts)."""
    p = plan(list_runs(), settings or get_settings().retention, now)
    result: dict[str, Any] = {**p.as_json(), "dry_run": dry_run, "compacted": {}}
    if dry_run or not p.prune:
        return result
    groups: dict[str, list[str]] = {}
    for pruned, target in p.merge_into.items():
        groups.setdefault(target, []).append(pruned)
    order = {rid: i for i, rid in enumerate(p.prune)}
    for target, pruned in groups.items():
        result["compacted"][target] = compact_into(target, sorted(pruned, key=order.__getitem__))
    _delete_runs(p.prune)
    return result


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, default=str)
