"""`collect_gcp` against a local HTTP server speaking the Cloud Asset REST API (recorded list responses),
through the real google-cloud-asset client (REST transport, anonymous credentials), then ingested."""

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
from google.cloud import asset_v1  # noqa: E402

from ingest.gcp.collect import collect_gcp  # noqa: E402

from .gcp_support import ORG, REPO, ids, read, run, statuses  # noqa: E402

# The hand-written org-policy listing (v1 form, gcloud asset list --content-type=org-policy).
ORG_POLICIES = json.loads(
    (
        REPO / "tests/data/snapshots/handwritten-gcp-guardrails/gcp" / ORG / "cloudasset/org-policy.json"
    ).read_text()
)


class _Api(BaseHTTPRequestHandler):
    """GET /v1/organizations/<id>/assets?contentType=…: two pages of resources; iam-policy as configured."""

    deny_iam = False
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        type(self).requests.append(f"{url.path}?{query.get('contentType')}&{query.get('pageToken', '')}")
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
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _client(endpoint: str) -> asset_v1.AssetServiceClient:
    return asset_v1.AssetServiceClient(
        credentials=AnonymousCredentials(), transport="rest", client_options={"api_endpoint": endpoint}
    )


def test_collect_writes_what_gcloud_prints(api: str, tmp_path: Path) -> None:
    report = collect_gcp(tmp_path, organization=ORG, client=_client(api))
    assert (report.status, report.files_written, report.errors) == ("ok", 3, [])
    folder = tmp_path / "gcp" / ORG / "cloudasset"
    # Both pages, camelCase, unchanged: the collected files equal the gcloud output they were recorded from.
    assert json.loads((folder / "resource.json").read_text()) == read("day1", "resource")
    assert json.loads((folder / "iam-policy.json").read_text()) == read("day1", "iam-policy")
    assert json.loads((folder / "org-policy.json").read_text()) == ORG_POLICIES
    assert json.loads((tmp_path / "snapshot.json").read_text())["collected_at"].endswith("Z")
    assert any(r.endswith("&p2") for r in _Api.requests)


def test_permission_denied_writes_no_file_and_is_reported(neo4j: str, api: str, tmp_path: Path) -> None:
    _Api.deny_iam = True
    report = collect_gcp(tmp_path, organization=ORG, client=_client(api))
    assert (report.status, report.exit_code, report.files_written) == ("partial", 2, 2)
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
    monkeypatch.setattr(collect_module, "collect_gcp", lambda out, **kw: real(out, client=_client(api), **kw))
    _Api.deny_iam = True
    result = CliRunner().invoke(app, ["ingest", "gcp", "--organization", ORG, "--format", "json"])
    assert result.exit_code == 2, result.output
    body = json.loads(result.stdout)
    assert body["collection"]["errors"] and "iam-policy" in body["collection"]["errors"][0]
    modules = {(m["scope"], m["name"]): m["status"] for m in body["modules"]}
    assert modules[(ORG, "gcp.policy_bindings")] == "not collected"
    assert modules[(ORG, "gcp.instances")] == "ok"
    assert ids("GCPInstance")
