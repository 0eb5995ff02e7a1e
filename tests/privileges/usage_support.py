"""A snapshot with usage data in the providers' real shapes (AWS CLI v2, gcloud, the audit log backend).

Collected 2026-11-20T06:00:00Z. Planted (see test_usage.py): alice (admin user, uses a sliver; her old key is
unused per get-access-key-last-used), bob (key unused per the credential report only), carol (no usage data at
all), role admin-unused (never used, admin), role app (uses s3:GetObject on one prefix), role fresh (created
19 days ago, never used: too young to be unused), role nodata (no report). GCP: the handwritten org with
insights (ci-deployer uses 2 of 6000 permissions of roles/editor; alice's token-creator binding unused) and
Activity Analyzer (ci-deployer used, its key not since May, app-runner not at all). Kubernetes: the
handwritten cluster with an audit log (aws-node lists pods; dev@example.com reads one pod; support silent).
"""

from __future__ import annotations

import base64
import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

from tests.integration.gcp.gcp_support import ORG, make_snapshot
from tests.privileges.conftest import ACCOUNT, HANDWRITTEN, arn, doc, managed, role, user

AT = "2026-11-20T06:00:00Z"
ADMIN = managed("Admin", doc({"Effect": "Allow", "Action": "*", "Resource": "*"}))
APP = managed(
    "AppData",
    doc(
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::data/*"},
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"},
    ),
)
TRUST = doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})


def _svc(ns: str, name: str, last: str | None, actions: list[tuple[str, str | None]] | None = None) -> dict:
    item: dict[str, Any] = {
        "ServiceName": name,
        "ServiceNamespace": ns,
        "TotalAuthenticatedEntities": 1 if last else 0,
    }
    if last:
        item |= {
            "LastAuthenticated": last,
            "LastAuthenticatedEntity": arn("role", "x"),
            "LastAuthenticatedRegion": "us-east-1",
        }
    if actions is not None:
        item["TrackedActionsLastAccessed"] = [
            {
                "ActionName": a,
                **(
                    {
                        "LastAccessedTime": t,
                        "LastAccessedEntity": arn("role", "x"),
                        "LastAccessedRegion": "us-east-1",
                    }
                    if t
                    else {}
                ),
            }
            for a, t in actions
        ]
    return item


def _report(services: list[dict]) -> dict[str, Any]:
    return {
        "JobStatus": "COMPLETED",
        "JobType": "ACTION_LEVEL",
        "JobCreationDate": "2026-11-20T05:50:00+00:00",
        "ServicesLastAccessed": services,
        "JobCompletionDate": "2026-11-20T05:50:04+00:00",
        "IsTruncated": False,
    }


_CR_COLUMNS = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,"
    "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
    "access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,"
    "access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
).split(",")


def credential_report(rows: list[dict[str, str]]) -> dict[str, Any]:
    out = io.StringIO()
    writer = csv.DictWriter(out, _CR_COLUMNS, restval="N/A", lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow(r)
    content = base64.b64encode(out.getvalue().encode()).decode()
    return {"Content": content, "ReportFormat": "text/csv", "GeneratedTime": "2026-11-20T05:55:00+00:00"}


def _key(user_name: str, key_id: str, created: str) -> dict[str, Any]:
    return {"UserName": user_name, "AccessKeyId": key_id, "Status": "Active", "CreateDate": created}


def write_aws(root: Path) -> None:
    iam = root / "aws" / ACCOUNT / "global" / "iam"
    for sub in (
        "list-access-keys",
        "list-mfa-devices",
        "get-access-key-last-used",
        "get-service-last-accessed-details",
    ):
        (iam / sub).mkdir(parents=True, exist_ok=True)
    fresh = role("fresh", TRUST, [ADMIN["Arn"]]) | {"CreateDate": "2026-11-01T00:00:00+00:00"}
    app = role("app", TRUST, [APP["Arn"]]) | {
        "RoleLastUsed": {"LastUsedDate": "2026-11-19T10:00:00+00:00", "Region": "us-east-1"}
    }
    details = {
        "UserDetailList": [
            user("alice", [ADMIN["Arn"]]),
            user("bob", [APP["Arn"]]),
            user("carol", [APP["Arn"]]),
        ],
        "GroupDetailList": [],
        "RoleDetailList": [
            role("admin-unused", TRUST, [ADMIN["Arn"]]),
            app,
            fresh,
            role("nodata", TRUST, [APP["Arn"]]),
        ],
        "Policies": [ADMIN, APP],
        "IsTruncated": False,
    }
    (iam / "get-account-authorization-details.json").write_text(json.dumps(details))
    keys = {
        "alice": [_key("alice", "AKIAALICEOLD0000000A", "2026-01-02T00:00:00+00:00")],
        "bob": [_key("bob", "AKIABOBNEVER0000000B", "2026-02-01T08:00:00+00:00")],
        "carol": [_key("carol", "AKIACAROLUNKNOWN000C", "2026-02-01T08:00:00+00:00")],
    }
    for name, items in keys.items():
        (iam / "list-access-keys" / f"{name}.json").write_text(
            json.dumps({"AccessKeyMetadata": items, "IsTruncated": False})
        )
        (iam / "list-mfa-devices" / f"{name}.json").write_text(
            json.dumps({"MFADevices": [], "IsTruncated": False})
        )
    (iam / "get-access-key-last-used" / "AKIAALICEOLD0000000A.json").write_text(
        json.dumps(
            {
                "UserName": "alice",
                "AccessKeyLastUsed": {
                    "LastUsedDate": "2026-03-01T09:00:00+00:00",
                    "ServiceName": "s3",
                    "Region": "us-east-1",
                },
            }
        )
    )
    cr = credential_report(
        [
            {
                "user": "alice",
                "arn": arn("user", "alice"),
                "user_creation_time": "2026-01-01T00:00:00+00:00",
                "password_enabled": "true",
                "password_last_used": "2026-11-10T08:00:00+00:00",
                "password_last_changed": "2026-01-01T00:00:00+00:00",
                "mfa_active": "true",
                "access_key_1_active": "true",
                "access_key_1_last_rotated": "2026-01-02T00:00:00+00:00",
                "access_key_1_last_used_date": "2026-03-01T09:00:00+00:00",
                "access_key_2_active": "false",
            },
            {
                "user": "bob",
                "arn": arn("user", "bob"),
                "user_creation_time": "2026-01-01T00:00:00+00:00",
                "password_enabled": "false",
                "password_last_used": "N/A",
                "mfa_active": "false",
                "access_key_1_active": "true",
                "access_key_1_last_rotated": "2026-02-01T08:00:00+00:00",
                "access_key_1_last_used_date": "N/A",
                "access_key_2_active": "false",
            },
            {
                "user": "<root_account>",
                "arn": f"arn:aws:iam::{ACCOUNT}:root",
                "user_creation_time": "2025-01-01T00:00:00+00:00",
                "password_enabled": "not_supported",
                "password_last_used": "no_information",
                "mfa_active": "true",
            },
        ]
    )
    (iam / "get-credential-report.json").write_text(json.dumps(cr))
    la = iam / "get-service-last-accessed-details"
    admin_services = [
        _svc(
            "s3",
            "Amazon S3",
            "2026-11-10T08:00:00+00:00",
            [("GetObject", "2026-11-10T08:00:00+00:00"), ("PutObject", None)],
        )
    ]
    admin_services += [
        _svc(ns, ns.upper(), None)
        for ns in (
            "ec2",
            "iam",
            "kms",
            "lambda",
            "rds",
            "sqs",
            "sts",
            "dynamodb",
            "sns",
            "logs",
            "cloudtrail",
        )
    ]
    (la / "alice.json").write_text(json.dumps(_report(admin_services)))
    (la / "admin-unused.json").write_text(
        json.dumps(_report([_svc(ns, ns.upper(), None) for ns in ("s3", "ec2", "iam", "kms")]))
    )
    app_services = [
        _svc(
            "s3",
            "Amazon S3",
            "2026-11-19T10:00:00+00:00",
            [("GetObject", "2026-11-19T10:00:00+00:00"), ("PutObject", "2026-01-05T00:00:00+00:00")],
        ),
        _svc("sqs", "Amazon SQS", None),
    ]
    (la / "app.json").write_text(json.dumps(_report(app_services)))
    (la / "fresh.json").write_text(json.dumps(_report([_svc("s3", "Amazon S3", None)])))


def _activity(kind: str, resource: str, when: str, sa_id: str) -> dict[str, Any]:
    target = "serviceAccountKey" if kind.startswith("serviceAccountKey") else "serviceAccount"
    return {
        "activity": {
            "lastAuthenticatedTime": when,
            target: {
                "fullResourceName": resource,
                "projectNumber": "418273645020",
                "serviceAccountId": sa_id,
            },
        },
        "activityType": kind,
        "fullResourceName": resource,
        "observationPeriod": {"startTime": "2026-08-01T00:00:00Z", "endTime": "2026-11-20T00:00:00Z"},
    }


CI = "ci-deployer@acme-prod.iam.gserviceaccount.com"
CI_KEY = f"projects/acme-prod/serviceAccounts/{CI}/keys/3f9a0c1b2d4e5f60718293a4b5c6d7e8f9a0b1c2"


INSIGHT = "google.iam.policy.Insight"


def _insight(n: int, member: str, role_name: str, exercised: list[str], total: int) -> dict[str, Any]:
    return {
        "name": f"organizations/{ORG}/locations/global/insightTypes/{INSIGHT}/insights/0000-{n}",
        "description": f"{len(exercised)} of the permissions in this role binding were used in the past "
        "90 days.",
        "content": {
            "role": role_name,
            "member": member,
            "condition": {"expression": "", "title": "", "description": "", "location": ""},
            "exercisedPermissions": [{"permission": p} for p in exercised],
            "inferredPermissions": [],
            "currentTotalPermissionsCount": str(total),
        },
        "lastRefreshTime": "2026-11-19T07:00:00Z",
        "observationPeriod": "7776000s",
        "stateInfo": {"state": "ACTIVE"},
        "category": "SECURITY",
        "targetResources": ["//cloudresourcemanager.googleapis.com/projects/418273645020"],
        "insightSubtype": "PERMISSIONS_USAGE",
        "etag": '"b153ab487e4ae100"',
        "severity": "HIGH",
    }


def write_gcp(root: Path) -> None:
    make_snapshot(root, collected_at=AT)
    base = root / "gcp" / ORG
    for sub in ("recommender", "policyintelligence", "iam"):
        (base / sub).mkdir(parents=True, exist_ok=True)
    insights = [
        _insight(
            1, f"serviceAccount:{CI}", "roles/editor", ["storage.objects.get", "storage.objects.list"], 6000
        ),
        _insight(2, "user:alice@example.com", "roles/iam.serviceAccountTokenCreator", [], 12),
    ]
    (base / "recommender" / "insights.json").write_text(json.dumps(insights, indent=1))
    sa = [
        _activity(
            "serviceAccountLastAuthentication",
            f"//iam.googleapis.com/projects/acme-prod/serviceAccounts/{CI}",
            "2026-11-19T07:00:00Z",
            "118273645501928374650",
        )
    ]
    key = [
        _activity(
            "serviceAccountKeyLastAuthentication",
            f"//iam.googleapis.com/{CI_KEY}",
            "2026-05-01T07:00:00Z",
            "118273645501928374650",
        )
    ]
    (base / "policyintelligence" / "serviceAccountLastAuthentication.json").write_text(json.dumps(sa))
    (base / "policyintelligence" / "serviceAccountKeyLastAuthentication.json").write_text(json.dumps(key))
    # Role definitions (read with the deny policies, of which there are none) for the smallest-role proposal.
    (base / "iam" / "denypolicies.json").write_text("[]")
    roles = [
        {
            "name": "roles/storage.objectViewer",
            "title": "Storage Object Viewer",
            "stage": "GA",
            "includedPermissions": [
                "resourcemanager.projects.get",
                "storage.objects.get",
                "storage.objects.list",
            ],
        },
        {
            "name": "roles/storage.admin",
            "title": "Storage Admin",
            "stage": "GA",
            "includedPermissions": [
                "storage.buckets.get",
                "storage.objects.get",
                "storage.objects.list",
                "storage.objects.delete",
            ],
        },
    ]
    (base / "iam" / "roles.json").write_text(json.dumps(roles))


def _event(
    n: int,
    username: str,
    groups: list[str],
    verb: str,
    resource: str,
    when: str,
    namespace: str = "",
    code: int = 200,
) -> dict[str, Any]:
    ref = {"resource": resource, "apiVersion": "v1"} | ({"namespace": namespace} if namespace else {})
    return {
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "level": "Metadata",
        "auditID": f"6f3c9a2e-0000-4000-8000-{n:012d}",
        "stage": "ResponseComplete",
        "requestURI": f"/api/v1/{'namespaces/' + namespace + '/' if namespace else ''}{resource}",
        "verb": verb,
        "user": {"username": username, "groups": groups},
        "sourceIPs": ["10.0.1.15"],
        "userAgent": "kubectl/v1.31.0",
        "objectRef": ref,
        "responseStatus": {"metadata": {}, "code": code},
        "requestReceivedTimestamp": when,
        "stageTimestamp": when,
        "annotations": {"authorization.k8s.io/decision": "allow" if code < 400 else "forbid"},
    }


def write_k8s(root: Path) -> None:
    dest = root / "k8s" / "prod-eks"
    shutil.copytree(HANDWRITTEN / "day1" / "k8s" / "prod-eks", dest)
    node = "system:serviceaccount:kube-system:aws-node"
    events = [
        _event(
            1,
            node,
            ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"],
            "list",
            "pods",
            "2026-11-01T00:00:00.000000Z",
        ),
        _event(
            2,
            node,
            ["system:serviceaccounts", "system:authenticated"],
            "list",
            "pods",
            "2026-11-19T00:00:00.000000Z",
        ),
        _event(
            3,
            "dev@example.com",
            ["system:authenticated"],
            "get",
            "pods",
            "2026-11-18T10:00:00.000000Z",
            "web",
        ),
        _event(
            4,
            "dev@example.com",
            ["system:authenticated"],
            "delete",
            "secrets",
            "2026-11-18T10:05:00.000000Z",
            "web",
            403,
        ),
    ]
    (dest / "audit.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))


def usage_snapshot(root: Path) -> Path:
    write_gcp(root)  # writes snapshot.json with AT
    write_aws(root)
    write_k8s(root)
    return root
