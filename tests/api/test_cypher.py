"""POST /api/v1/cypher happy paths: serialisation, parameters, truncation, allowlisted procedures, errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from graph import driver


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture()
def graph(neo4j: str) -> None:
    driver.write(
        """
        CREATE (a:AWSAccount {id: '123456789012', name: 'prod', tags: ['x', 'y']})
        CREATE (b:S3Bucket {id: 'logs', created: datetime('2024-01-02T03:04:05Z'), day: date('2024-01-02'),
                            where: point({x: 1.5, y: 2.0}), size: 42, ratio: 0.5})
        CREATE (a)-[:RESOURCE {since: 2024}]->(b)
        """
    )


def cypher(client: TestClient, key: str, query: str, **body: object) -> dict:
    r = client.post("/api/v1/cypher", json={"query": query, **body}, headers=auth(key))
    assert r.status_code == 200, r.text
    return r.json()


def test_node_and_relationship_shapes(client: TestClient, analyst_key: str, graph: None) -> None:
    out = cypher(client, analyst_key, "MATCH (a:AWSAccount)-[r:RESOURCE]->(b) RETURN a, r, b")
    assert out["columns"] == ["a", "r", "b"] and out["row_count"] == 1 and out["truncated"] is False
    assert out["elapsed_ms"] >= 0
    a, r, b = out["rows"][0]
    assert a["labels"] == ["AWSAccount"] and a["properties"] == {
        "id": "123456789012",
        "name": "prod",
        "tags": ["x", "y"],
    }
    assert set(a) == {"element_id", "labels", "properties"}
    assert r == {
        "element_id": r["element_id"],
        "type": "RESOURCE",
        "start": a["element_id"],
        "end": b["element_id"],
        "properties": {"since": 2024},
    }
    props = b["properties"]
    assert props["created"] == "2024-01-02T03:04:05Z" or props["created"].startswith("2024-01-02T03:04:05")
    assert props["day"] == "2024-01-02" and props["size"] == 42 and props["ratio"] == 0.5
    assert props["where"] == "SRID=7203;POINT(1.5 2.0)"


def test_path_shape(client: TestClient, analyst_key: str, graph: None) -> None:
    out = cypher(client, analyst_key, "MATCH p = (:AWSAccount)-[:RESOURCE]->(:S3Bucket) RETURN p")
    path = out["rows"][0][0]
    assert [n["labels"] for n in path["nodes"]] == [["AWSAccount"], ["S3Bucket"]]
    assert [r["type"] for r in path["relationships"]] == ["RESOURCE"]
    assert path["relationships"][0]["start"] == path["nodes"][0]["element_id"]


def test_parameters_and_scalars(client: TestClient, analyst_key: str, graph: None) -> None:
    out = cypher(
        client,
        analyst_key,
        "MATCH (a:AWSAccount {id: $id}) RETURN a.name AS name, $m.k AS k, $l AS l, 0.0/0.0 AS nan, "
        "duration('P1DT2H') AS d, 'a;b // not a comment' AS s",
        parameters={"id": "123456789012", "m": {"k": [1, 2]}, "l": [True, None, 1.25]},
    )
    assert out["rows"] == [["prod", [1, 2], [True, None, 1.25], "nan", "P1DT2H", "a;b // not a comment"]]


def test_truncation_and_limits(client: TestClient, analyst_key: str, neo4j: str) -> None:
    out = cypher(client, analyst_key, "UNWIND range(1, 5) AS i RETURN i", limit=3)
    assert out["rows"] == [[1], [2], [3]] and out["truncated"] is True and out["row_count"] == 3
    out = cypher(client, analyst_key, "UNWIND range(1, 5) AS i RETURN i", limit=5)
    assert out["truncated"] is False and out["row_count"] == 5
    r = client.post("/api/v1/cypher", json={"query": "RETURN 1", "limit": 10_001}, headers=auth(analyst_key))
    assert r.status_code == 422 and r.json()["error"]["code"] == "limit_too_large"


def test_default_limit_setting(make_client: Callable[..., TestClient], analyst_key: str) -> None:
    c = make_client(cypher_default_rows=2, cypher_max_rows=4)
    out = cypher(c, analyst_key, "UNWIND range(1, 3) AS i RETURN i")
    assert out["row_count"] == 2 and out["truncated"] is True


def test_allowlisted_procedures(client: TestClient, analyst_key: str, graph: None) -> None:
    out = cypher(client, analyst_key, "CALL db.labels() YIELD label RETURN label ORDER BY label")
    assert ["AWSAccount"] in out["rows"] and ["S3Bucket"] in out["rows"]
    out = cypher(client, analyst_key, "CALL db.relationshipTypes()")
    assert out["columns"] == ["relationshipType"] and ["RESOURCE"] in out["rows"]
    cypher(client, analyst_key, "CALL db.schema.visualization()")


def test_harmless_lookalikes_pass(client: TestClient, analyst_key: str, graph: None) -> None:
    # Write words as data, property keys, backticked names and a trailing ';' are not writes.
    out = cypher(
        client,
        analyst_key,
        "MATCH (a:AWSAccount) RETURN 'CREATE (x)' AS s, a.set AS `DELETE`, {create: 1} AS m;",
    )
    assert out["rows"] == [["CREATE (x)", None, {"create": 1}]]
    out = cypher(client, analyst_key, "RETURN $q AS q", parameters={"q": "CREATE (n:Pwned)"})
    assert out["rows"] == [["CREATE (n:Pwned)"]]
    assert driver.read("MATCH (n:Pwned) RETURN count(n) AS c")[0]["c"] == 0


def test_invalid_cypher_is_400(client: TestClient, analyst_key: str, neo4j: str) -> None:
    r = client.post("/api/v1/cypher", json={"query": "MATCH (n RETURN n"}, headers=auth(analyst_key))
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "cypher_error" and "SyntaxError" in r.json()["error"]["message"]


def test_queries_are_audited(client: TestClient, analyst_key: str, admin_key: str, neo4j: str) -> None:
    import hashlib

    cypher(client, analyst_key, "RETURN 1 AS x")
    client.post("/api/v1/cypher", json={"query": "CREATE (n)"}, headers=auth(analyst_key))
    events = client.get("/api/v1/audit?action=cypher", headers=auth(admin_key)).json()
    by_outcome = {e["outcome"]: e for e in events}
    ok = by_outcome["ok"]
    assert ok["key_name"] == "test-analyst" and ok["rows"] == 1 and ok["duration_ms"] >= 0
    assert ok["query_sha256"] == hashlib.sha256(b"RETURN 1 AS x").hexdigest()
    assert by_outcome["refused"]["detail"] == "write_clause"


def test_error_shapes(client: TestClient, analyst_key: str) -> None:
    r = client.get("/api/v1/nope")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = client.get("/api/v1/cypher", headers=auth(analyst_key))
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"
    r = client.post("/api/v1/cypher", json={"nope": 1}, headers=auth(analyst_key))
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"
    r = client.post(
        "/api/v1/cypher",
        content=b"{not json",
        headers={**auth(analyst_key), "content-type": "application/json"},
    )
    assert r.status_code == 422


def test_neo4j_outage_is_503(make_client: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch) -> None:
    from config import set_settings
    from graph.embedded.server import free_port

    boot = "k" * 32
    c = make_client(bootstrap_admin_key=boot)  # the bootstrap key needs no graph lookup
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{free_port()}")
    set_settings(None)
    try:
        r = c.post("/api/v1/cypher", json={"query": "RETURN 1"}, headers=auth(boot))
    finally:
        monkeypatch.undo()
        set_settings(None)
    assert r.status_code == 503 and r.json()["error"]["code"] == "neo4j_unavailable"
