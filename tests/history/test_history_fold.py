"""Pure tests of the fold (drift semantics) and of the retention plan; no Neo4j needed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from config import RetentionSettings
from history.changes import property_changes
from history.fold import fold_assets, fold_relationships
from history.retention import plan


def rec(
    kind: str,
    aid: str = "a",
    changes: list | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> dict:
    return {
        "asset_id": aid,
        "label": "L",
        "scope": "s",
        "kind": kind,
        "changes": json.dumps(changes) if changes is not None else None,
        "before": json.dumps(before) if before is not None else None,
        "after": json.dumps(after) if after is not None else None,
    }


def ch(prop: str, before: object, after: object) -> dict:
    return {"property": prop, "before": before, "after": after}


def test_added_then_removed_cancels() -> None:
    assert fold_assets([rec("added", after={"x": 1}), rec("removed", before={"x": 1})])["a"].kind is None


def test_changed_then_changed_composes_and_drops_reverted_properties() -> None:
    net = fold_assets(
        [
            rec("changed", changes=[ch("x", 1, 2), ch("y", "a", "b")]),
            rec("changed", changes=[ch("x", 2, 3), ch("y", "b", "a")]),
        ]
    )["a"]
    assert net.kind == "changed"
    assert net.change_list() == [ch("x", 1, 3)]


def test_change_reverted_is_no_change() -> None:
    assert (
        fold_assets([rec("changed", changes=[ch("x", 1, 2)]), rec("changed", changes=[ch("x", 2, 1)])])[
            "a"
        ].kind
        is None
    )


def test_removed_then_added_is_changed_when_properties_differ() -> None:
    net = fold_assets([rec("removed", before={"x": 1, "n": "a"}), rec("added", after={"x": 2, "n": "a"})])[
        "a"
    ]
    assert net.kind == "changed" and net.change_list() == [ch("x", 1, 2)]
    same = fold_assets([rec("removed", before={"x": 1}), rec("added", after={"x": 1})])["a"]
    assert same.kind is None


def test_changed_then_removed_reports_the_from_state() -> None:
    net = fold_assets([rec("changed", changes=[ch("x", 1, 2)]), rec("removed", before={"x": 2, "n": "a"})])[
        "a"
    ]
    assert net.kind == "removed" and net.before == {"x": 1, "n": "a"}


def test_added_then_changed_stays_added_with_latest_props() -> None:
    net = fold_assets([rec("added", after={"x": 1}), rec("changed", changes=[ch("x", 1, 5)])])["a"]
    assert net.kind == "added" and net.after == {"x": 5}


def test_relationships_cancel_both_ways() -> None:
    r = lambda kind: {"start": "a", "type": "T", "end": "b", "kind": kind, "scope": None}  # noqa: E731
    assert fold_relationships([r("added"), r("removed")])[("a", "T", "b")].kind is None
    assert fold_relationships([r("removed"), r("added")])[("a", "T", "b")].kind is None
    assert fold_relationships([r("removed")])[("a", "T", "b")].kind == "removed"


def test_bookkeeping_never_counts() -> None:
    before = {"lastupdated": 1, "firstseen": 1, "invgraph_fp_abc": "x", "invgraph_fp": "y", "name": "a"}
    after = {"lastupdated": 2, "firstseen": 2, "invgraph_fp_abc": "z", "invgraph_fp": "w", "name": "a"}
    assert property_changes(before, after) == []
    net = fold_assets([rec("changed", changes=[ch("lastupdated", 1, 2), ch("firstseen", 1, 2)])])["a"]
    assert net.kind is None


def _run(i: int, when: datetime) -> dict:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"id": f"r{i:03d}", "collected_at": stamp, "started_at": stamp, "status": "ok"}


def test_retention_keeps_newest_per_day_week_month() -> None:
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)  # a Monday
    # Two runs a day for 120 days back.
    runs = [
        _run(i, now - timedelta(days=d, hours=h))
        for i, (d, h) in enumerate((d, h) for d in range(119, -1, -1) for h in (9, 3))
    ]
    runs.sort(key=lambda r: r["started_at"])
    p = plan(runs, RetentionSettings(daily=3, weekly=2, monthly=2), now)
    kept = {r["collected_at"] for r in runs if r["id"] in p.keep}
    # daily: 28, 29, 30 Nov; weekly: ISO weeks 49 (30 Nov) and 48 (29 Nov); monthly: November and October.
    assert kept == {
        "2026-10-31T09:00:00Z",
        "2026-11-28T09:00:00Z",
        "2026-11-29T09:00:00Z",
        "2026-11-30T09:00:00Z",
    }
    # Every pruned run between two kept runs folds into the next kept run.
    for pruned, target in p.merge_into.items():
        assert pruned in p.prune and target in p.keep and pruned < target
    assert runs[-1]["id"] in p.keep
