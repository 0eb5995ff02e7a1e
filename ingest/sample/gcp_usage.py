"""GCP usage data of the sample: IAM policy insights and Activity Analyzer answers, as gcloud prints them.

Project 0's app service account authenticated the day before day 1 but its user-managed key not for 200 days
(planted: an unused service-account key); its bucket binding exercised one permission of three; alice's
project ownership exercised two permissions of thousands.
"""

from __future__ import annotations

from typing import Any

INSIGHT_TYPE = "google.iam.policy.Insight"
WINDOW = {"startTime": "2026-07-01T00:00:00Z", "endTime": "2026-11-01T00:00:00Z"}
KEY_LAST_AUTH = "2026-04-15T07:00:00Z"  # 200 days before day 1


def _insight(
    org: str, n: int, member: str, role: str, target: str, used: list[str], total: int
) -> dict[str, Any]:
    return {
        "name": f"organizations/{org}/locations/global/insightTypes/{INSIGHT_TYPE}/insights/sample-{n}",
        "description": f"{len(used)} of the permissions in this role binding were used in the past 90 days.",
        "content": {
            "role": role,
            "member": member,
            "condition": {"expression": "", "title": "", "description": "", "location": ""},
            "exercisedPermissions": [{"permission": p} for p in used],
            "inferredPermissions": [],
            "currentTotalPermissionsCount": str(total),
        },
        "lastRefreshTime": "2026-10-31T07:00:00Z",
        "observationPeriod": "7776000s",
        "stateInfo": {"state": "ACTIVE"},
        "category": "SECURITY",
        "targetResources": [target],
        "insightSubtype": "PERMISSIONS_USAGE",
        "etag": '"5a1e0c9d2b7f4e31"',
        "severity": "HIGH" if not used else "LOW",
    }


def _activity(kind: str, resource: str, when: str, uid: str, number: str) -> dict[str, Any]:
    target = "serviceAccountKey" if kind == "serviceAccountKeyLastAuthentication" else "serviceAccount"
    return {
        "activity": {
            "lastAuthenticatedTime": when,
            target: {"fullResourceName": resource, "projectNumber": number, "serviceAccountId": uid},
        },
        "activityType": kind,
        "fullResourceName": resource,
        "observationPeriod": WINDOW,
    }


def usage_files(org: str, first: dict[str, Any]) -> dict[str, Any]:
    """``{path: body}`` under ``gcp/<org>/`` (docs/snapshot-format.md); nothing without a project."""
    if not first:
        return {}
    pid, num, sa, uid, key = (first[k] for k in ("project", "number", "service_account", "uid", "key"))
    insights = [
        _insight(
            org,
            1,
            f"serviceAccount:{sa}",
            "roles/storage.objectViewer",
            f"//storage.googleapis.com/{pid}-jewels",
            ["storage.objects.get"],
            3,
        ),
        _insight(
            org,
            2,
            "user:alice@example.com",
            "roles/owner",
            f"//cloudresourcemanager.googleapis.com/projects/{num}",
            ["resourcemanager.projects.get", "compute.instances.list"],
            9872,
        ),
    ]
    accounts = [
        _activity(
            "serviceAccountLastAuthentication",
            f"//iam.googleapis.com/projects/{pid}/serviceAccounts/{sa}",
            "2026-10-31T07:00:00Z",
            uid,
            num,
        )
    ]
    keys = [
        _activity(
            "serviceAccountKeyLastAuthentication", f"//iam.googleapis.com/{key}", KEY_LAST_AUTH, uid, num
        )
    ]
    return {
        f"gcp/{org}/recommender/insights.json": insights,
        f"gcp/{org}/policyintelligence/serviceAccountLastAuthentication.json": accounts,
        f"gcp/{org}/policyintelligence/serviceAccountKeyLastAuthentication.json": keys if key else [],
    }
