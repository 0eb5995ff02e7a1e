"""The application database on SQLite and on a real PostgreSQL: migrations, keys (expiry, rotation,
last use, scopes), the audit log, and the one-time move of legacy ApiKey / AuditEvent nodes out of Neo4j."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from appdb import audit, engine, graph_import
from appdb import keys as apikeys
from graph import driver


@pytest.fixture(autouse=True)
def _both_backends(app_db_any: str, neo4j: str) -> str:
    return app_db_any


def test_migrated_to_head_on_first_use() -> None:
    maker = engine.get_sessionmaker()
    eng = maker.kw["bind"]
    head = ScriptDirectory.from_config(engine.alembic_config(eng)).get_current_head()
    with eng.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head == "0002"
    tables = set(inspect(eng).get_table_names())
    assert {"api_keys", "audit_events", "query_history", "alembic_version"} <= tables
    command.upgrade(engine.alembic_config(eng), "head")  # a second upgrade is a no-op


def test_create_verify_revoke() -> None:
    key, token = apikeys.create_key("  ci  ", "analyst")
    assert key.name == "ci" and apikeys.verify(token) == key
    assert apikeys.verify(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert apikeys.verify("ig_00000000_" + "A" * 43) is None
    revoked = apikeys.revoke_key(key.id)
    assert revoked is not None and revoked.revoked_at
    assert apikeys.revoke_key(key.id) == revoked  # idempotent: the first revocation time stays
    assert apikeys.verify(token) is None
    assert apikeys.revoke_key("nope") is None
    with pytest.raises(ValueError, match="role"):
        apikeys.create_key("x", "root")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12h", timedelta(hours=12)),
        ("90d", timedelta(days=90)),
        ("2w", timedelta(weeks=2)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert apikeys.parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "0d", "-1d", "90", "1y", "1.5d", "d", "999999d"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="12h, 90d or 2w"):
        apikeys.parse_duration(text)


def test_expiry() -> None:
    key, token = apikeys.create_key("short", "viewer", timedelta(hours=1))
    assert key.expires_at is not None and apikeys.verify(token) is not None
    expires = datetime.fromisoformat(key.expires_at)
    assert timedelta(minutes=59) < expires - datetime.now(UTC) <= timedelta(hours=1)
    assert key.expired(expires + timedelta(seconds=1)) and not key.expired(expires - timedelta(seconds=1))
    # Expire it in the database, as time passing would.
    from appdb.models import ApiKeyRow

    with engine.session() as s:
        s.get(ApiKeyRow, key.id).expires_at = datetime.now(UTC) - timedelta(seconds=1)  # type: ignore[union-attr]
    assert apikeys.verify(token) is None


def test_rotation_keeps_name_role_scopes_and_lifetime() -> None:
    scopes = apikeys.Scopes.of(
        {"aws_accounts": ["111111111111"], "clusters": ["prod"], "azure_subscriptions": ["0000-sub"]}
    )
    old, old_token = apikeys.create_key("grafana", "viewer", timedelta(days=90), scopes)
    rotated = apikeys.rotate_key(old.id)
    assert rotated is not None
    old_after, new, token = rotated
    assert (new.name, new.role, new.scopes, new.rotated_from) == ("grafana", "viewer", scopes, old.id)
    assert new.expires_at is not None
    lifetime = datetime.fromisoformat(new.expires_at) - datetime.fromisoformat(new.created_at)
    assert abs(lifetime - timedelta(days=90)) < timedelta(seconds=2)
    assert old_after.revoked_at and apikeys.verify(old_token) is None and apikeys.verify(token) == new
    assert apikeys.rotate_key(old.id) is None  # a revoked key cannot be rotated again


def test_a_key_stored_before_azure_scopes_still_loads() -> None:
    """Rows written before `azure_subscriptions` existed hold only the three older kinds: they load with it
    empty and keep their limits."""
    from appdb.models import ApiKeyRow

    key, token = apikeys.create_key("old", "viewer", scopes=apikeys.Scopes(aws_accounts=("111111111111",)))
    with engine.get_sessionmaker()() as s, s.begin():
        stored = {"aws_accounts": ["111111111111"], "gcp_projects": [], "clusters": []}
        s.get(ApiKeyRow, key.id).scopes = stored
    loaded = apikeys.verify(token)
    assert loaded is not None and loaded.scopes.azure_subscriptions == () and loaded.scopes.limited
    assert loaded.scopes.as_dict()["azure_subscriptions"] == [] and loaded.scopes == key.scopes


def test_rotation_with_grace_keeps_the_old_key_for_a_while() -> None:
    old, old_token = apikeys.create_key("ci", "analyst")
    rotated = apikeys.rotate_key(old.id, grace=timedelta(hours=1))
    assert rotated is not None
    old_after, _, token = rotated
    assert old_after.revoked_at is None and old_after.expires_at is not None
    assert apikeys.verify(old_token) is not None and apikeys.verify(token) is not None


def test_last_used() -> None:
    key, _ = apikeys.create_key("x", "viewer")
    assert key.last_used_at is None
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    apikeys.touch(key.id, at)
    assert apikeys.get_key(key.id).last_used_at == at.isoformat()  # type: ignore[union-attr]


def test_audit_newest_first_and_filtered() -> None:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for i, action in enumerate(["cypher", "apikey.create", "cypher"]):
        audit.record(
            audit.AuditEvent(
                key_id=f"k{i % 2}",
                key_name="n",
                action=action,
                outcome="ok",
                query_sha256=audit.query_hash("RETURN 1"),
                rows=i,
            ),
            at=base + timedelta(minutes=i),
        )
    events = audit.list_events()
    assert [e.rows for e in events] == [2, 1, 0]
    assert events[0].at.startswith("2026-01-01T00:02:00")  # type: ignore[union-attr]
    assert [e.rows for e in audit.list_events(action="cypher")] == [2, 0]
    assert [e.rows for e in audit.list_events(key_id="k1")] == [1]
    assert [e.rows for e in audit.list_events(limit=1)] == [2]
    assert events[0].query_sha256 == hashlib.sha256(b"RETURN 1").hexdigest()


def _legacy_graph() -> None:
    """What earlier versions wrote: ApiKey / AuditEvent nodes with their constraints and indexes."""
    driver.write("CREATE CONSTRAINT apikey_id IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.id IS UNIQUE")
    driver.write("CREATE CONSTRAINT apikey_prefix IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.prefix IS UNIQUE")
    driver.write("CREATE INDEX auditevent_at IF NOT EXISTS FOR (e:AuditEvent) ON (e.at)")
    driver.write(
        "CREATE (:ApiKey {id: 'legacy1', name: 'old grafana', role: 'viewer', prefix: 'abcdef01', "
        "hash: $h, created_at: datetime('2025-05-01T10:00:00Z')}), "
        "(:ApiKey {id: 'legacy2', name: 'gone', role: 'admin', prefix: 'abcdef02', hash: $h, "
        "created_at: datetime('2025-05-02T10:00:00Z'), revoked_at: datetime('2025-06-01T00:00:00Z')})",
        {"h": hashlib.sha256(b"S" * 43).hexdigest()},
    )
    driver.write(
        "UNWIND range(1, 3) AS i CREATE (:AuditEvent {key_id: 'legacy1', key_name: 'old grafana', "
        "action: 'cypher', outcome: 'ok', rows: i, "
        "at: datetime('2025-05-03T10:00:00Z') + duration({minutes: i})})"
    )
    driver.write("MERGE (:AWSAccount {id: '123456789012'})")  # MERGE: called twice by one test


def test_legacy_nodes_are_moved_then_deleted_idempotently() -> None:
    _legacy_graph()
    moved = graph_import.move_from_graph()
    assert (moved.keys, moved.events) == (2, 3)
    assert driver.read("MATCH (n) WHERE n:ApiKey OR n:AuditEvent RETURN count(n) AS c")[0]["c"] == 0
    assert driver.read("MATCH (n:AWSAccount) RETURN count(n) AS c")[0]["c"] == 1  # inventory untouched
    names = {r["name"] for r in driver.read("SHOW INDEXES YIELD name RETURN name")}
    assert not names & {"apikey_id", "apikey_prefix", "auditevent_at"}
    # The legacy key still works with its old token; the revoked one stays revoked.
    assert apikeys.verify("ig_abcdef01_" + "S" * 43) is not None
    assert apikeys.verify("ig_abcdef02_" + "S" * 43) is None
    keys = {k.id: k for k in apikeys.list_keys()}
    assert keys["legacy1"].created_at == "2025-05-01T10:00:00+00:00" and keys["legacy2"].revoked_at
    assert sorted(e.rows or 0 for e in audit.list_events()) == [1, 2, 3]
    # Again: nothing left to move, nothing duplicated.
    assert graph_import.move_from_graph() == graph_import.Moved(0, 0)
    assert len(apikeys.list_keys()) == 2 and len(audit.list_events()) == 3


def test_move_after_a_crash_between_copy_and_delete_duplicates_nothing() -> None:
    _legacy_graph()
    graph_import.move_from_graph()
    _legacy_graph()  # as if the graph delete had not happened: the same nodes again
    assert graph_import.move_from_graph() == graph_import.Moved(0, 0)
    assert len(apikeys.list_keys()) == 2 and len(audit.list_events()) == 3
    assert driver.read("MATCH (n) WHERE n:ApiKey OR n:AuditEvent RETURN count(n) AS c")[0]["c"] == 0


def test_api_start_moves_legacy_nodes(neo4j: str) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app

    _legacy_graph()
    with TestClient(create_app()) as client:
        r = client.get("/api/v1/audit", headers={"Authorization": "Bearer ig_abcdef02_" + "S" * 43})
        assert r.status_code == 401  # revoked before the move, still revoked after it
    assert driver.read("MATCH (n) WHERE n:ApiKey OR n:AuditEvent RETURN count(n) AS c")[0]["c"] == 0
