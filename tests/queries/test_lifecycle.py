"""Finding identity and lifecycle across runs (new → open/resolved → reopened), mutes and acceptances."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from graph import driver
from queries.catalogue import load_catalogue
from queries.findings import finding_id, suppress
from queries.models import Control
from queries.runner import latest_target
from queries.service import execute
from tests.queries.graph_fixture import load_graph, read_fixture

CONTROL_ID = "ec2_sg_admin_port_open_to_internet"
T0 = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)


@pytest.fixture()
def control(neo4j: str) -> Control:
    control = load_catalogue().get(CONTROL_ID)
    load_graph(read_fixture(control.fixtures["fail"]))
    driver.write(
        "CREATE (:IngestRun {id: 'run-day1', status: 'ok', started_at: datetime(), "
        "collected_at: datetime('2026-11-20T06:00:00Z')})"
    )
    return control


def _states(outcome) -> dict[str, str]:  # noqa: ANN001
    return {f["asset_id"]: f["state"] for c in outcome.report["controls"] for f in c["findings"]}


def _stored(asset_id: str) -> dict:
    return driver.read(
        "MATCH (f:Finding {control_id: $c, asset_id: $a}) RETURN properties(f) AS f",
        {"c": CONTROL_ID, "a": asset_id},
    )[0]["f"]


def test_finding_id_is_stable_sha256_of_control_and_identity() -> None:
    a = finding_id(CONTROL_ID, {"asset_id": "sg-1"})
    assert a == finding_id(CONTROL_ID, {"asset_id": "sg-1"}) and len(a) == 64
    assert (
        a != finding_id(CONTROL_ID, {"asset_id": "sg-2"}) != finding_id("other_control", {"asset_id": "sg-1"})
    )


def test_run_is_stored_against_the_latest_ingest_run(control: Control) -> None:
    target = latest_target()
    assert (target.ingest_run_id, target.now) == ("run-day1", 1795154400)
    outcome = execute([control], at=T0)
    rows = driver.read(
        "MATCH (r:ControlRun {id: $id})-[:HAS_RESULT]->(c:ControlResult) "
        "RETURN r.ingest_run_id AS ingest, c.control_id AS control, c.status AS status, "
        "c.evaluated AS evaluated, c.failed AS failed",
        {"id": outcome.run_id},
    )
    assert rows == [
        {"ingest": "run-day1", "control": CONTROL_ID, "status": "fail", "evaluated": 6, "failed": 4}
    ]


def test_new_then_resolved_then_reopened(control: Control) -> None:
    first = execute([control], at=T0)
    assert set(_states(first).values()) == {"new"} and len(_states(first)) == 4

    # The SSH rule is removed: its finding resolves, the others stay open.
    driver.write("MATCH (g:AWSIpRange {id: 'sg_ssh_r0|0.0.0.0/0'}) DETACH DELETE g")
    second = execute([control], at=T0 + timedelta(hours=1))
    assert "sg-ssh" not in _states(second)
    assert set(_states(second).values()) == {"open"}
    resolved = _stored("sg-ssh")
    assert resolved["state"] == "resolved" and resolved["resolved_at"] is not None

    # The rule comes back: same identity, so the same finding reopens with its original first_seen.
    driver.write(
        "MATCH (r:AWSIpPermissionInbound {id: 'sg_ssh_r0'}) "
        "CREATE (:IpRange:AWSIpRange {id: 'sg_ssh_r0|0.0.0.0/0', range: '0.0.0.0/0'})"
        "-[:MEMBER_OF_IP_RULE]->(r)"
    )
    third = execute([control], at=T0 + timedelta(hours=2))
    assert _states(third)["sg-ssh"] == "reopened"
    reopened = _stored("sg-ssh")
    assert reopened["first_seen"].to_native() == T0
    assert reopened["last_seen"].to_native() == T0 + timedelta(hours=2)
    assert driver.read("MATCH (f:Finding) RETURN count(f) AS n")[0]["n"] == 4

    fourth = execute([control], at=T0 + timedelta(hours=3))
    assert _states(fourth)["sg-ssh"] == "open"


def test_errored_control_does_not_resolve_findings(control: Control) -> None:
    execute([control], at=T0)
    broken = Control(
        control.meta,
        "WITH 0 AS z RETURN 1 / z AS asset_id, '' AS asset_name, '' AS label, '' AS scope, '' AS reason",
        control.evaluated_query,
        control.folder,
    )
    outcome = execute([broken], at=T0 + timedelta(hours=1))
    assert outcome.report["controls"][0]["status"] == "error"
    assert outcome.report["controls"][0]["findings"] == []
    assert {r["s"] for r in driver.read("MATCH (f:Finding) RETURN f.state AS s")} == {"new"}


def test_mute_is_kept_across_runs_and_expires(control: Control) -> None:
    execute([control], at=T0)
    fid = finding_id(CONTROL_ID, {"asset_id": "sg-rdp6"})
    suppress(fid, "muted", "legacy jump host, decommission ticket OPS-12", "alice", date(2026, 11, 25))
    aid = finding_id(CONTROL_ID, {"asset_id": "sg-range"})
    suppress(aid, "accepted", "vendor appliance", "bob", date(2027, 1, 31))

    during = execute([control], at=T0 + timedelta(days=1))
    states = _states(during)
    assert states["sg-rdp6"] == "muted" and states["sg-range"] == "accepted" and states["sg-ssh"] == "open"
    stored = _stored("sg-rdp6")
    assert (stored["suppression_author"], stored["suppression_reason"]) == (
        "alice",
        "legacy jump host, decommission ticket OPS-12",
    )

    after = execute([control], at=datetime(2026, 11, 26, 7, 0, tzinfo=UTC))
    states = _states(after)
    assert states["sg-rdp6"] == "open", "an expired mute reverts to the lifecycle state"
    assert states["sg-range"] == "accepted"
    assert _stored("sg-rdp6")["suppression_expired"] == "muted"


def test_suppress_requires_existing_finding_reason_and_author(control: Control) -> None:
    execute([control], at=T0)
    fid = finding_id(CONTROL_ID, {"asset_id": "sg-ssh"})
    with pytest.raises(LookupError):
        suppress("0" * 64, "muted", "r", "a", date(2027, 1, 1))
    with pytest.raises(ValueError):
        suppress(fid, "muted", " ", "a", date(2027, 1, 1))
    with pytest.raises(ValueError):
        suppress(fid, "ignored", "r", "a", date(2027, 1, 1))
