"""The live path: the real kubernetes client against a local API server that answers recorded List responses.

The server (http.server on 127.0.0.1) serves the hand-written day-1 cluster the way the API server does:
``PodList`` etc. without per-item kind/apiVersion, pods in two pages, secrets *with* their values. The
collector must write exactly what ``kubectl get <r> -A -o json`` prints (minus secret values).
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import typer
from typer.testing import CliRunner

from cli import ingest_cmd, k8s_cmd
from ingest.k8s import collect
from ingest.k8s.collect import RESOURCES, collect_k8s

from .k8s_support import CLUSTER, DAY1, names, required_statuses, run
from .test_k8s_ingest import PODS

EKS_ARN = "arn:aws:eks:us-east-1:123456789012:cluster/prod-eks"
SECRET_VALUE = base64.b64encode(b"live-s3cret-value").decode()
PATHS = {
    "namespaces": "/api/v1/namespaces",
    "nodes": "/api/v1/nodes",
    "pods": "/api/v1/pods",
    "services": "/api/v1/services",
    "serviceaccounts": "/api/v1/serviceaccounts",
    "secrets": "/api/v1/secrets",
    "deployments": "/apis/apps/v1/deployments",
    "daemonsets": "/apis/apps/v1/daemonsets",
    "statefulsets": "/apis/apps/v1/statefulsets",
    "ingresses": "/apis/networking.k8s.io/v1/ingresses",
    "networkpolicies": "/apis/networking.k8s.io/v1/networkpolicies",
    "roles": "/apis/rbac.authorization.k8s.io/v1/roles",
    "clusterroles": "/apis/rbac.authorization.k8s.io/v1/clusterroles",
    "rolebindings": "/apis/rbac.authorization.k8s.io/v1/rolebindings",
    "clusterrolebindings": "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
}


def _api_list(resource: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The API server's List for a resource: typed kind, items without kind/apiVersion."""
    _, _, api_version, kind = RESOURCES[resource]
    items = [
        {k: v for k, v in i.items() if k not in ("kind", "apiVersion")}
        for i in json.loads((DAY1 / f"{resource}.json").read_text())["items"]
    ]
    if resource == "secrets":
        items = [{**i, "data": {"password": SECRET_VALUE}} for i in items]
    return {
        "kind": f"{kind}List",
        "apiVersion": api_version,
        "metadata": {"resourceVersion": "8123999"},
    }, items


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the client hung up on a deliberately slow answer: expected, not worth a traceback


class FakeApiServer:
    def __init__(self) -> None:
        self.forbidden: set[str] = set()
        self.slow: set[str] = set()
        self.requests: list[str] = []
        self.server = _QuietServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _send(self, code: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                url = urlparse(self.path)
                api.requests.append(self.path)
                resource = next((r for r, p in PATHS.items() if p == url.path), None)
                if resource is None:
                    self._send(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 404})
                    return
                if resource in api.slow:
                    time.sleep(2)
                if resource in api.forbidden:
                    self._send(
                        403,
                        {
                            "kind": "Status",
                            "apiVersion": "v1",
                            "status": "Failure",
                            "reason": "Forbidden",
                            "message": f'{resource} is forbidden: User "ci" cannot list resource',
                            "code": 403,
                        },
                    )
                    return
                head, items = _api_list(resource)
                if resource == "pods":  # two pages, as with --chunk-size
                    second = parse_qs(url.query).get("continue") == ["page-2"]
                    items = items[4:] if second else items[:4]
                    if not second:
                        head["metadata"]["continue"] = "page-2"
                self._send(200, {**head, "items": items})

        return Handler


@pytest.fixture()
def api_server() -> Iterator[FakeApiServer]:
    server = FakeApiServer()
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()


@pytest.fixture()
def kubeconfig(api_server: FakeApiServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "kubeconfig.json"  # kubeconfig is YAML, and JSON is YAML
    path.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "current-context": "prod",
                "clusters": [{"name": EKS_ARN, "cluster": {"server": api_server.url}}],
                "contexts": [{"name": "prod", "context": {"cluster": EKS_ARN, "user": "ci"}}],
                "users": [{"name": "ci", "user": {"token": "test-token"}}],
            }
        )
    )
    monkeypatch.setenv("KUBECONFIG", str(path))
    return path


def test_collect_writes_kubectl_lists(kubeconfig: Path, tmp_path: Path, api_server: FakeApiServer) -> None:
    out = tmp_path / "snap"
    assert collect_k8s(out, None) == []
    folder = out / "k8s" / CLUSTER  # the EKS ARN's last part
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{r}.json" for r in RESOURCES)
    for resource in RESOURCES:
        doc = json.loads((folder / f"{resource}.json").read_text())
        expected = json.loads((DAY1 / f"{resource}.json").read_text())  # real kubectl output
        assert {k: doc[k] for k in ("apiVersion", "kind", "metadata")} == {
            "apiVersion": "v1",
            "kind": "List",
            "metadata": {"resourceVersion": ""},
        }
        assert doc["items"] == expected["items"], resource
    assert sum("/api/v1/pods" in r for r in api_server.requests) == 2  # followed the continue token
    assert SECRET_VALUE not in (folder / "secrets.json").read_text()

    (out / "snapshot.json").write_text(json.dumps({"collected_at": "2026-11-20T06:00:00Z"}))
    report = run(out)
    assert set(required_statuses(report).values()) == {"ok"}
    assert names("KubernetesPod") == PODS


def _cli() -> typer.Typer:
    app, collect_app, ingest_app = typer.Typer(), typer.Typer(), typer.Typer()
    app.add_typer(collect_app, name="collect")
    app.add_typer(ingest_app, name="ingest")
    ingest_cmd.register_runs(app)
    k8s_cmd.register(collect_app, ingest_app)
    return app


def test_forbidden_resource_is_not_collected_and_keeps_data(
    neo4j: str, kubeconfig: Path, api_server: FakeApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    first = runner.invoke(_cli(), ["ingest", "k8s", "--context", "prod", "--format", "json"])
    assert first.exit_code == 0, first.output
    assert names("KubernetesPod") == PODS

    api_server.forbidden = {"pods"}
    api_server.slow = {"ingresses"}
    monkeypatch.setattr(collect, "TIMEOUT", (1, 0.3))
    second = runner.invoke(_cli(), ["ingest", "k8s", "--format", "json"])
    assert second.exit_code == 2, second.output
    report = json.loads(second.stdout)
    modules = {m["name"]: m["status"] for m in report["modules"]}
    assert modules["k8s.pods"] == "not collected" and modules["k8s.ingresses"] == "not collected"
    assert modules["k8s.deployments"] == "ok"
    assert any("pods: HTTP 403" in e for e in report["collection_errors"])
    assert any("ingresses" in e for e in report["collection_errors"])
    assert names("KubernetesPod") == PODS  # denied ≠ deleted
    assert names("KubernetesIngress") == {"web/web"}


def test_collect_cli_writes_snapshot_folder(
    kubeconfig: Path, tmp_path: Path, api_server: FakeApiServer
) -> None:
    api_server.forbidden = {"secrets"}
    result = CliRunner().invoke(
        _cli(), ["collect", "k8s", "--out", str(tmp_path / "out"), "--context", "prod"]
    )
    assert result.exit_code == 2
    folder = tmp_path / "out" / "k8s" / CLUSTER
    assert not (folder / "secrets.json").exists() and (folder / "pods.json").exists()
    assert "collected_at" in json.loads((tmp_path / "out" / "snapshot.json").read_text())
