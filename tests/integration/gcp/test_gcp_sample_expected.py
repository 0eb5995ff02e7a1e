"""EXPECTED.json of the hand-written GCP snapshot and the sample generator's GCP part, on a real Neo4j."""

from __future__ import annotations

import json
from pathlib import Path

from graph import driver
from ingest.sample.gcp import gcp_days

from .gcp_support import FIXTURES, make_snapshot, props, run, statuses


def test_expected_counts_hold(neo4j: str, tmp_path: Path) -> None:
    expected = json.loads((FIXTURES / "EXPECTED.json").read_text())
    for day in ("day1", "day2"):
        run(make_snapshot(tmp_path / day, day=day))
        for label, count in expected["counts"].items():
            want = count[day] if isinstance(count, dict) else count
            got = driver.read(f"MATCH (n:{label}) RETURN count(n) AS c")[0]["c"]
            assert got == want, (day, label)


def test_sample_gcp_days_ingest_with_planted_facts(neo4j: str, tmp_path: Path) -> None:
    days, planted = gcp_days(projects=3, days=2, seed=7)
    assert gcp_days(projects=3, days=2, seed=7) == (days, planted)  # deterministic
    for n, files in enumerate(days, start=1):
        root = tmp_path / f"day-{n:02d}"
        for path, body in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(json.dumps(body, indent=4) + "\n")
        (root / "snapshot.json").write_text(json.dumps({"collected_at": f"2026-11-0{n}T06:00:00Z"}))
        report = run(root)
        assert set(statuses(report).values()) == {"ok"}, [m.errors for m in report.modules]
    assert props("GCPInstance", planted["open_ssh_instance"])["public_ip"]
    public = driver.read(
        "MATCH (b:GCPPolicyBinding {is_public: true})-[:APPLIES_TO]->(k:GCPBucket) RETURN k.id AS id"
    )
    assert {r["id"] for r in public} == {planted["public_bucket"]}
    owners = driver.read(
        "MATCH (b:GCPPolicyBinding {role: 'roles/owner'})-[:APPLIES_TO]->(:GCPFolder)"
        "<-[:PARENT]-(p:GCPProject) WHERE 'eve@example.com' IN b.members RETURN p.id AS id"
    )
    assert {r["id"] for r in owners} == set(planted["projects"])
