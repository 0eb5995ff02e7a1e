"""Write / exfiltration attempts against POST /api/v1/cypher: each refused with a 4xx naming the reason,
the graph unchanged afterwards; each guard layer alone also holds; a runaway query is stopped."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from api.cypher_exec import explain_check, run_read
from api.cypher_guard import CypherRefused
from api.errors import ApiError
from appdb import audit
from graph import driver

R = "query_refused"
# (query, parameters, expected status, expected error code, accepted rules (None: code only))
ATTACKS: list[tuple[str, dict, int, str, set[str] | None]] = [
    # Plain writes.
    ("CREATE (n:Pwned)", {}, 400, R, {"write_clause"}),
    ("create (a:Pwned)-[:OWNS]->(b:Pwned)", {}, 400, R, {"write_clause"}),
    ("MERGE (n:Pwned {id: 1})", {}, 400, R, {"write_clause"}),
    ("MATCH (n) SET n.pwned = true", {}, 400, R, {"write_clause"}),
    ("MATCH (n) SET n:Pwned", {}, 400, R, {"write_clause"}),
    ("MATCH (n) DELETE n", {}, 400, R, {"write_clause"}),
    ("MATCH (n) DETACH DELETE n", {}, 400, R, {"write_clause"}),
    ("MATCH (n) REMOVE n.name", {}, 400, R, {"write_clause"}),
    ("MATCH (n) FOREACH (x IN [1] | CREATE (:Pwned))", {}, 400, R, {"write_clause"}),
    ("UNWIND range(1, 10) AS i CREATE (:Pwned {i: i})", {}, 400, R, {"write_clause"}),
    ("OPTIONAL MATCH (n) MERGE (n)-[:PWNED]->(m)", {}, 400, R, {"write_clause"}),
    ("INSERT (n:Pwned)", {}, 400, R, {"write_clause"}),
    ("cReAtE (n:Pwned)", {}, 400, R, {"write_clause"}),
    ("CYPHER runtime=slotted CREATE (n:Pwned)", {}, 400, R, {"write_clause"}),
    # Subqueries.
    ("CALL { CREATE (:Pwned) } RETURN 1", {}, 400, R, {"write_clause"}),
    ("CALL () { CREATE (:Pwned) }", {}, 400, R, {"write_clause"}),
    ("WITH 1 AS x CALL { CREATE () } RETURN x", {}, 400, R, {"write_clause"}),
    ("MATCH (n) CALL (n) { SET n.x = 1 } RETURN n", {}, 400, R, {"write_clause"}),
    (
        "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS",
        {},
        400,
        R,
        {"write_clause", "in_transactions"},
    ),
    ("CALL { MATCH (n) RETURN n } IN TRANSACTIONS RETURN n", {}, 400, R, {"in_transactions"}),
    ("CALL { MATCH (n) RETURN n } IN 2 CONCURRENT TRANSACTIONS RETURN n", {}, 400, R, {"in_transactions"}),
    # Files and URLs.
    ("LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line", {}, 400, R, {"load_csv"}),
    ("LOAD CSV WITH HEADERS FROM 'http://127.0.0.1:1/x' AS row RETURN row", {}, 400, R, {"load_csv"}),
    ("LOAD /* x */ CSV FROM $url AS l RETURN l", {"url": "file:///etc/shadow"}, 400, R, {"load_csv"}),
    ("USING PERIODIC COMMIT LOAD CSV FROM 'file:///x' AS l CREATE (:P)", {}, 400, R, {"periodic_commit"}),
    # Procedures and functions. dbms.components() is refused too: /health already reports the version.
    ("CALL dbms.components()", {}, 400, R, {"procedure_not_allowed"}),
    ("CALL dbms.listConfig()", {}, 400, R, {"procedure_not_allowed"}),
    ("CALL dbms.killQueries(['query-1'])", {}, 400, R, {"procedure_not_allowed"}),
    ("CALL dbms.security.listUsers()", {}, 400, R, {"procedure_not_allowed"}),
    ("CALL db.createLabel('Pwned')", {}, 400, R, {"procedure_not_allowed"}),
    ("CALL db.createProperty('pwned')", {}, 400, R, {"procedure_not_allowed"}),
    ("CALL db.createRelationshipType('PWNED')", {}, 400, R, {"procedure_not_allowed"}),
    ("CALL db.index.fulltext.queryNodes('idx', 'x')", {}, 400, R, {"procedure_not_allowed"}),
    ("CALL tx.setMetaData({a: 1})", {}, 400, R, {"procedure_not_allowed"}),
    ("CALL db.clearQueryCaches()", {}, 400, R, {"procedure_not_allowed"}),
    (
        "CALL db.labels() YIELD label CALL db.createLabel(label) RETURN 1",
        {},
        400,
        R,
        {"procedure_not_allowed"},
    ),
    ("CALL `db`.`createLabel`('Pwned')", {}, 400, R, {"procedure_not_allowed"}),
    ("CALL `db.createLabel`('Pwned')", {}, 400, R, {"procedure_not_allowed"}),
    ("CALL apoc.cypher.doIt($q, {})", {"q": "CREATE (:Pwned)"}, 400, R, {"procedure_not_allowed"}),
    (
        "RETURN apoc.cypher.runFirstColumnSingle($q, {})",
        {"q": "CREATE (:Pwned)"},
        400,
        R,
        {"function_not_allowed"},
    ),
    ("RETURN apoc.version()", {}, 400, R, {"function_not_allowed"}),
    ("RETURN db.nameFromElementId('x')", {}, 400, R, {"function_not_allowed"}),
    ("RETURN `apoc.version`()", {}, 400, R, {"function_not_allowed"}),
    # Schema and administration.
    ("CREATE INDEX pwned FOR (n:X) ON (n.y)", {}, 400, R, {"schema_command"}),
    ("CREATE RANGE INDEX pwned IF NOT EXISTS FOR (n:X) ON (n.y)", {}, 400, R, {"schema_command"}),
    ("DROP INDEX ingestrun_started", {}, 400, R, {"schema_command"}),
    ("CREATE CONSTRAINT pwned FOR (n:X) REQUIRE n.id IS UNIQUE", {}, 400, R, {"schema_command"}),
    ("DROP CONSTRAINT apikey_id", {}, 400, R, {"schema_command"}),
    ("SHOW USERS", {}, 400, R, {"admin_command"}),
    ("SHOW DATABASES", {}, 400, R, {"admin_command"}),
    ("SHOW INDEXES", {}, 400, R, {"admin_command"}),
    ("CREATE DATABASE pwned", {}, 400, R, {"admin_command"}),
    ("CREATE USER eve SET PASSWORD 'secret-secret'", {}, 400, R, {"admin_command"}),
    ("ALTER USER neo4j SET PASSWORD 'pwned-pwned'", {}, 400, R, {"admin_command"}),
    ("GRANT ROLE admin TO eve", {}, 400, R, {"admin_command"}),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", {}, 400, R, {"admin_command"}),
    ("USE system SHOW USERS", {}, 400, R, {"use_database", "admin_command"}),
    ("USE neo4j CREATE (n:Pwned)", {}, 400, R, {"use_database"}),
    # Several statements and comments.
    ("MATCH (n) RETURN n; CREATE (x)", {}, 400, R, {"multiple_statements"}),
    ("RETURN 1;;", {}, 400, R, {"multiple_statements"}),
    ("RETURN '\\\\'; CREATE (x:Pwned)", {}, 400, R, {"multiple_statements"}),
    ('RETURN "a\\"b"; CREATE (x:Pwned)', {}, 400, R, {"multiple_statements"}),
    ("RETURN `a``b`; CREATE (x:Pwned)", {}, 400, R, {"multiple_statements"}),
    ("/* hidden */ CREATE (x:Pwned)", {}, 400, R, {"write_clause"}),
    ("MATCH (n) RETURN n /* ; */ CREATE (x)", {}, 400, R, {"write_clause"}),
    ("MATCH (n) // comment\nCREATE (x:Pwned) RETURN x", {}, 400, R, {"write_clause"}),
    ("RETURN 1 /* unterminated CREATE (x)", {}, 400, R, {"syntax"}),
    ("RETURN 'unterminated; CREATE (x)", {}, 400, R, {"syntax"}),
    # Unicode tricks.
    ("ＣＲＥＡＴＥ (n:Pwned)", {}, 400, R, {"write_clause"}),
    ("CRE\u200dATE (n:Pwned)", {}, 400, R, {"invisible_character"}),
    ("CRE\u200bATE (n:Pwned)", {}, 400, R, {"invisible_character"}),
    ("MATCH (n) RETURN n \u202e)pwneD:n( ETAERC", {}, 400, R, {"invisible_character"}),
    ("\ufeffCREATE (n:Pwned)", {}, 400, R, {"invisible_character"}),
    ("CREATE\x00 (n:Pwned)", {}, 400, R, {"invisible_character"}),
    ("\u0421REATE (n:Pwned)", {}, 400, R, {"non_ascii"}),  # Cyrillic Es
    ("M\u0415RGE (n:Pwned)", {}, 400, R, {"non_ascii"}),  # Cyrillic Ie
    ("MATCH (n) \u0455ET n.x = 1", {}, 400, R, {"non_ascii"}),  # Cyrillic dze
    # Parameter tricks.
    ("MATCH (n) SET n += $p", {"p": {"pwned": True}}, 400, R, {"write_clause"}),
    ("MERGE (n:X {id: $id}) SET n = $props", {"id": 1, "props": {}}, 400, R, {"write_clause"}),
    ("RETURN $p", {"p": "x" * 200_000}, 413, "parameters_too_large", None),
    ("RETURN $p", {"p": json.loads("[" * 40 + "]" * 40)}, 400, "invalid_parameters", None),
    ("RETURN 1", {"a} CREATE (n) //": 1}, 400, "invalid_parameters", None),
    ("RETURN $n", {"n": 2**70}, 400, "invalid_parameters", None),
    # EXPLAIN / PROFILE wrappers, backticked keywords.
    ("EXPLAIN CREATE (n:Pwned)", {}, 400, R, {"explain_profile"}),
    ("PROFILE MATCH (n) DETACH DELETE n", {}, 400, R, {"explain_profile"}),
    ("`CREATE` (n:Pwned)", {}, 400, "cypher_error", None),
    ("MATCH (n) `SET` n.x = 1", {}, 400, "cypher_error", None),
    # Size.
    ("RETURN 1 " + "/*" + "x" * 30_000 + "*/", {}, 413, "query_too_large", None),
]


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def graph_fingerprint() -> dict[str, object]:
    """Counts and a checksum of everything but the audit log, plus the schema and token names."""
    nodes = driver.read("MATCH (n) RETURN elementId(n) AS id, labels(n) AS l, properties(n) AS p")
    rels = driver.read("MATCH ()-[r]->() RETURN elementId(r) AS id, type(r) AS t, properties(r) AS p")
    canon = json.dumps(sorted(json.dumps(r, sort_keys=True, default=str) for r in nodes + rels))
    schema = driver.read("SHOW INDEXES YIELD name RETURN collect(name) AS names")[0]["names"]
    tokens = (
        driver.read("CALL db.labels() YIELD label RETURN collect(label) AS l")[0]["l"]
        + driver.read("CALL db.relationshipTypes() YIELD relationshipType AS t RETURN collect(t) AS t")[0][
            "t"
        ]
    )
    keys = driver.read("CALL db.propertyKeys() YIELD propertyKey RETURN collect(propertyKey) AS k")[0]["k"]
    return {
        "nodes": len(nodes),
        "rels": len(rels),
        "sha256": hashlib.sha256(canon.encode()).hexdigest(),
        "schema": sorted(schema),
        "tokens": sorted(tokens),
        "keys": sorted(keys),
    }


def test_attack_corpus_is_refused_and_graph_unchanged(
    client: TestClient, analyst_key: str, neo4j: str
) -> None:
    assert len(ATTACKS) >= 50
    driver.write("CREATE (:AWSAccount {id: '1', name: 'prod'})-[:RESOURCE]->(:S3Bucket {id: 'b', size: 1})")
    # One successful query first, so the audit log's own labels and keys exist in the baseline.
    first = client.post("/api/v1/cypher", json={"query": "RETURN 1"}, headers=auth(analyst_key))
    assert first.status_code == 200
    before = graph_fingerprint()
    audits_before = audit.count_events()
    failures = []
    for query, params, status, code, rules in ATTACKS:
        body = {"query": query, "parameters": params}
        r = client.post("/api/v1/cypher", json=body, headers=auth(analyst_key))
        err = r.json().get("error", {}) if r.headers.get("content-type") == "application/json" else {}
        ok = r.status_code == status and err.get("code") == code and err.get("message")
        if ok and rules is not None:
            ok = err.get("rule") in rules
        if not ok:
            failures.append((query[:80], r.status_code, r.text[:200]))
    assert not failures, "\n".join(map(str, failures))
    assert graph_fingerprint() == before
    # Each attempt is audited (refusals included).
    assert audit.count_events() == audits_before + len(ATTACKS)


def test_oversized_body_is_413(client: TestClient, analyst_key: str) -> None:
    r = client.post(
        "/api/v1/cypher",
        json={"query": "RETURN 1", "parameters": {"p": "x" * 2_000_000}},
        headers=auth(analyst_key),
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"


@pytest.mark.parametrize(
    "query",
    [
        "CREATE (n:Pwned)",
        "CALL db.createLabel('Pwned')",
        "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
        "CALL dbms.listConfig()",
        "SHOW INDEXES",
        "CALL db.index.fulltext.queryNodes('i', 'x')",
        "CALL { CREATE (:Pwned) } IN TRANSACTIONS",
    ],
)
def test_plan_layer_alone_refuses(neo4j: str, query: str) -> None:
    """Layer d without the lexical layers in front of it."""
    with pytest.raises(CypherRefused) as exc:
        explain_check(query, {}, 5.0)
    assert exc.value.rule in {"read_only", "procedure_not_allowed", "plan_operator"}


@pytest.mark.parametrize("query", ["CREATE (n:Pwned)", "MERGE (n:Pwned)", "CALL db.createLabel('Pwned')"])
def test_read_session_alone_refuses(neo4j: str, query: str) -> None:
    """Layer e without layers a–d: the READ transaction itself refuses the write."""
    with pytest.raises(ApiError) as exc:
        run_read(query, {}, 10, 5.0)
    assert exc.value.status == 400
    assert driver.read("MATCH (n:Pwned) RETURN count(n) AS c")[0]["c"] == 0
    assert "Pwned" not in driver.read("CALL db.labels() YIELD label RETURN collect(label) AS l")[0]["l"]


def test_runaway_query_times_out_and_server_keeps_answering(
    make_client: Callable[..., TestClient], analyst_key: str, neo4j: str
) -> None:
    driver.write("UNWIND range(1, 3000) AS i CREATE (:Runaway {i: i})")
    timeout = 1.0
    # The cost budget would refuse this before it runs; lifted here to test the timeout behind it.
    c = make_client(cypher_timeout_s=timeout, cypher_max_estimated_rows=1e18)
    # The literal `MATCH (a),(b),(c),(d) RETURN count(*)` is answered from the count store at once;
    # touching a property forces the 8e13-row cartesian product.
    query = "MATCH (a),(b),(c),(d) WHERE a.i + b.i + c.i + d.i < 0 RETURN count(*)"
    result: dict[str, object] = {}

    def run() -> None:
        t0 = time.monotonic()
        r = c.post("/api/v1/cypher", json={"query": query}, headers=auth(analyst_key))
        result.update(status=r.status_code, body=r.json(), seconds=time.monotonic() - t0)

    # Health answers from its 1 s cache of the Neo4j version: what is tested here is that the API keeps
    # serving while a worker thread waits on the runaway query, not how fast a busy Neo4j answers.
    assert c.get("/api/v1/health").status_code == 200
    worker = threading.Thread(target=run)
    worker.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    health = c.get("/api/v1/health")
    assert health.status_code == 200 and time.monotonic() - t0 < timeout + 2
    worker.join(timeout + 10)
    assert not worker.is_alive()
    assert result["status"] == 504, result
    assert result["body"]["error"]["code"] == "query_timeout"  # type: ignore[index]
    # Neo4j checks transaction deadlines every 2 s (db.transaction.monitor.check.interval), hence the margin.
    assert result["seconds"] < timeout + 3, result


def test_oversized_chunked_body_is_413(client: TestClient, analyst_key: str) -> None:
    def chunks():  # no Content-Length: the limit must count the stream
        yield b'{"query": "RETURN 1", "parameters": {"p": "'
        for _ in range(40):
            yield b"x" * 65536
        yield b'"}}'

    r = client.post(
        "/api/v1/cypher", content=chunks(), headers={**auth(analyst_key), "content-type": "application/json"}
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
