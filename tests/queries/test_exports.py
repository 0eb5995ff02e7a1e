"""OCSF / ASFF / SCC exports of stored findings (real Neo4j): validation, stable uids, resolved and muted
findings, the BatchImportFindings call through botocore's Stubber (no network), and the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
import typer
from botocore.stub import Stubber
from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding
from typer.testing import CliRunner

from cli import controls_cmd, export_cmd
from graph import driver
from queries.catalogue import load_catalogue
from queries.export import asff, ocsf, scc
from queries.export.records import ExportFinding, collect
from queries.findings import finding_id, suppress
from queries.service import execute
from tests.queries.graph_fixture import load_graph, read_fixture

SG = "ec2_sg_admin_port_open_to_internet"  # AWS, high, account 111122223333
BUCKET = "gcp_storage_bucket_public_iam"  # GCP, critical
T0, T1 = datetime(2026, 11, 20, 7, 0, tzinfo=UTC), datetime(2026, 11, 21, 7, 0, tzinfo=UTC)
# The ASFF attributes Security Hub documents as required for every finding.
ASFF_REQUIRED = (
    "SchemaVersion Id ProductArn GeneratorId AwsAccountId Types CreatedAt UpdatedAt Severity Title "
    "Description Resources"
).split()
SOURCE = "organizations/734561238901/sources/1234567890"

app = typer.Typer()
app.add_typer(controls_cmd.app, name="controls")
export_cmd.register(controls_cmd.app)
runner = CliRunner()


def _ingest_run(run_id: str) -> None:
    driver.write(
        "CREATE (:IngestRun {id: $id, status: 'ok', started_at: datetime(), "
        "collected_at: datetime('2026-11-20T06:00:00Z')})",
        {"id": run_id},
    )


@pytest.fixture()
def runs(neo4j: str) -> tuple[dict, str, str]:
    """Run A sees every failing group and bucket; before run B one finding is muted and sg-ssh fixed."""
    catalogue = load_catalogue()
    controls = [catalogue.get(SG), catalogue.get(BUCKET)]
    for c in controls:
        load_graph(read_fixture(c.fixtures["fail"]))
    _ingest_run("run-1")
    a = execute(controls, at=T0).run_id
    suppress(
        finding_id(SG, {"asset_id": "sg-all"}), "muted", "lab account", "alice", datetime(2999, 1, 1).date()
    )
    driver.write("MATCH (r:AWSIpRange {id: 'sg_ssh_r0|0.0.0.0/0'}) SET r.range = '10.0.0.0/8'")
    _ingest_run("run-2")
    b = execute(controls, at=T1).run_id
    return catalogue.controls, a, b


def test_formats_validate_keep_uids_and_close_resolved(runs: tuple[dict, str, str]) -> None:
    controls, run_a, run_b = runs
    first, second = collect(controls, run_a), collect(controls, run_b)
    ssh, sg_all = finding_id(SG, {"asset_id": "sg-ssh"}), finding_id(SG, {"asset_id": "sg-all"})
    assert {f.id: f.lifecycle for f in second if f.control.id == SG} == {
        ssh: "resolved",
        sg_all: "open",
        finding_id(SG, {"asset_id": "sg-rdp6"}): "open",
        finding_id(SG, {"asset_id": "sg-range"}): "open",
    }
    assert len([f for f in second if f.control.id == BUCKET]) == 3

    # OCSF: every event re-validates through py-ocsf-models; the finding uid is our stable id.
    events = ocsf.to_ocsf(second)
    for e in events:
        ComplianceFinding.model_validate(e)
        assert e["class_uid"] == 2003 and e["type_uid"] == 200300 + e["activity_id"]
    by_uid = {e["finding_info"]["uid"]: e for e in events}
    assert (by_uid[ssh]["status"], by_uid[ssh]["activity_name"], by_uid[ssh]["compliance"]["status_id"]) == (
        "Resolved",
        "Close",
        1,
    )
    assert by_uid[sg_all]["status"] == "Suppressed" and by_uid[sg_all]["severity_id"] == 4
    assert {e["finding_info"]["uid"] for e in ocsf.to_ocsf(first)} | {ssh} >= set(by_uid)

    # ASFF: the documented required attributes, ids stable across runs, resolved → ARCHIVED.
    body = asff.to_asff(second, "eu-west-1", "999988887777")
    for item in body["Findings"]:
        assert all(item.get(k) for k in ASFF_REQUIRED), item
        assert item["ProductArn"] == "arn:aws:securityhub:eu-west-1:999988887777:product/999988887777/default"
    asff_ids = {i["Id"] for i in body["Findings"]}
    assert asff_ids == {i["Id"] for i in asff.to_asff(first, "eu-west-1", "999988887777")["Findings"]}
    sg_items = {i["ProductFields"]["invgraph/finding_id"]: i for i in body["Findings"]}
    assert sg_items[ssh]["RecordState"] == "ARCHIVED" and sg_items[ssh]["Compliance"]["Status"] == "PASSED"
    assert sg_items[sg_all]["Workflow"] == {"Status": "SUPPRESSED"}
    assert sg_items[sg_all]["AwsAccountId"] == "111122223333"  # the asset's account, not the importer
    assert sg_items[sg_all]["Resources"][0]["Type"] == "AwsEc2SecurityGroup"
    with pytest.raises(asff.AsffOptionsError):
        asff.to_asff(second, "eu-west-1", "12345")

    # SCC: GCP findings under their full resource name, the AWS ones left out with the reason.
    doc = scc.to_scc(second, SOURCE)
    assert {f["resourceName"] for f in doc["findings"]} == {
        "//storage.googleapis.com/acme-public-site",
        "//storage.googleapis.com/acme-partners-drop",
        "//storage.googleapis.com/acme-press-kit",
    }
    assert all(
        f["name"].startswith(f"{SOURCE}/findings/") and len(f["name"].rsplit("/", 1)[1]) == 32
        for f in doc["findings"]
    )
    assert {f["state"] for f in doc["findings"]} == {"ACTIVE"} and {
        f["severity"] for f in doc["findings"]
    } == {"CRITICAL"}
    assert {s["finding_id"] for s in doc["skipped"]} == {f.id for f in second if f.control.id == SG}
    assert {f["name"] for f in scc.to_scc(first, SOURCE)["findings"]} == {f["name"] for f in doc["findings"]}


def _stubbed(body: dict, refuse: int = 0):  # noqa: ANN202 - a botocore client
    client = boto3.client(
        "securityhub", region_name="eu-west-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x"
    )
    stub = Stubber(client)
    items = body["Findings"]
    for start in range(0, len(items), asff.BATCH):
        chunk = items[start : start + asff.BATCH]
        failed = [{"Id": i["Id"], "ErrorCode": "InvalidInput", "ErrorMessage": "no"} for i in chunk[:refuse]]
        stub.add_response(
            "batch_import_findings",
            {"FailedCount": len(failed), "SuccessCount": len(chunk) - len(failed), "FailedFindings": failed},
            {"Findings": chunk},  # botocore also validates the request against Security Hub's model
        )
    stub.activate()
    return client, stub


def test_send_batches_and_cli(
    runs: tuple[dict, str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    controls, _, run_b = runs
    body = asff.to_asff(collect(controls, run_b), "eu-west-1", "999988887777")
    # 150 findings → two calls of 100 and 50 (copies with their own ids).
    many = {"Findings": [{**i, "Id": f"{i['Id']}-{n}"} for n in range(25) for i in body["Findings"]][:150]}
    client, stub = _stubbed(many)
    assert asff.send(client, many) == (150, [])
    stub.assert_no_pending_responses()

    out = tmp_path / "ocsf.json"
    result = runner.invoke(app, ["controls", "export", "--format", "ocsf", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(out.read_text())) == 7
    bad = [
        ["--format", "asff"],
        ["--format", "asff", "--region", "nowhere", "--aws-account-id", "999988887777"],
        ["--format", "scc", "--scc-source", "projects/x"],
        ["--format", "ocsf", "--send"],
    ]
    for args in bad:
        assert runner.invoke(app, ["controls", "export", *args]).exit_code == 2, args
    assert runner.invoke(app, ["controls", "export", "--format", "ocsf", "--run", "crun-nope"]).exit_code == 1

    client, stub = _stubbed(body, refuse=1)
    monkeypatch.setattr(export_cmd, "securityhub_client", lambda region: client)
    sent = runner.invoke(
        app,
        [
            "controls",
            "export",
            "--format",
            "asff",
            "--region",
            "eu-west-1",
            "--aws-account-id",
            "999988887777",
            "--send",
            "-o",
            str(tmp_path / "asff.json"),
        ],
    )
    assert sent.exit_code == 1 and "imported 6 finding(s), refused 1" in sent.stderr
    assert "InvalidInput" in sent.stderr
    stub.assert_no_pending_responses()


def test_scc_resource_names_for_gcp_labels() -> None:
    """Full resource names SCC files findings under (pure: no graph needed)."""
    control = load_catalogue().get(BUCKET)

    def name(label: str, asset_id: str, asset_name: str = "x", scope: str | None = "acme-prod") -> str | None:
        return scc.resource_name(
            ExportFinding(
                asset_id, control, asset_id, asset_name, label, scope, "", "open", None, None, T0, T0, "r", T0
            )
        )

    assert name("GCPBucket", "acme-site", "acme-site") == "//storage.googleapis.com/acme-site"
    assert (
        name("GCPInstance", "projects/p/zones/z/instances/vm1")
        == "//compute.googleapis.com/projects/p/zones/z/instances/vm1"
    )
    assert (
        name("GCPOrganization", "organizations/1") == "//cloudresourcemanager.googleapis.com/organizations/1"
    )
    assert (
        name("GCPPolicyBinding", "//storage.googleapis.com/acme_x_roles/storage.objectViewer_ab12cd34")
        == "//storage.googleapis.com/acme_x"
    )
    assert (
        name("GCPPolicyBinding", "//cloudresourcemanager.googleapis.com/projects/p_projects/p/roles/my_role")
        == "//cloudresourcemanager.googleapis.com/projects/p"
    )
    assert name("EC2SecurityGroup", "sg-1") is None and name("KubernetesPod", "uid-1") is None
