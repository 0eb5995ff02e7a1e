"""The usage step's skip of unchanged principals gives exactly what recomputing every principal gives.

The same six runs go through the pipeline twice on a real Neo4j — once with the step recomputing everything
(the reference, ``run_usage(skip_unchanged=False)``), once with the step as registered (skipping principals
whose stored head still holds) — and after every run every ``PrincipalUsage`` record (all versions, every
property, run ids replaced by the run's number) and every ``usage_*`` property on the inventory nodes must be
equal. The runs: the planted estate (usage_support.py); the same data an hour later (nothing to recompute);
two principals' inputs changed (only they are recomputed); the clock past the day the role ``fresh`` turns
unused (only it is recomputed, and it is now unused); two inventory marks erased (those two are recomputed);
the clock back before that day (``fresh`` recomputed again).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from analysis.privileges import usage
from graph import driver
from history import post_ingest
from pipeline.run import ingest_snapshot
from tests.conftest import _wipe
from tests.privileges.conftest import ACCOUNT, arn
from tests.privileges.usage_support import write_aws

IAM = ("aws", ACCOUNT, "global", "iam")


def _at(root: Path, when: str) -> None:
    (root / "snapshot.json").write_text(json.dumps({"collected_at": when}))


def _change_two(root: Path) -> None:
    """app's report: s3:PutObject used just now; alice's old key: used just now."""
    iam = root.joinpath(*IAM)
    report_file = iam / "get-service-last-accessed-details" / "app.json"
    report = json.loads(report_file.read_text())
    for svc in report["ServicesLastAccessed"]:
        for action in svc.get("TrackedActionsLastAccessed") or []:
            if action["ActionName"] == "PutObject":
                action["LastAccessedTime"] = "2026-11-20T20:00:00+00:00"
    report_file.write_text(json.dumps(report))
    key_file = iam / "get-access-key-last-used" / "AKIAALICEOLD0000000A.json"
    answer = json.loads(key_file.read_text())
    answer["AccessKeyLastUsed"]["LastUsedDate"] = "2026-11-20T21:00:00+00:00"
    key_file.write_text(json.dumps(answer))


def _erase_two_marks(_root: Path) -> None:
    driver.write(
        "MATCH (k:AccountAccessKey {id: 'AKIAALICEOLD0000000A'}) REMOVE k.usage_status "
        "WITH count(*) AS one MATCH (r:AWSRole {id: $role}) REMOVE r.usage_status",
        {"role": arn("role", "admin-unused")},
    )


# (collected_at, what to do before the run, AWS principals the skipping step must recompute)
RUNS: list[tuple[str, Any, int]] = [
    ("2026-11-20T06:00:00Z", None, 7),
    ("2026-11-20T07:00:00Z", None, 0),
    ("2026-11-21T06:00:00Z", _change_two, 2),
    ("2027-02-01T06:00:00Z", None, 1),  # fresh: created 2026-11-01, never used -> unused from 2027-01-30
    ("2027-02-01T07:00:00Z", _erase_two_marks, 2),
    ("2026-11-22T06:00:00Z", None, 1),  # back before 2027-01-30: fresh's verdict no longer holds
]


def _dump(run_ids: list[str]) -> dict[str, Any]:
    number = {rid: i for i, rid in enumerate(run_ids)}
    records = driver.read("MATCH (r:PrincipalUsage) RETURN properties(r) AS p")
    out = []
    for row in records:
        p = dict(row["p"])
        p["run_id"] = number[p["run_id"]]
        p.pop("update_tag")  # the run's start time: the run number above says the same
        out.append(p)
    out.sort(key=lambda p: (p["principal_id"], p["run_id"]))
    marks = driver.read(
        "MATCH (n) WHERE n:AWSUser OR n:AWSRole OR n:AWSGroup OR n:AccountAccessKey "
        "RETURN n.id AS id, [k IN keys(n) WHERE k STARTS WITH 'usage_' | [k, n[k]]] AS props ORDER BY id"
    )
    return {"records": out, "marks": [(m["id"], sorted(m["props"])) for m in marks]}


def _sequence(root: Path, skip: bool, monkeypatch: pytest.MonkeyPatch) -> list[tuple[dict[str, Any], int]]:
    """Every run's dump and how many principals the usage step recomputed."""
    _wipe()
    write_aws(root)
    # Only the two steps the usage records depend on (exposure reads neither record nor mark).
    steps = [s for s in post_ingest.STEPS if s.name in ("privileges", "usage")]
    if not skip:
        reference = post_ingest.PostIngestStep(
            "usage", lambda ctx, res: usage.run_usage(ctx, res, skip_unchanged=False), order=15
        )
        steps = [reference if s.name == "usage" else s for s in steps]
    assert [s.name for s in sorted(steps, key=lambda s: s.order)] == ["privileges", "usage"]
    monkeypatch.setattr(post_ingest, "STEPS", steps)
    out, run_ids = [], []
    for when, before, _expected in RUNS:
        if before is not None:
            before(root)
        _at(root, when)
        report = ingest_snapshot(root)
        assert report.status != "failed", report.steps
        run_ids.append(report.run_id)
        (step,) = [s for s in report.steps if s.name == "usage"]
        assert step.status == "ok", step.error
        out.append((_dump(run_ids), step.summary["recomputed"]))
    monkeypatch.undo()
    return out


def test_skipping_unchanged_principals_stores_exactly_what_recomputing_stores(
    neo4j: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = _sequence(tmp_path / "full", skip=False, monkeypatch=monkeypatch)
    skipped = _sequence(tmp_path / "skip", skip=True, monkeypatch=monkeypatch)
    for i, ((ref, ref_count), (got, got_count), (when, _before, expected)) in enumerate(
        zip(full, skipped, RUNS, strict=True)
    ):
        assert ref_count == 7, f"run {i}: the reference recomputes every principal"
        assert got_count == expected, f"run {i} ({when}): recomputed {got_count}, expected {expected}"
        assert got["records"] == ref["records"], f"run {i} ({when}): PrincipalUsage records differ"
        assert got["marks"] == ref["marks"], f"run {i} ({when}): usage_* node properties differ"
    # The records say what the runs did: fresh turned unused when the clock passed its day, then back.
    fresh = [r for r in skipped[-1][0]["records"] if r["principal_id"] == arn("role", "fresh")]
    assert [(r["run_id"], r["principal_unused"]) for r in fresh] == [(0, False), (3, True), (5, False)]
    head = fresh[-1]
    assert head["latest"] and head["valid_until"].to_native().isoformat() == "2027-01-30T00:00:00+00:00"
    # An unchanged principal's head is still the first run's, with its stamp refreshed in place.
    alice = [r for r in skipped[-1][0]["records"] if r["principal_id"] == arn("user", "alice")]
    assert [r["run_id"] for r in alice] == [0, 2] and alice[-1]["inputs"]
