"""Scorecard levels on fixture findings stored by the real run writer (queries.findings.record_run).

Three control runs share one graph: everything passes (run 1); one level-2 Verification control fails
(run 2); its finding is muted (a documented risk), then the scorecard is read again. Controls are the real
catalogue, so the expected levels follow from the maturity levels in the controls' metadata.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from graph import driver as graph_driver
from queries.catalogue import Catalogue, load_catalogue
from queries.findings import finding_id, record_run, suppress
from queries.roadmap.scorecard import build_scorecard
from queries.runner import ControlResult, EvaluationTarget
from tests.conftest import _wipe

FAILING = "k8s_container_may_run_as_root"  # Verification, level 2, kubernetes
NA = "gcp_sql_instance_ssl_not_required"  # Architecture level 1: nothing of its kind → n/a
T0 = datetime(2026, 11, 1, 6, tzinfo=UTC)


def _results(catalogue: Catalogue, failing: set[str]) -> list[ControlResult]:
    out = []
    for c in catalogue:
        if c.id in failing:
            row = {
                "asset_id": f"pod/{c.id}",
                "asset_name": "api-0",
                "label": "KubernetesPod",
                "scope": "prod",
                "reason": "runs as root",
            }
            out.append(ControlResult(c, "fail", 3, [row]))
        else:
            out.append(ControlResult(c, "pass", 0 if c.id == NA else 3))
    return out


@pytest.fixture(scope="module")
def catalogue(neo4j_uri: str) -> Iterator[Catalogue]:
    _wipe()
    cat = load_catalogue()
    target = EvaluationTarget(None, int(T0.timestamp()))
    record_run(_results(cat, set()), target, T0)
    record_run(_results(cat, {FAILING}), target, T0 + timedelta(days=1))
    yield cat
    _wipe()


def _domain(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(d for d in doc["domains"] if d["domain"] == name)


def test_levels_reached_and_blocked_by_one_control(catalogue: Catalogue) -> None:
    doc = build_scorecard(graph_driver.get_driver(), catalogue=catalogue).to_dict()
    assert doc["available"] and len(doc["runs"]) == 2 and doc["threshold"] == 1.0
    ver = _domain(doc, "Verification")
    # Run 1: every Verification control passes (levels 1–3 have controls) → 3; run 2: level 2 fails.
    assert ver["trend"] == [3, 1]
    assert (ver["level"], ver["next_level"]) == (1, 2)
    assert [b["control_id"] for b in ver["blocking"]] == [FAILING]
    assert ver["blocking"][0]["state"] == "fail" and ver["blocking"][0]["open_findings"] == 1
    l2 = ver["levels"][1]
    assert (l2["controls"], l2["passing"], l2["met"]) == (5, 4, False) and l2["pass_rate"] == 0.8
    # The failing control is a Kubernetes one: the cloud column of the same domain is untouched.
    assert ver["layers"]["kubernetes"]["level"] == 1 and ver["layers"]["cloud"]["level"] == 2
    assert doc["layers"]["kubernetes"]["level"] == 1
    # Other domains reach their highest level with evidence.
    assert _domain(doc, "Supply Chain Security")["level"] == 4
    assert _domain(doc, "Business Continuity")["level"] == 2
    assert _domain(doc, "Business Continuity")["layers"]["kubernetes"]["controls"] == 0
    # A control with nothing to evaluate is no evidence: Architecture level 1 counts one control fewer.
    arch_l1 = _domain(doc, "Architecture")["levels"][0]
    total_l1 = sum(1 for c in catalogue if c.meta.domain.value == "Architecture" and c.meta.maturity == 1)
    assert arch_l1["controls"] == total_l1 - 1
    md = build_scorecard(catalogue=catalogue).to_markdown()
    assert "| Verification | 1 | 2 | 1 |" in md and f"L2: {FAILING}" in md and "3 → 1" in md


def test_threshold_lets_a_level_pass_with_one_failure(catalogue: Catalogue) -> None:
    ver = _domain(build_scorecard(threshold=0.8, catalogue=catalogue).to_dict(), "Verification")
    assert (ver["level"], ver["next_level"], ver["blocking"]) == (3, None, [])
    with pytest.raises(ValueError):
        build_scorecard(threshold=0, catalogue=catalogue)


def test_muted_control_counts_as_documented(catalogue: Catalogue) -> None:
    fid = finding_id(FAILING, {"asset_id": f"pod/{FAILING}"})
    suppress(fid, "muted", "legacy image, replaced in Q1", "sec-team", date(2099, 1, 1))
    ver = _domain(build_scorecard(catalogue=catalogue).to_dict(), "Verification")
    assert (ver["level"], ver["blocking"]) == (3, [])
    assert ver["levels"][1]["documented"] == 1 and ver["levels"][1]["passing"] == 5
    # Today's mute applies to the older run too (suppressions have no history of their own).
    assert ver["trend"] == [3, 3]


def test_api_answers_the_same_scorecard_and_refuses_scoped_keys(catalogue: Catalogue) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from appdb.keys import Scopes, create_key

    viewer = create_key("roadmap-viewer", "viewer")[1]
    scoped = create_key("roadmap-scoped", "viewer", scopes=Scopes(aws_accounts=("111122223333",)))[1]
    with TestClient(create_app()) as client:
        got = client.get(
            "/api/v1/roadmap?threshold=0.8&runs=1", headers={"Authorization": f"Bearer {viewer}"}
        )
        assert got.status_code == 200, got.text
        assert got.json() == build_scorecard(threshold=0.8, runs=1, catalogue=catalogue).to_dict()
        assert len(got.json()["runs"]) == 1
        bad = client.get("/api/v1/roadmap?treshold=1", headers={"Authorization": f"Bearer {viewer}"})
        assert bad.status_code == 422
        refused = client.get("/api/v1/roadmap", headers={"Authorization": f"Bearer {scoped}"})
        assert refused.status_code == 403 and "unscoped key" in refused.text
        assert client.get("/api/v1/roadmap").status_code == 401
