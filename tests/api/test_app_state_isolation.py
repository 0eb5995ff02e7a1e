"""Ad-hoc Cypher sees inventory, history and findings only: after keys were created, rotated, revoked and
used, and the audit log filled, no query an analyst can send returns or infers a key, hash or audit event."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from appdb import audit
from appdb import keys as apikeys
from graph import driver


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


# Queries that would find a key or audit event if any were in the graph; each must run (200) and
# return no trace of them. Placeholders: {hash}, {prefix}, {id}, {name}, {sha}.
PROBES = [
    "MATCH (n) RETURN n",
    "MATCH (n) RETURN labels(n) AS l, properties(n) AS p",
    "MATCH ()-[r]->() RETURN type(r) AS t, properties(r) AS p",
    "MATCH (k:ApiKey) RETURN k",
    "MATCH (e:AuditEvent) RETURN e",
    "MATCH (n) WHERE n.hash IS NOT NULL RETURN n.hash",
    "MATCH (n) WHERE n.hash STARTS WITH '{hash1}' RETURN count(n) AS c",
    "MATCH (n) WHERE n.hash = '{hash}' RETURN count(n) AS c",
    "MATCH (n) WHERE n.prefix = '{prefix}' RETURN count(n) AS c",
    "MATCH (n) WHERE n.id = '{id}' RETURN n",
    "MATCH (n) WHERE n.name = '{name}' RETURN n",
    "MATCH (n) WHERE n.query_sha256 = '{sha}' RETURN n",
    "MATCH (n) WHERE n.key_id IS NOT NULL RETURN n",
    "MATCH (n) WHERE any(k IN keys(n) WHERE k IN ['hash', 'prefix', 'key_id', 'query_sha256']) RETURN n",
    "MATCH (n) UNWIND keys(n) AS k WITH k, n WHERE toString(n[k]) CONTAINS '{hash8}' RETURN count(*) AS c",
    "MATCH (n) WHERE n.role IN ['viewer', 'analyst', 'admin'] RETURN n",
    "MATCH (n) WHERE n.revoked_at IS NOT NULL OR n.expires_at IS NOT NULL RETURN n",
    "MATCH (n) WHERE n.action STARTS WITH 'apikey' OR n.action = 'cypher' RETURN n",
    "MATCH (n) RETURN count(n) AS c",
    "CALL db.propertyKeys() YIELD propertyKey RETURN propertyKey",
    "CALL db.schema.nodeTypeProperties()",
    "CALL db.schema.visualization()",
]


@pytest.fixture()
def lived_in(client: TestClient, admin_key: str, analyst_key: str, neo4j: str) -> dict[str, str]:
    """Keys created / rotated / revoked through the API and the CLI path, audit events of every kind."""
    driver.write("CREATE (:AWSAccount {id: '111111111111', name: 'prod'})-[:RESOURCE]->(:S3Bucket {id: 'b'})")
    made = client.post(
        "/api/v1/apikeys",
        json={
            "name": "grafana",
            "role": "viewer",
            "expires": "90d",
            "scopes": {"aws_accounts": ["111111111111"]},
        },
        headers=auth(admin_key),
    ).json()
    client.post(f"/api/v1/apikeys/{made['id']}/rotate", headers=auth(admin_key))
    key, token = apikeys.create_key("secret-holder", "analyst")
    apikeys.revoke_key(key.id)
    client.post("/api/v1/cypher", json={"query": "RETURN 1"}, headers=auth(analyst_key))
    client.post("/api/v1/cypher", json={"query": "CREATE (n)"}, headers=auth(analyst_key))
    stored = {k.id: k for k in apikeys.list_keys()}
    from appdb import engine
    from appdb.models import ApiKeyRow

    with engine.session() as s:
        row = s.get(ApiKeyRow, key.id)
        assert row is not None
        hash_ = row.hash
    assert len(stored) >= 4 and len(audit.list_events()) >= 4
    return {
        "hash": hash_,
        "hash1": hash_[:1],
        "hash8": hash_[:8],
        "prefix": key.prefix,
        "id": key.id,
        "name": key.name,
        "sha": audit.query_hash("RETURN 1"),
        "token": token,
    }


def test_no_query_returns_or_infers_app_state(
    client: TestClient, analyst_key: str, lived_in: dict[str, str], make_client: Callable[..., TestClient]
) -> None:
    # Everything the app database holds that must never show up in an answer.
    secrets_ = [
        lived_in["hash"],
        lived_in["prefix"],
        lived_in["id"],
        lived_in["sha"],
        lived_in["token"].split("_", 2)[2],
    ]
    secrets_ += [k.id for k in apikeys.list_keys()] + [k.prefix for k in apikeys.list_keys()]
    for probe in PROBES:
        query = probe.format(**lived_in)
        r = client.post("/api/v1/cypher", json={"query": query}, headers=auth(analyst_key))
        assert r.status_code == 200, (query, r.text)
        text = r.text
        assert not [s for s in secrets_ if s in text], query
        # Token names (labels, property keys) outlive their data in Neo4j: the schema procedures may
        # name a label a legacy graph once had, but no query may return data under it.
        if not query.startswith("CALL"):
            for word in ("ApiKey", "AuditEvent", '"hash"', "query_sha256", "secret-holder", "grafana"):
                assert word not in text, (query, word)
        assert "secret-holder" not in text and "grafana" not in text, query
        rows = r.json()["rows"]
        if "count" in query and rows:
            # Inventory nodes only: 2 in this graph; a key or event in the graph would raise it.
            assert rows[0][0] in (0, 2), (query, rows)
    # The audit log and keys are where they should be, and not in Neo4j.
    assert driver.read("MATCH (n) WHERE n:ApiKey OR n:AuditEvent RETURN count(n) AS c")[0]["c"] == 0
    assert json.dumps(driver.read("MATCH (n) RETURN properties(n) AS p")).count(lived_in["hash"]) == 0
