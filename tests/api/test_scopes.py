"""Scoped keys: findings filtered to the key's accounts / projects / clusters; every read-only endpoint
accepts a scoped key and filters (tests/api/test_scoped_filtering.py compares the answers on real data);
/cypher, /metrics and the admin endpoints refuse it (403 scoped_key) instead of ignoring the scope."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from appdb import keys as apikeys
from graph import driver

# The endpoints that refuse a scoped key; every other authenticated route must accept it and filter.
REFUSING = {
    ("POST", "/api/v1/cypher"),
    ("GET", "/api/v1/cypher/history"),  # a scoped key cannot run Cypher, so it has no history
    ("POST", "/api/v1/queries/{query_id}/run"),
    ("GET", "/api/v1/roadmap"),  # control results cover the whole inventory
    ("GET", "/metrics"),
    ("GET", "/api/v1/apikeys"),
    ("POST", "/api/v1/apikeys"),
    ("POST", "/api/v1/apikeys/{key_id}/rotate"),
    ("DELETE", "/api/v1/apikeys/{key_id}"),
    ("GET", "/api/v1/audit"),
}
PUBLIC = {"/api/v1/health"}
SUB_A = "00000000-0000-0000-0000-00000000000a"
SUB_B = "00000000-0000-0000-0000-00000000000b"


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture()
def findings_graph(neo4j: str) -> None:
    driver.write("CREATE (:ControlRun {id: 'r1', at: datetime()})")
    driver.write(
        "UNWIND $rows AS r CREATE (:Finding {id: r[0], control_id: 'c1', severity: 'high', state: 'open', "
        "scope: r[1], asset_id: r[0], first_seen: datetime(), last_seen: datetime()})",
        {
            "rows": [
                ["f-aws-1", "111111111111"],
                ["f-aws-2", "222222222222"],
                ["f-k8s", "prod-eks"],
                ["f-k8s-ns", "prod-eks/payments"],
                ["f-k8s-other", "dev-eks"],
                ["f-gcp", "proj-a"],
                ["f-gcp-other", "proj-b"],
                ["f-prefix-trick", "111111111111x"],
                ["f-azure", SUB_A],
                ["f-azure-other", SUB_B],
            ]
        },
    )


def _ids(r) -> set[str]:  # noqa: ANN001
    assert r.status_code == 200, r.text
    return {i["id"] for i in r.json()["items"]}


def test_findings_follow_the_key_scopes(client: TestClient, findings_graph: None, viewer_key: str) -> None:
    scoped = apikeys.create_key(
        "scoped",
        "viewer",
        scopes=apikeys.Scopes.of(
            {
                "aws_accounts": ["111111111111"],
                "gcp_projects": ["proj-a"],
                "clusters": ["prod-eks"],
                "azure_subscriptions": [SUB_A],
            }
        ),
    )[1]
    everything = _ids(client.get("/api/v1/findings?state=all", headers=auth(viewer_key)))
    assert len(everything) == 10
    assert _ids(client.get("/api/v1/findings?state=all", headers=auth(scoped))) == {
        "f-aws-1",
        "f-k8s",
        "f-k8s-ns",
        "f-gcp",
        "f-azure",
    }
    # An explicit filter outside the scopes finds nothing rather than widening them.
    assert _ids(client.get("/api/v1/findings?scope=222222222222", headers=auth(scoped))) == set()
    assert _ids(client.get("/api/v1/findings?scope=prod-eks", headers=auth(scoped))) == {"f-k8s", "f-k8s-ns"}
    assert client.get("/api/v1/findings", headers=auth(scoped)).json()["total"] == 5


def test_subscription_key_sees_its_azure_assets_only(client: TestClient, neo4j: str) -> None:
    # Azure assets held as ingest holds them: (:AzureSubscription {id: GUID})-[:RESOURCE]->(asset).
    driver.write(
        "UNWIND $subs AS s CREATE (o:AzureSubscription {id: s, name: 'sub-' + right(s, 1)}) "
        "CREATE (o)-[:RESOURCE]->(:AzureStorageAccount {id: s + '/sa', name: 'sa-' + right(s, 1)})",
        {"subs": [SUB_A, SUB_B]},
    )
    driver.write(
        "UNWIND $rows AS r CREATE (:Finding {id: r[0], control_id: 'c1', severity: 'high', state: 'open', "
        "scope: r[1], asset_id: r[1] + '/sa', first_seen: datetime(), last_seen: datetime()})",
        {"rows": [["f-a", SUB_A], ["f-b", SUB_B]]},
    )
    key = apikeys.create_key("azure-a", "viewer", scopes=apikeys.Scopes(azure_subscriptions=(SUB_A,)))[1]
    assert _ids(client.get("/api/v1/findings?state=all", headers=auth(key))) == {"f-a"}
    r = client.get("/api/v1/widgets/asset-counts", headers=auth(key))
    assert r.status_code == 200, r.text
    body = r.json()
    assert [(s["id"], s["count"]) for s in body["by_subscription"]] == [(SUB_A, 1)]
    labels = {c["label"]: c["count"] for c in body["by_label"]}
    assert labels.get("AzureStorageAccount") == 1 and body["total"] >= 1


def _routes() -> list[tuple[str, str]]:
    out = []
    for path, methods in create_app().openapi()["paths"].items():
        for method in methods:
            out.append((method.upper(), path))
    return sorted(out)


@pytest.mark.parametrize(("method", "path"), _routes())
def test_every_endpoint_filters_or_refuses_scoped_keys(
    client: TestClient, neo4j: str, method: str, path: str
) -> None:
    if path in PUBLIC:
        return
    scoped = apikeys.create_key("scoped-admin", "admin", scopes=apikeys.Scopes(aws_accounts=("1",)))[1]
    url = re.sub(r"\{[^}]+\}", "x", path)
    r = client.request(
        method, url, headers=auth(scoped), json={"query": "RETURN 1", "name": "n", "role": "viewer"}
    )
    if (method, path) not in REFUSING:
        # Accepted: 200, or 404 where the empty graph has nothing to show (never 403 scoped_key).
        assert r.status_code in (200, 404), r.text
        assert r.status_code == 200 or r.json()["error"]["code"] in ("not_found", "no_exposure_run")
    else:
        assert r.status_code == 403, (method, path, r.status_code, r.text[:200])
        assert r.json()["error"]["rule"] == "scoped_key"


def test_scopes_via_api_and_cli(client: TestClient, admin_key: str) -> None:
    r = client.post(
        "/api/v1/apikeys",
        headers=auth(admin_key),
        json={
            "name": "team-a",
            "role": "viewer",
            "expires": "90d",
            "scopes": {"aws_accounts": ["111111111111", "111111111111"], "clusters": ["prod-eks"]},
        },
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["scopes"] == {
        "aws_accounts": ["111111111111"],
        "gcp_projects": [],
        "clusters": ["prod-eks"],
        "azure_subscriptions": [],
    }
    assert body["expires_at"]
    from typer.testing import CliRunner

    from cli.apikey_cmd import app

    out = CliRunner().invoke(
        app,
        [
            "create",
            "--name",
            "cli-scoped",
            "--role",
            "analyst",
            "--expires",
            "12h",
            "--account",
            "1,2",
            "--project",
            "p",
            "--cluster",
            "c",
            "--subscription",
            f"{SUB_A},{SUB_B}",
        ],
    )
    assert out.exit_code == 0, out.output
    key = next(k for k in apikeys.list_keys() if k.name == "cli-scoped")
    assert key.scopes == apikeys.Scopes(("1", "2"), ("p",), ("c",), (SUB_A, SUB_B)) and key.expires_at
    listed = CliRunner().invoke(app, ["list"])
    assert listed.exit_code == 0 and "azure:" in listed.output
    token = out.stdout.strip().splitlines()[-1]
    r = client.post("/api/v1/cypher", json={"query": "RETURN 1"}, headers=auth(token))
    assert r.status_code == 403 and r.json()["error"]["rule"] == "scoped_key"
    bad = CliRunner().invoke(app, ["create", "--name", "x", "--role", "viewer", "--expires", "forever"])
    assert bad.exit_code == 2 and "12h, 90d or 2w" in bad.output
