"""GCP IAM deny policies on the hand-written GCP snapshot (day 1 → day 2) with the guardrails overlay,
ingested for real with the privileges step: a deny rule that empties a role removes the grant (and the
creep it was), partial and un-evaluable denies are named, and without the file only the note changes."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from analysis.privileges.steps import STEP as PRIVILEGES_STEP
from graph import driver
from history import post_ingest
from ingest import registry
from pipeline.run import ingest_snapshot

DATA = Path(__file__).resolve().parents[1] / "data" / "snapshots"
ORG = "734561238901"


@pytest.fixture()
def gcp_step(neo4j: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr(registry, "aws_modules", lambda: [])
    monkeypatch.setattr(registry, "k8s_modules", lambda: [])
    monkeypatch.setattr(post_ingest, "STEPS", [PRIVILEGES_STEP])
    yield neo4j


def _day(tmp: Path, day: str, deny: bool) -> Path:
    snap = tmp / f"{day}-{deny}"
    shutil.copytree(DATA / "handwritten-gcp" / day, snap)
    if deny:
        shutil.copytree(DATA / "handwritten-gcp-guardrails" / "gcp", snap / "gcp", dirs_exist_ok=True)
    return snap


def _latest(member: str) -> dict[str, Any]:
    rows = driver.read(
        "MATCH (r:PrincipalPermissions {principal_id: $id, latest: true}) "
        "RETURN r.entries AS entries, r.admin AS admin, r.guardrails AS guardrails",
        {"id": f"{ORG}/{member}"},
    )
    assert len(rows) == 1, member
    return {**rows[0], "roles": sorted({e[0] for e in json.loads(rows[0]["entries"])})}


def test_deny_policy_removes_the_owner_grant_and_names_itself(gcp_step: str, tmp_path: Path) -> None:
    for day in ("day1", "day2"):
        report = ingest_snapshot(_day(tmp_path, day, deny=True))
        assert report.status == "ok", report.as_json()
    eve = _latest("user:eve@example.com")
    # Day 2 gives eve roles/owner on the folder; the folder's deny policy denies every permission of it.
    assert eve["roles"] == [] and eve["admin"] is False
    assert (
        "roles/owner on folders/418273645019: removed by deny policy No owner powers for contractors"
        in (eve["guardrails"])
    )
    bob = _latest("user:bob@example.com")
    assert bob["roles"] == ["roles/owner", "roles/storage.admin"] and bob["admin"] is True
    assert (
        "roles/storage.admin on buckets/acme-crown-jewels: 1 of 5 permissions denied by "
        "Nobody deletes buckets" in bob["guardrails"]
    )
    # Everyone is named by the bucket rule; billing.creator's definition is not in roles.json.
    domain = _latest("domain:example.com")
    assert domain["roles"] == ["roles/billing.creator"]
    assert "not evaluated (role definition not collected)" in domain["guardrails"]
    admins = _latest("group:gcp-admins@example.com")  # excepted from the bucket rule
    assert admins["guardrails"] == ""


def test_without_deny_policies_the_grant_stays_and_the_record_says_so(gcp_step: str, tmp_path: Path) -> None:
    for day in ("day1", "day2"):
        assert ingest_snapshot(_day(tmp_path, day, deny=False)).status == "ok"
    eve = _latest("user:eve@example.com")
    assert eve["roles"] == ["roles/owner"] and eve["admin"] is True
    assert eve["guardrails"] == "deny policies not collected: allow bindings alone"


def test_group_members_hold_the_group_grants_when_memberships_are_collected(
    gcp_step: str, tmp_path: Path
) -> None:
    assert ingest_snapshot(_day(tmp_path, "day1", deny=True)).status == "ok"
    # sre@ holds roles/viewer on the folder; carol is a member, dan through the nested group oncall@.
    for member in ("user:carol@example.com", "user:dan@example.com", "group:oncall@example.com"):
        assert _latest(member)["roles"] == ["roles/viewer"], member
    assert _latest("group:sre@example.com")["roles"] == ["roles/viewer"]
