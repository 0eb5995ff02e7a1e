"""`collect_gcp` against a local HTTP server speaking the Cloud Asset REST API (recorded list responses),
through the real google-cloud-asset client (REST transport, anonymous credentials), then ingested. The same
server speaks the Recommender and Policy Analyzer REST APIs for the usage inputs (recorded gcloud shapes from
tests/privileges/usage_support.py), reached through google-auth's AuthorizedSession."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

pytest.importorskip("google.cloud.asset_v1")

from google.auth.credentials import AnonymousCredentials  # noqa: E402
from google.auth.transport.requests import AuthorizedSession  # noqa: E402
from google.cloud import asset_v1  # noqa: E402

from ingest.gcp.collect import collect_gcp  # noqa: E402
from ingest.gcp.collect_usage import INSIGHT_TYPE, UsageApis  # noqa: E402
from tests.privileges.usage_support import CI, CI_KEY, _activity, _insight  # noqa: E402

from .gcp_support import ORG, REPO, ids, read, run, statuses  # noqa: E402

# The hand-written org-policy listing (v1 form, gcloud asset list --content-type=org-policy).
ORG_POLICIES = json.loads(
    (
        REPO / "tests/data/snapshots/handwritten-gcp-guardrails/gcp" / ORG / "cloudasset/org-policy.json"
    ).read_text()
)
# What `gcloud recommender insights list` / `gcloud policy-intelligence query-activity` print.
INSIGHTS = [
    _insight(
        1, f"serviceAccount:{CI}", "roles/editor", ["storage.objects.get", "storage.objects.list"], 6000
    ),
    _insight(2, "user:alice@example.com", "roles/iam.serviceAccountTokenCreator", [], 12),
]
ACTIVITY = {  # project -> activity type -> activities (the org's projects: acme-prod, acme-dev)
    "acme-prod": {
        "serviceAccountLastAuthentication": [
            _activity(
                "serviceAccountLastAuthentication",
                f"//iam.googleapis.com/projects/acme-prod/serviceAccounts/{CI}",
                "2026-11-19T07:00:00Z",
                "118273645501928374650",
            )
        ],
        "serviceAccountKeyLastAuthentication": [
            _activity(
                "serviceAccountKeyLastAuthentication",
                f"//iam.googleapis.com/{CI_KEY}",
                "2026-05-01T07:00:00Z",
                "118273645501928374650",
            )
        ],
    },
    "acme-dev": {"serviceAccountLastAuthentication": [], "serviceAccountKeyLastAuthentication": []},
}
INSIGHTS_PATH = f"/v1/organizations/{ORG}/locations/global/insightTypes/{INSIGHT_TYPE}/insights"


class _Api(BaseHTTPRequestHandler):
    """GET /v1/organizations/<id>/assets?contentType=…: two pages of resources; iam-policy as configured."""

    deny_iam = False
    deny_insights = False  # the Recommender answers 403 PERMISSION_DENIED
    disabled_activity: str | None = None  # a project whose Policy Analyzer API is disabled (403)
    quota_once = False  # the first insights page answers 429 once (retried)
    quota_always = False  # the insights answer 429 every time (refused after the retries)
    html_activity = False  # Policy Analyzer answers 200 with an HTML page (a proxy's)
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        type(self).requests.append(f"{url.path}?{query.get('contentType')}&{query.get('pageToken', '')}")
        if url.path == INSIGHTS_PATH:
            return self._insights(query)
        if url.path.endswith("/activities:query"):
            return self._activities(url.path, query)
        if url.path != f"/v1/organizations/{ORG}/assets":
            return self._send(404, {"error": {"code": 404, "message": "not found", "status": "NOT_FOUND"}})
        if query.get("contentType") in ("IAM_POLICY", "2"):  # the REST transport sends the enum number
            if self.deny_iam:
                return self._send(
                    403,
                    {
                        "error": {
                            "code": 403,
                            "status": "PERMISSION_DENIED",
                            "message": "cloudasset.assets.listIamPolicy denied",
                        }
                    },
                )
            return self._send(200, {"assets": read("day1", "iam-policy"), "readTime": "2026-11-20T06:00:00Z"})
        if query.get("contentType") in ("ORG_POLICY", "4"):
            return self._send(200, {"assets": ORG_POLICIES, "readTime": "2026-11-20T06:00:00Z"})
        assets = read("day1", "resource")
        half = len(assets) // 2
        if query.get("pageToken") == "p2":
            return self._send(200, {"assets": assets[half:], "readTime": "2026-11-20T06:00:00Z"})
        return self._send(
            200, {"assets": assets[:half], "nextPageToken": "p2", "readTime": "2026-11-20T06:00:00Z"}
        )

    def _insights(self, query: dict[str, str]) -> None:
        cls = type(self)
        if cls.deny_insights:
            message = "Permission 'recommender.iamPolicyInsights.list' denied"
            return self._send(
                403, {"error": {"code": 403, "status": "PERMISSION_DENIED", "message": message}}
            )
        if cls.quota_once or cls.quota_always:
            cls.quota_once = False
            return self._send(
                429, {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "message": "quota"}}
            )
        if query.get("pageToken") == "i2":  # two pages, like any list method
            return self._send(200, {"insights": INSIGHTS[1:]})
        return self._send(200, {"insights": INSIGHTS[:1], "nextPageToken": "i2"})

    def _activities(self, path: str, query: dict[str, str]) -> None:
        # /v1/projects/<p>/locations/global/activityTypes/<type>/activities:query
        parts = path.split("/")
        project, kind = parts[3], parts[7]
        if type(self).html_activity:
            data = b"<html><body>Service Unavailable</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return None
        if project == type(self).disabled_activity:
            message = f"Policy Analyzer API has not been used in project {project} before or it is disabled."
            return self._send(
                403, {"error": {"code": 403, "status": "PERMISSION_DENIED", "message": message}}
            )
        if project not in ACTIVITY or query.get("pageSize") != "1000":
            return self._send(404, {"error": {"code": 404, "message": "not found", "status": "NOT_FOUND"}})
        return self._send(200, {"activities": ACTIVITY[project][kind]} if ACTIVITY[project][kind] else {})

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    _Api.requests, _Api.deny_iam = [], False
    _Api.deny_insights, _Api.disabled_activity, _Api.quota_once = False, None, False
    _Api.quota_always, _Api.html_activity = False, False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _client(endpoint: str) -> asset_v1.AssetServiceClient:
    return asset_v1.AssetServiceClient(
        credentials=AnonymousCredentials(), transport="rest", client_options={"api_endpoint": endpoint}
    )


def _usage(endpoint: str) -> UsageApis:
    session = AuthorizedSession(AnonymousCredentials())
    return UsageApis(session, recommender=endpoint, policy_analyzer=endpoint, backoff=lambda attempt: None)


def test_collect_writes_what_gcloud_prints(api: str, tmp_path: Path) -> None:
    report = collect_gcp(tmp_path, organization=ORG, client=_client(api), usage=_usage(api))
    assert (report.status, report.files_written, report.errors) == ("ok", 6, [])
    folder = tmp_path / "gcp" / ORG / "cloudasset"
    # Both pages, camelCase, unchanged: the collected files equal the gcloud output they were recorded from.
    assert json.loads((folder / "resource.json").read_text()) == read("day1", "resource")
    assert json.loads((folder / "iam-policy.json").read_text()) == read("day1", "iam-policy")
    assert json.loads((folder / "org-policy.json").read_text()) == ORG_POLICIES
    assert json.loads((tmp_path / "snapshot.json").read_text())["collected_at"].endswith("Z")
    assert any(r.endswith("&p2") for r in _Api.requests)


def test_permission_denied_writes_no_file_and_is_reported(neo4j: str, api: str, tmp_path: Path) -> None:
    _Api.deny_iam = True
    report = collect_gcp(tmp_path, organization=ORG, client=_client(api), usage=_usage(api))
    assert (report.status, report.exit_code, report.files_written) == ("partial", 2, 5)
    assert len(report.errors) == 1 and "iam-policy" in report.errors[0] and "denied" in report.errors[0]
    assert not (tmp_path / "gcp" / ORG / "cloudasset" / "iam-policy.json").exists()
    result = run(tmp_path)
    assert statuses(result)[f"{ORG} gcp.policy_bindings"] == "not collected"
    assert statuses(result)[f"{ORG} gcp.buckets"] == "ok"
    assert ids("GCPBucket") == {"acme-public-site", "acme-crown-jewels", "acme-dev-scratch"}


def test_collect_refuses_a_used_folder_and_bad_arguments(tmp_path: Path) -> None:
    (tmp_path / "gcp" / ORG / "cloudasset").mkdir(parents=True)
    (tmp_path / "gcp" / ORG / "cloudasset" / "resource.json").write_text("[]")
    with pytest.raises(FileExistsError):
        collect_gcp(tmp_path, organization=ORG, client=object())
    with pytest.raises(ValueError):
        collect_gcp(tmp_path, organization=ORG, project="p", client=object())


def test_ingest_gcp_command_collects_then_ingests_and_says_partial(
    neo4j: str, api: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`invgraph ingest gcp`: a refused content type keeps its data and turns an ok load into exit code 2."""
    from typer.testing import CliRunner

    import ingest.gcp.collect as collect_module
    from cli.main import app

    real = collect_module.collect_gcp
    monkeypatch.setattr(
        collect_module,
        "collect_gcp",
        lambda out, **kw: real(out, client=_client(api), usage=_usage(api), **kw),
    )
    _Api.deny_iam = True
    result = CliRunner().invoke(app, ["ingest", "gcp", "--organization", ORG, "--format", "json"])
    assert result.exit_code == 2, result.output
    body = json.loads(result.stdout)
    assert body["collection"]["errors"] and "iam-policy" in body["collection"]["errors"][0]
    modules = {(m["scope"], m["name"]): m["status"] for m in body["modules"]}
    assert modules[(ORG, "gcp.policy_bindings")] == "not collected"
    assert modules[(ORG, "gcp.instances")] == "ok"
    assert ids("GCPInstance")


def _usage_by_id() -> dict[str, dict[str, Any]]:
    from analysis.privileges.usage import report as usage_report

    return {p["id"]: p for p in usage_report()["principals"] if p["provider"] == "gcp"}


def test_usage_inputs_written_as_gcloud_prints_then_judged(neo4j: str, api: str, tmp_path: Path) -> None:
    """Insights (two pages, after one 429) and the org's per-project activity land in the files the offline
    reader takes; ingested, they give the same verdicts as the hand-written usage snapshot."""
    _Api.quota_once = True
    report = collect_gcp(tmp_path, organization=ORG, client=_client(api), usage=_usage(api))
    assert (report.status, report.files_written, report.errors) == ("ok", 6, [])
    base = tmp_path / "gcp" / ORG
    assert json.loads((base / "recommender/insights.json").read_text()) == INSIGHTS
    for kind in ("serviceAccountLastAuthentication", "serviceAccountKeyLastAuthentication"):
        written = json.loads((base / "policyintelligence" / f"{kind}.json").read_text())
        assert written == ACTIVITY["acme-dev"][kind] + ACTIVITY["acme-prod"][kind]
    asked = {r.split("?")[0].split("/")[3] for r in _Api.requests if "activities:query" in r}
    assert asked == {"acme-prod", "acme-dev"}  # the projects the org's resource listing holds
    result = run(tmp_path)
    assert statuses(result)[f"{ORG} gcp.iam_usage"] == "ok"
    ps = _usage_by_id()
    ci = ps[f"{ORG}/serviceAccount:{CI}"]
    assert (ci["status"], ci["granted"], ci["used"]) == ("collected", 6000, 2)
    assert ci["last_activity"].startswith("2026-11-19") and not ci["principal_unused"]
    assert {c["id"]: c["status"] for c in ci["credentials"]} == {CI_KEY: "unused"}
    assert ps[f"{ORG}/user:alice@example.com"]["principal_unused"]


def test_refused_usage_apis_are_not_collected_never_unused(neo4j: str, api: str, tmp_path: Path) -> None:
    """Recommender denied, Policy Analyzer disabled in one of the org's projects: no usage file at all (a
    partial activity answer would make acme-dev's accounts look unused), each refusal in the report, and
    after ingest no GCP principal is called unused."""
    _Api.deny_insights, _Api.disabled_activity = True, "acme-dev"
    report = collect_gcp(tmp_path, organization=ORG, client=_client(api), usage=_usage(api))
    assert (report.status, report.exit_code, report.files_written) == ("partial", 2, 3)
    assert len(report.errors) == 3
    assert "recommender insights list" in report.errors[0] and "PERMISSION_DENIED" in report.errors[0]
    assert all("activity not collected" in e and "--project=acme-dev" in e for e in report.errors[1:])
    assert not (tmp_path / "gcp" / ORG / "recommender").exists()
    assert not (tmp_path / "gcp" / ORG / "policyintelligence").exists()
    result = run(tmp_path)
    assert statuses(result)[f"{ORG} gcp.iam_usage"] == "not collected"
    ps = _usage_by_id()
    assert ps and {p["status"] for p in ps.values()} == {"not collected"}
    assert not any(p["principal_unused"] or p["unused_credentials"] for p in ps.values())


def test_project_scope_queries_its_own_activity(api: str, tmp_path: Path) -> None:
    """A project is its own Activity Analyzer target; without the resource listing, an org's activity is
    not collected (its project list is unknown), and says so."""
    from ingest.collect_report import ScopeCollectReport
    from ingest.gcp.collect_usage import collect_usage

    report = ScopeCollectReport("acme-prod", "2026-11-20T06:00:00Z")
    collect_usage(tmp_path / "p", "projects/acme-prod", ["acme-prod"], _usage(api), report)
    assert report.files_written == 2 and "recommender insights list --insight-type" in report.errors[0]
    written = json.loads(
        (tmp_path / "p/policyintelligence/serviceAccountLastAuthentication.json").read_text()
    )
    assert written == ACTIVITY["acme-prod"]["serviceAccountLastAuthentication"]
    org = ScopeCollectReport(ORG, "2026-11-20T06:00:00Z")
    collect_usage(tmp_path / "o", f"organizations/{ORG}", None, _usage(api), org)
    assert org.files_written == 1 and len(org.errors) == 2
    assert all("resource listing, which was not collected" in e for e in org.errors)


def test_quota_after_retries_and_non_json_answers_are_not_collected(api: str, tmp_path: Path) -> None:
    """429 on every try (three) and a 200 HTML page: no file, one report line each, no exception."""
    from ingest.collect_report import ScopeCollectReport
    from ingest.gcp.collect_usage import collect_usage

    _Api.quota_always, _Api.html_activity = True, True
    report = ScopeCollectReport(ORG, "2026-11-20T06:00:00Z")
    collect_usage(tmp_path, f"organizations/{ORG}", ["acme-prod"], _usage(api), report)
    assert report.files_written == 0 and not any(tmp_path.iterdir())
    assert "429 RESOURCE_EXHAUSTED" in report.errors[0] and "insights not collected" in report.errors[0]
    assert sum(1 for r in _Api.requests if r.startswith(INSIGHTS_PATH)) == 3
    assert all("not JSON" in e and "activity not collected" in e for e in report.errors[1:])
    assert len(report.errors) == 3
