"""The usage inputs of `invgraph collect gcp`: IAM policy insights and Activity Analyzer, as gcloud prints
them.

Writes, under ``<out>/gcp/<scope>/``, the files ``ingest/gcp/iam_usage.py`` reads:

* ``recommender/insights.json`` — ``gcloud recommender insights list --insight-type=google.iam.policy.Insight
  --location=global --organization|--project=<id> --format=json``: the Recommender API's
  ``insights.list`` of the scope, every page;
* ``policyintelligence/<activity type>.json`` for ``serviceAccountLastAuthentication`` and
  ``serviceAccountKeyLastAuthentication`` — ``gcloud policy-intelligence query-activity
  --activity-type=<type> --project=<id> --limit=unlimited --format=json``: the Policy Analyzer API's
  ``activities:query``, every page. The API answers per project, so an organization's file is the answers
  of the projects its resource listing holds, concatenated (what the offline reader documents).

Both APIs are called over REST with the same Application Default Credentials as Cloud Asset Inventory
(google-auth's ``AuthorizedSession``, which the google-cloud-asset extra already installs): no other client
library. Activity Analyzer lists only identities that authenticated, so a partial answer would make every
account it lacks look unused: an input is written only when *every* page of *every* project came back. A
refused input (permission denied, API disabled, quota after retries, unreachable) writes no file — it is
*not collected*, never "unused" — and the collect report names it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.collect_report import ScopeCollectReport
from ingest.gcp.iam_usage import ACTIVITY_TYPES

INSIGHT_TYPE = "google.iam.policy.Insight"
RETRIED = frozenset({429, 500, 502, 503, 504})  # quota and transient server errors: retried, then refused
PROJECT_ASSET = "cloudresourcemanager.googleapis.com/Project"


@dataclass(frozen=True)
class UsageApis:
    """Where the two APIs are reached: an authorized ``requests`` session and the REST roots."""

    session: Any  # google.auth.transport.requests.AuthorizedSession (or any requests.Session)
    recommender: str = "https://recommender.googleapis.com"
    policy_analyzer: str = "https://policyanalyzer.googleapis.com"
    attempts: int = 3
    backoff: Callable[[int], None] = lambda attempt: time.sleep(2**attempt)

    @classmethod
    def default(cls) -> UsageApis:
        """Application Default Credentials (raises google.auth's DefaultCredentialsError without any)."""
        import google.auth
        from google.auth.transport.requests import AuthorizedSession

        credentials, _project = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
        return cls(AuthorizedSession(credentials))


class Refused(Exception):
    """The API did not give the whole answer; the message says why (HTTP status and the API's message)."""


def _error(response: Any) -> str:
    try:
        err = response.json()["error"]
        return f"{err.get('code', response.status_code)} {err.get('status', '')}: {err.get('message', '')}"
    except (ValueError, KeyError, TypeError):
        return f"HTTP {response.status_code}"


def _get(apis: UsageApis, url: str, params: dict[str, Any]) -> dict[str, Any]:
    import requests

    for attempt in range(apis.attempts):
        try:
            response = apis.session.get(url, params=params, timeout=120)
        except requests.RequestException as exc:
            raise Refused(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code == 200:
            try:
                body = response.json()
            except ValueError as exc:  # a proxy's HTML page, a cut-off answer
                raise Refused(f"the answer is not JSON: {exc}") from exc
            if not isinstance(body, dict):
                raise Refused("the answer is not a JSON object")
            return body
        if response.status_code not in RETRIED or attempt == apis.attempts - 1:
            raise Refused(_error(response))
        apis.backoff(attempt)
    raise AssertionError("unreachable")


def _all_pages(apis: UsageApis, url: str, field: str, page_size: int | None) -> list[Any]:
    """Every page's ``field`` items; any refused page refuses the whole list."""
    items: list[Any] = []
    token = None
    while True:
        params: dict[str, Any] = {"pageSize": page_size} if page_size else {}
        if token:
            params["pageToken"] = token
        body = _get(apis, url, params)
        items += body.get(field) or []
        token = body.get("nextPageToken")
        if not token:
            return items


def projects_of(resources: list[dict[str, Any]]) -> list[str]:
    """The project ids an organization's resource listing holds (the Activity Analyzer query targets)."""
    return sorted(
        {
            str(a["resource"]["data"]["projectId"])
            for a in resources
            if a.get("assetType") == PROJECT_ASSET
            and isinstance((a.get("resource") or {}).get("data"), dict)
            and a["resource"]["data"].get("projectId")
        }
    )


def _write(path: Path, items: list[Any], report: ScopeCollectReport) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(items, indent=2, sort_keys=True) + "\n")
    report.files_written += 1


def collect_usage(
    folder: Path, parent: str, projects: list[str] | None, apis: UsageApis, report: ScopeCollectReport
) -> None:
    """Write the usage files of one scope into ``folder`` (``<out>/gcp/<scope>``). ``parent`` is
    ``organizations/<id>`` or ``projects/<id>``; ``projects`` the projects to query activity for (None: the
    organization's resource listing was not collected, so its activity cannot be either)."""
    scope = report.scope
    flag = "--organization" if parent.startswith("organizations/") else "--project"
    insights_cmd = f"gcloud recommender insights list --insight-type={INSIGHT_TYPE} {flag}={scope}"
    url = f"{apis.recommender}/v1/{parent}/locations/global/insightTypes/{INSIGHT_TYPE}/insights"
    try:
        insights = _all_pages(apis, url, "insights", None)
    except Refused as exc:
        report.errors.append(f"{scope} {insights_cmd}: {exc} (insights not collected)")
    else:
        _write(folder / "recommender" / "insights.json", insights, report)
    for kind in ACTIVITY_TYPES:
        activity_cmd = f"gcloud policy-intelligence query-activity --activity-type={kind}"
        if projects is None:
            report.errors.append(
                f"{scope} {activity_cmd}: the project list comes from the resource listing, which was not "
                "collected (activity not collected)"
            )
            continue
        activities: list[Any] = []
        try:
            for project in projects:
                root = f"{apis.policy_analyzer}/v1/projects/{project}/locations/global/activityTypes/{kind}"
                activities += _all_pages(apis, f"{root}/activities:query", "activities", 1000)
        except Refused as exc:
            report.errors.append(
                f"{scope} {activity_cmd} --project={project}: {exc} (activity not collected)"
            )
            continue
        _write(folder / "policyintelligence" / f"{kind}.json", activities, report)
