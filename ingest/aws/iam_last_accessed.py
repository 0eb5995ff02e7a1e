"""get-service-last-accessed-details reports → rows for the AWSPrincipal composite (pure).

Reports are files named by principal *name*, and a user, a group and a role may share a name: a report
whose name is ambiguous is not applied and is reported instead of being attached to the wrong principal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ingest.aws.iam_common import to_json


def summary(arn: str, report: Mapping[str, Any]) -> dict[str, Any]:
    """The whole report as JSON plus Cartography's most-recently-used-service properties."""
    services = report.get("ServicesLastAccessed") or []
    used = [x for x in services if x.get("LastAuthenticated")]
    latest = max(used, key=lambda x: x["LastAuthenticated"]) if used else {}
    return {
        "id": arn,
        "services_last_accessed": to_json(services),
        "last_accessed_service_name": latest.get("ServiceName"),
        "last_accessed_service_namespace": latest.get("ServiceNamespace"),
        "last_authenticated": latest.get("LastAuthenticated"),
        "last_authenticated_entity": latest.get("LastAuthenticatedEntity"),
        "last_authenticated_region": latest.get("LastAuthenticatedRegion"),
    }


def last_accessed_rows(
    reports: Mapping[str, Mapping[str, Any]], principals: Iterable[Mapping[str, Any]], reports_dir: str
) -> tuple[list[dict[str, Any]], list[str]]:
    by_name: dict[str, list[str]] = {}
    for row in principals:
        by_name.setdefault(row["name"], []).append(row["arn"])
    rows, errors = [], []
    for name, report in sorted(reports.items()):
        arns = by_name.get(name, [])
        if len(arns) == 1:
            rows.append(summary(arns[0], report))
        elif arns:
            errors.append(
                f"{reports_dir}/{name}.json: the name is ambiguous ({', '.join(arns)}); not applied"
            )
    return rows, errors
