"""AWS Security Finding Format (ASFF) for Security Hub's BatchImportFindings, and the optional send.

Every documented required top-level attribute is set: SchemaVersion, Id, ProductArn, GeneratorId,
AwsAccountId, Types, CreatedAt, UpdatedAt, Severity, Title, Description, Resources. ``Id`` is
``invgraph/<finding id>`` and ``ProductArn`` the account's default (custom integration) product, so a
re-import of the same finding updates it; ``UpdatedAt`` is the control run's time, which Security Hub needs
to move forward for an update to apply. A finding this run resolved is sent with Compliance PASSED and
RecordState ARCHIVED so it closes. ``Workflow`` is only set for muted / accepted findings (SUPPRESSED): after
creation Security Hub keeps the workflow its users set.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from queries.export.records import ExportFinding

SCHEMA_VERSION = "2018-10-08"
BATCH = 100  # BatchImportFindings takes at most 100 findings per call
_ACCOUNT = re.compile(r"^\d{12}$")
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")
# Our node labels → ASFF resource types (docs: "Resources" › Type); anything else is "Other".
RESOURCE_TYPES = {
    "AWSAccount": "AwsAccount",
    "AWSKMSKey": "AwsKmsKey",
    "AWSLambda": "AwsLambdaFunction",
    "AWSPolicy": "AwsIamPolicy",
    "AWSRole": "AwsIamRole",
    "AWSUser": "AwsIamUser",
    "AccountAccessKey": "AwsIamAccessKey",
    "EBSVolume": "AwsEc2Volume",
    "EC2Instance": "AwsEc2Instance",
    "EC2SecurityGroup": "AwsEc2SecurityGroup",
    "EKSCluster": "AwsEksCluster",
    "RDSInstance": "AwsRdsDbInstance",
    "S3Bucket": "AwsS3Bucket",
    "SecretsManagerSecret": "AwsSecretsManagerSecret",
}
_STANDARDS = "Software and Configuration Checks/Industry and Regulatory Standards"
_SEVERITY = {"critical": 90, "high": 70, "medium": 40, "low": 1, "info": 0}


class AsffOptionsError(ValueError):
    """A region or account id Security Hub would refuse."""


def partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    return "aws-us-gov" if region.startswith("us-gov-") else "aws"


def product_arn(region: str, account_id: str) -> str:
    """The default product of an account: what a custom integration imports into."""
    return f"arn:{partition(region)}:securityhub:{region}:{account_id}:product/{account_id}/default"


def _ts(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _types(f: ExportFinding) -> list[str]:
    refs = f.control.meta.frameworks
    out = []
    if refs.cis_aws:
        out.append(f"{_STANDARDS}/CIS AWS Foundations Benchmark")
    if refs.cis_k8s or refs.cis_gcp or refs.csa_ccm:
        out.append(_STANDARDS)
    return out or ["Software and Configuration Checks/AWS Security Best Practices"]


def finding(f: ExportFinding, region: str, account_id: str) -> dict[str, Any]:
    """One ASFF finding. ``account_id``: the importing account, used when the asset's scope is not one."""
    m = f.control.meta
    account = f.scope if f.scope and _ACCOUNT.match(f.scope) else account_id
    label = m.severity.value.upper().replace("INFO", "INFORMATIONAL")
    out: dict[str, Any] = {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": f"invgraph/{f.id}",
        "ProductArn": product_arn(region, account_id),
        "ProductName": "invgraph",
        "CompanyName": "invgraph",
        "GeneratorId": f"invgraph/{m.id}",
        "AwsAccountId": account,
        "Types": _types(f),
        "FirstObservedAt": _ts(f.first_seen),
        "LastObservedAt": _ts(f.last_seen),
        "CreatedAt": _ts(f.first_seen),
        "UpdatedAt": _ts(f.run_at),
        "Severity": {"Label": label, "Normalized": _SEVERITY[m.severity.value], "Original": m.severity.value},
        "Title": m.title[:256],
        "Description": f"{f.summary} — {m.description}"[:1024],
        "Remediation": {"Recommendation": {"Text": m.remediation[:512]}},
        "Resources": [
            {
                "Type": RESOURCE_TYPES.get(f.label, "Other"),
                "Id": f.asset_id,
                "Partition": partition(region),
                "Region": region,
                "Details": {"Other": {"label": f.label, "name": f.asset_name[:1024], "scope": str(f.scope)}},
            }
        ],
        "Compliance": {
            "Status": "FAILED" if f.active else "PASSED",
            "RelatedRequirements": m.frameworks.references()[:32],
        },
        "RecordState": "ACTIVE" if f.active else "ARCHIVED",
        "ProductFields": {
            "invgraph/finding_id": f.id,
            "invgraph/control_id": m.id,
            "invgraph/control_run_id": f.run_id,
            "invgraph/lifecycle": f.lifecycle,
            "invgraph/domain": m.domain.value,
            "invgraph/maturity": str(m.maturity),
        },
    }
    if f.suppression and f.active:
        out["Workflow"] = {"Status": "SUPPRESSED"}
        out["Note"] = {
            "Text": f"{f.suppression}: {f.suppression_reason}"[:512],
            "UpdatedBy": "invgraph",
            "UpdatedAt": _ts(f.run_at),
        }
    return out


def to_asff(findings: list[ExportFinding], region: str, account_id: str) -> dict[str, list[dict[str, Any]]]:
    """The BatchImportFindings request body ``{"Findings": [...]}`` (``send`` makes calls of 100)."""
    if not _REGION.match(region):
        raise AsffOptionsError(f"--region {region!r} is not an AWS region name (e.g. eu-west-1)")
    if not _ACCOUNT.match(account_id):
        raise AsffOptionsError(f"--aws-account-id {account_id!r} is not a 12-digit AWS account id")
    return {"Findings": [finding(f, region, account_id) for f in findings]}


def send(client: Any, body: dict[str, list[dict[str, Any]]]) -> tuple[int, list[dict[str, Any]]]:
    """BatchImportFindings in calls of 100 through a boto3 ``securityhub`` client; (imported, failures)."""
    imported, failed = 0, []
    items = body["Findings"]
    for start in range(0, len(items), BATCH):
        answer = client.batch_import_findings(Findings=items[start : start + BATCH])
        imported += answer["SuccessCount"]
        failed += answer.get("FailedFindings", [])
    return imported, failed
