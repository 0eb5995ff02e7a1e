"""Report formats: the exact JSON shape, SARIF 2.1.0 validated against the official schema, CSV, errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest

from queries.catalogue import load_catalogue
from queries.models import Control
from queries.report import to_csv
from queries.sarif import to_sarif
from queries.service import execute
from tests.conftest import DATA
from tests.queries.graph_fixture import load_graph, read_fixture

SCHEMA = json.loads((DATA / "sarif" / "sarif-schema-2.1.0.json").read_text())
IDS = ["ec2_sg_admin_port_open_to_internet", "s3_bucket_public_policy", "iam_root_mfa_disabled"]
UNDECIDED = "eks_cluster_secrets_encryption_disabled"  # its unknown fixture: a cluster without the property


@pytest.fixture()
def outcome(neo4j: str):  # noqa: ANN201
    catalogue = load_catalogue()
    controls = [catalogue.get(i) for i in IDS]
    for c in controls[:2]:
        load_graph(read_fixture(c.fixtures["fail"]))
    broken = Control(
        controls[2].meta,
        "WITH 0 AS z RETURN 1 / z AS asset_id, '' AS asset_name, '' AS label, '' AS scope, '' AS reason",
        controls[2].evaluated_query,
        controls[2].folder,
    )
    undecided = catalogue.get(UNDECIDED)
    load_graph(read_fixture(undecided.fixtures["unknown"]))
    return execute([*controls[:2], broken, undecided], now=1795154400), catalogue


def test_json_report_has_exactly_the_contract_keys(outcome) -> None:  # noqa: ANN001
    out, _ = outcome
    report = json.loads(json.dumps(out.report))
    assert set(report) == {"run_id", "controls"}
    assert report["run_id"] == out.run_id
    for c in report["controls"]:
        assert set(c) == {
            "id",
            "severity",
            "status",
            "evaluated",
            "failed",
            "findings",
            "unknown",
            "unknowns",
            "error",
        }
        assert c["status"] in {"pass", "fail", "unknown", "error"}
        for f in c["findings"]:
            assert set(f) == {"asset_id", "asset_name", "label", "scope", "reason", "state"}
    by_id = {c["id"]: c for c in report["controls"]}
    assert by_id["ec2_sg_admin_port_open_to_internet"]["failed"] == 4
    assert by_id["s3_bucket_public_policy"]["status"] == "fail"


def test_a_control_that_errors_is_error_never_pass(outcome) -> None:  # noqa: ANN001
    out, _ = outcome
    errored = [c for c in out.report["controls"] if c["id"] == "iam_root_mfa_disabled"][0]
    assert errored["status"] == "error" and errored["evaluated"] is None and errored["findings"] == []
    assert "by zero" in errored["error"]  # the message itself, not only the status


def test_unknown_is_apart_from_pass_and_fail_in_every_output(outcome) -> None:  # noqa: ANN001
    out, catalogue = outcome
    c = [c for c in out.report["controls"] if c["id"] == UNDECIDED][0]
    arn = "arn:aws:eks:us-east-1:111122223333:cluster/carto"
    assert (c["status"], c["failed"], c["unknown"]) == ("unknown", 0, 1)
    assert c["unknowns"][0]["asset_id"] == arn and c["unknowns"][0]["missing"] == ["secrets_encrypted"]
    rows = [r for r in csv.DictReader(io.StringIO(to_csv(out.report))) if r["control_id"] == UNDECIDED]
    assert [(r["status"], r["asset_id"], r["state"], r["missing"]) for r in rows] == [
        ("unknown", arn, "unknown", "secrets_encrypted")
    ]
    errored = [r for r in csv.DictReader(io.StringIO(to_csv(out.report))) if r["status"] == "error"]
    assert errored and "by zero" in errored[0]["error"]
    sarif = to_sarif(out.report, catalogue.controls)
    results = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == UNDECIDED]
    assert [(r["kind"], r["level"]) for r in results] == [("open", "none")]
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any("by zero" in n["message"]["text"] for n in notes)


def test_sarif_validates_against_the_official_schema(outcome, output_dir: Path) -> None:  # noqa: ANN001
    out, catalogue = outcome
    stored = {f["id"]: f for fs in out.stored.values() for f in fs}
    sarif = json.loads(json.dumps(to_sarif(out.report, catalogue.controls, suppressions=stored)))
    jsonschema.Draft4Validator(SCHEMA).validate(sarif)
    (output_dir / "controls.sarif").write_text(json.dumps(sarif, indent=2))
    run = sarif["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) == {*IDS, UNDECIDED}
    assert rules["s3_bucket_public_policy"]["properties"]["security-severity"] == "9.5"
    assert "Remediation" in rules["s3_bucket_public_policy"]["help"]["text"]
    assert run["invocations"][0]["executionSuccessful"] is False
    result = [r for r in run["results"] if r["ruleId"] == "ec2_sg_admin_port_open_to_internet"][0]
    location = result["locations"][0]["logicalLocations"][0]
    assert location["fullyQualifiedName"].startswith("sg-") and location["kind"] == "resource"
    assert len(result["partialFingerprints"]["invgraphFindingId/v1"]) == 64
    assert len(run["results"]) == 4 + 3 + 1  # the undecided EKS cluster: a result of kind open


def test_csv_has_one_line_per_finding(outcome) -> None:  # noqa: ANN001
    out, _ = outcome
    rows = list(csv.DictReader(io.StringIO(to_csv(out.report))))
    assert len(rows) == 4 + 3 + 1 + 1  # the errored control: one line without asset; the unknown asset
    assert {r["status"] for r in rows} == {"fail", "error", "unknown"}
