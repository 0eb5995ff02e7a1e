"""Every control has a FAIL and a PASS fixture, and behaves on both (real Neo4j, never mocked)."""

from __future__ import annotations

import pytest

from graph import driver
from queries.catalogue import load_catalogue
from queries.models import Control
from queries.runner import EvaluationTarget, control_parameters, run_control
from tests.queries.graph_fixture import load_graph, read_fixture

CATALOGUE = load_catalogue()
CONTROLS = list(CATALOGUE)


def test_catalogue_has_at_least_forty_controls() -> None:
    assert len(CONTROLS) >= 40


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: c.id)
def test_every_control_has_fail_and_pass_fixture(control: Control) -> None:
    assert set(control.fixtures) == {"fail", "pass"}, (
        f"{control.id} lacks fixtures/fail.yaml or fixtures/pass.yaml"
    )
    assert read_fixture(control.fixtures["fail"]).expect, f"{control.id}: fail.yaml expects no asset"
    assert read_fixture(control.fixtures["pass"]).expect == [], f"{control.id}: pass.yaml must expect []"


def _run(control: Control, kind: str) -> tuple[list[str], str, int | None]:
    fx = read_fixture(control.fixtures[kind])
    load_graph(fx)
    params = control_parameters(control, EvaluationTarget(None, fx.now), fx.params)
    with driver.session(read_only=True) as s:
        result = run_control(control, s, params)
    assert result.status != "error", f"{control.id} ({kind}): {result.error}"
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
