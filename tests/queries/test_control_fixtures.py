"""Every control has a FAIL and a PASS fixture, and behaves on both (real Neo4j, never mocked); a control
that ``requires`` properties also has an UNKNOWN fixture where they are missing, and says unknown there."""

from __future__ import annotations

import pytest

from graph import driver
from queries.catalogue import load_catalogue
from queries.models import Control
from queries.runner import ControlResult, EvaluationTarget, control_parameters, run_control
from tests.queries.graph_fixture import load_graph, read_fixture

CATALOGUE = load_catalogue()
CONTROLS = list(CATALOGUE)


def test_catalogue_has_at_least_forty_controls() -> None:
    assert len(CONTROLS) >= 40


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: c.id)
def test_every_control_has_fail_and_pass_fixture(control: Control) -> None:
    wanted = {"fail", "pass"} | ({"unknown"} if control.meta.requires else set())
    assert set(control.fixtures) == wanted, f"{control.id}: has {sorted(control.fixtures)}, wants {wanted}"
    assert read_fixture(control.fixtures["fail"]).expect, f"{control.id}: fail.yaml expects no asset"
    assert read_fixture(control.fixtures["pass"]).expect == [], f"{control.id}: pass.yaml must expect []"


def _result(control: Control, kind: str) -> ControlResult:
    fx = read_fixture(control.fixtures[kind])
    load_graph(fx)
    params = control_parameters(control, EvaluationTarget(None, fx.now), fx.params)
    with driver.session(read_only=True) as s:
        result = run_control(control, s, params)
    assert result.status != "error", f"{control.id} ({kind}): {result.error}"
    return result


def _run(control: Control, kind: str) -> tuple[list[str], str, int | None]:
    result = _result(control, kind)
    return sorted(r["asset_id"] for r in result.rows), result.status, result.evaluated


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: c.id)
def test_fail_fixture_yields_exactly_expected_assets(neo4j: str, control: Control) -> None:
    ids, status, evaluated = _run(control, "fail")
    assert ids == sorted(read_fixture(control.fixtures["fail"]).expect)
    assert status == "fail"
    assert evaluated is not None and evaluated >= len(ids)


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: c.id)
def test_pass_fixture_yields_nothing(neo4j: str, control: Control) -> None:
    ids, status, evaluated = _run(control, "pass")
    assert ids == []
    assert status == "pass"
    assert evaluated is not None and evaluated > 0, f"{control.id}: pass fixture evaluates no asset"


REQUIRING = [c for c in CONTROLS if c.meta.requires]


def test_the_reported_cartography_gaps_declare_their_requirements() -> None:
    assert {c.id for c in REQUIRING} >= {
        "eks_cluster_secrets_encryption_disabled",
        "k8s_pod_privileged_container",
        "k8s_pod_host_network",
        "k8s_pod_host_path_volume",
        "k8s_container_may_run_as_root",
    }


@pytest.mark.parametrize("control", REQUIRING, ids=lambda c: c.id)
def test_unknown_fixture_is_unknown_never_pass(neo4j: str, control: Control) -> None:
    result = _result(control, "unknown")
    expected = sorted(read_fixture(control.fixtures["unknown"]).expect)
    assert expected, f"{control.id}: unknown.yaml expects no asset"
    assert result.status == "unknown", (result.status, result.rows)
    assert result.rows == []
    assert sorted(u["asset_id"] for u in result.unknown_rows) == expected
    needed = {p for r in control.meta.requires for p in r.properties}
    assert all(u["missing"] and set(u["missing"]) <= needed for u in result.unknown_rows)
    assert all(u["scope"] for u in result.unknown_rows), result.unknown_rows
