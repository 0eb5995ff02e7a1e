"""A failed IAM module keeps the previous permissions (no "lost everything"); a later good run reports the
real change (group membership added) and removals."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.privileges.creep import CreepError, creep, show
from analysis.privileges.steps import LAST_REPORT
from graph import driver
from pipeline.run import ingest_snapshot
from tests.privileges.conftest import ACCOUNT, arn, doc, group, managed, user, write_iam_snapshot

ADMIN = doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
READ = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"})


def _details(carol_groups: list[str], with_temp: bool = True) -> dict[str, object]:
    users = [user("carol", groups=carol_groups, inline={"read": READ}), user("erin", inline={"read": READ})]
    if with_temp:
        users.append(user("temp", inline={"read": READ}))
    return {
        "Policies": [managed("admin", ADMIN)],
        "GroupDetailList": [group("Admins", [f"arn:aws:iam::{ACCOUNT}:policy/admin"])],
        "UserDetailList": users,
        "RoleDetailList": [],
    }


def test_failed_iam_module_is_not_lost_everything(with_step: str, tmp_path: Path) -> None:
    day1 = ingest_snapshot(write_iam_snapshot(tmp_path / "d1", _details([]), "2026-11-01T06:00:00Z"))
    day2 = ingest_snapshot(
        write_iam_snapshot(tmp_path / "d2", '{"UserDetailList": [', "2026-11-02T06:00:00Z")
    )
    assert {m.status.value for m in day2.modules if m.name.startswith("aws.iam.p")} == {"failed"}
    assert LAST_REPORT[0].kept["aws"] == [ACCOUNT] and LAST_REPORT[0].changed == 0

    assert creep(day1.run_id, day2.run_id)["principals"] == []
    assert creep()["principals"] == []  # default: latest vs previous
    assert show(arn("user", "carol"))["entries"] == ["s3:getobject on arn:aws:s3:::reports/*"]

    # Day 3 collects again: carol joined Admins, temp was deleted. Dates work as references.
    ingest_snapshot(
        write_iam_snapshot(tmp_path / "d3", _details(["Admins"], with_temp=False), "2026-11-03T06:00:00Z")
    )
    got = {p["id"]: p for p in creep("2026-11-02", "2026-11-03")["principals"]}
    assert set(got) == {arn("user", "carol"), arn("user", "temp")}
    carol = got[arn("user", "carol")]
    assert (carol["gained"], carol["lost"], carol["admin_before"], carol["admin_after"]) == (
        ["* on *"],
        [],
        False,
        True,
    )
    temp = got[arn("user", "temp")]
    assert temp["status"] == "removed" and temp["lost"] == ["s3:getobject on arn:aws:s3:::reports/*"]
    # From day 1 (before the failure) the same changes show: the failed run left no trace.
    assert {p["id"] for p in creep(day1.run_id)["principals"]} == set(got)


def test_a_run_in_progress_is_not_half_visible(with_step: str, tmp_path: Path) -> None:
    """Records a run's privileges step has written while the run is still ``running`` stay out of the
    current permissions until the run finishes (issue 19, item 5)."""
    ingest_snapshot(write_iam_snapshot(tmp_path / "d1", _details([]), "2026-11-01T06:00:00Z"))
    day2 = ingest_snapshot(write_iam_snapshot(tmp_path / "d2", _details(["Admins"]), "2026-11-02T06:00:00Z"))
    assert show(arn("user", "carol"))["admin"] is True
    driver.write("MATCH (r:IngestRun {id: $id}) SET r.status = 'running'", {"id": day2.run_id})
    carol = show(arn("user", "carol"))
    assert (carol["admin"], carol["entries"]) == (False, ["s3:getobject on arn:aws:s3:::reports/*"])
    assert [h["run_id"] for h in carol["history"]] != [] and day2.run_id not in {
        h["run_id"] for h in carol["history"]
    }
    with pytest.raises(CreepError, match="no earlier run"):  # day 1 is the only finished run
        creep()
    driver.write("MATCH (r:IngestRun {id: $id}) SET r.status = 'ok'", {"id": day2.run_id})
    assert show(arn("user", "carol"))["admin"] is True
