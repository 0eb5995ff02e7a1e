"""GET /api/v1/cypher/history (this key's recent queries, kept beside the audit log) and GET
/api/v1/cypher/labels (graph colours), on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from appdb import audit, query_history
from appdb import keys as apikeys
from graph import driver


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(autouse=True)
def _both_backends(app_db_any: str, neo4j: str) -> str:
    return app_db_any


def test_history_keeps_this_keys_queries_with_their_text(client: TestClient) -> None:
    driver.write("CREATE (:AWSAccount {id: '111122223333', name: 'prod'})")
    record, key = apikeys.create_key("console", "analyst")
    key_id = record.id
    other = apikeys.create_key("other", "analyst")[1]
    ok = "MATCH (a:AWSAccount) WHERE a.id = $id RETURN a.name AS name"
    assert client.post(
        "/api/v1/cypher", json={"query": ok, "parameters": {"id": "111122223333"}}, headers=auth(key)
    ).json()["rows"] == [["prod"]]
    refused = client.post("/api/v1/cypher", json={"query": "CREATE (n:Evil) RETURN n"}, headers=auth(key))
    assert refused.status_code == 400
    client.post("/api/v1/cypher", json={"query": "RETURN 1 AS one"}, headers=auth(other))

    r = client.get("/api/v1/cypher/history", headers=auth(key))
    assert r.status_code == 200, r.text
    got = r.json()["queries"]
    assert [(q["query"], q["outcome"], q["detail"]) for q in got] == [
        ("CREATE (n:Evil) RETURN n", "refused", "write_clause"),
        (ok, "ok", None),
    ]
    assert got[1]["parameters"] == {"id": "111122223333"} and got[1]["rows"] == 1
    # Linked to the audit log by hash; the audit log itself still has no text.
    events = [e for e in audit.list_events(10, "cypher", key_id)]
    assert {e.query_sha256 for e in events} == {audit.query_hash(q["query"]) for q in got}
    assert (
        client.get("/api/v1/cypher/history?limit=1", headers=auth(key)).json()["queries"][0]["outcome"]
        == "refused"
    )
    # Another key sees only its own; a viewer has no ad-hoc queries and is refused like on /cypher.
    assert [
        q["query"] for q in client.get("/api/v1/cypher/history", headers=auth(other)).json()["queries"]
    ] == ["RETURN 1 AS one"]
    viewer = apikeys.create_key("v", "viewer")[1]
    assert client.get("/api/v1/cypher/history", headers=auth(viewer)).status_code == 403
    assert client.get("/api/v1/cypher/history").status_code == 401
    assert client.get("/api/v1/cypher/history?limt=3", headers=auth(key)).status_code == 422
    assert (
        client.get(
            f"/api/v1/cypher/history?limit={query_history.KEEP_PER_KEY + 1}", headers=auth(key)
        ).status_code
        == 422
    )


def test_history_is_capped_per_key(client: TestClient) -> None:
    busy, key = apikeys.create_key("busy", "analyst")
    key_id, other_id = busy.id, apikeys.create_key("quiet", "analyst")[0].id
    event = audit.AuditEvent(
        key_id=other_id, key_name="quiet", action="cypher", outcome="ok", query_sha256="x"
    )
    query_history.record(event, "RETURN 0", {})
    for i in range(query_history.KEEP_PER_KEY + 5):
        query_history.record(
            audit.AuditEvent(
                key_id=key_id, key_name="busy", action="cypher", outcome="ok", query_sha256=str(i)
            ),
            f"RETURN {i}",
            {"i": i},
        )
    kept = query_history.recent(key_id)
    assert len(kept) == query_history.KEEP_PER_KEY
    assert kept[0].query == f"RETURN {query_history.KEEP_PER_KEY + 4}" and kept[-1].query == "RETURN 5"
    assert [e.query for e in query_history.recent(other_id)] == ["RETURN 0"]  # another key's entry survives
    top = client.get("/api/v1/cypher/history", headers=auth(key)).json()["queries"]
    assert len(top) == 20 and top[0]["parameters"] == {"i": query_history.KEEP_PER_KEY + 4}


def test_labels_name_provider_and_kind(client: TestClient) -> None:
    viewer = apikeys.create_key("v", "viewer")[1]
    r = client.get("/api/v1/cypher/labels", headers=auth(viewer))
    assert r.status_code == 200, r.text
    labels = {x["label"]: (x["provider"], x["kind"]) for x in r.json()["labels"]}
    assert labels["AWSEC2Instance"] == ("aws", "compute")
    assert labels["AWSAccount"][0] == "aws"
    assert labels["KubernetesPod"] == ("k8s", "kubernetes")
    assert labels["GCPProject"][0] == "gcp"
    assert labels["AWSRole"] == ("aws", "identity")
    # A label several providers load names no provider: the node's specific label decides.
    assert any(provider is None for provider, _ in labels.values())
    assert client.get("/api/v1/cypher/labels").status_code == 401
