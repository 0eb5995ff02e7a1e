"""``(:PrincipalPermissions)`` records in Neo4j: written only when a principal's permissions change.

One record per principal *version*: ``{principal_id, name, kind, scope, provider, run_id, since_run,
update_tag, sha256, entries, admin, escalations, assumable_roles, removed, latest}``, and ``project`` (the GCP
project holding a service account of an organization scan; absent on records of older runs, which load as
null and get it set in place on the next run — it is not a permission change). ``update_tag``
is the writing run's tag (epoch ms at run start), which orders records across runs; the state of the
inventory at run R is, per principal, its newest record with ``update_tag <= R.update_tag`` (a
``removed`` record means the principal no longer existed). ``latest`` marks each principal's newest
record, so the post-ingest step compares against one indexed lookup per scope, and storage grows with
the number of changes, not with principals × runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from analysis.privileges.records import PrincipalRecord, provider_of
from graph import driver

SCHEMA = [
    "CREATE INDEX principalpermissions_run IF NOT EXISTS FOR (r:PrincipalPermissions) ON (r.run_id)",
    "CREATE INDEX principalpermissions_principal IF NOT EXISTS "
    "FOR (r:PrincipalPermissions) ON (r.principal_id)",
    "CREATE INDEX principalpermissions_tag IF NOT EXISTS FOR (r:PrincipalPermissions) ON (r.update_tag)",
    "CREATE INDEX principalpermissions_head IF NOT EXISTS "
    "FOR (r:PrincipalPermissions) ON (r.provider, r.scope, r.latest)",
    "CREATE INDEX grantdocument_sha IF NOT EXISTS FOR (d:GrantDocument) ON (d.sha256)",
]
_BATCH_CHARS = 4_000_000  # keep one write transaction's parameters to a few MB


def ensure_schema() -> None:
    driver.ensure_schema(SCHEMA)


@dataclass(frozen=True)
class Head:
    sha256: str
    assumable_roles: tuple[str, ...]
    removed: bool
    project: str | None = None


def heads(provider: str, scope: str) -> dict[str, Head]:
    """Each principal's newest record in one scope."""
    rows = driver.read(
        "MATCH (r:PrincipalPermissions {provider: $provider, scope: $scope, latest: true}) "
        "RETURN r.principal_id AS id, r.sha256 AS sha256, r.assumable_roles AS assumable, "
        "r.removed AS removed, r.project AS project",
        {"provider": provider, "scope": scope},
    )
    return {
        r["id"]: Head(r["sha256"], tuple(r["assumable"] or ()), bool(r["removed"]), r["project"])
        for r in rows
    }


def _row(rec: PrincipalRecord, removed: bool = False) -> dict[str, Any]:
    return {
        "principal_id": rec.principal_id,
        "name": rec.name,
        "kind": rec.kind,
        "scope": rec.scope,
        "provider": rec.provider,
        "sha256": rec.sha256,
        "entries": rec.entries,
        "admin": rec.admin,
        "escalations": list(rec.escalations),
        "assumable_roles": list(rec.assumable_roles),
        "sources": rec.sources,
        "removed": removed,
        "guardrails": rec.guardrails,
        "project": rec.project,
    }


def _batches(rows: Sequence[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    size = 0
    for row in rows:
        batch.append(row)
        size += len(row["entries"]) + 200
        if size >= _BATCH_CHARS or len(batch) >= 5_000:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


WRITE = """
UNWIND $rows AS row
OPTIONAL MATCH (old:PrincipalPermissions {principal_id: row.principal_id, latest: true})
SET old.latest = false
WITH DISTINCT row
CREATE (r:PrincipalPermissions)
SET r = row, r.run_id = $run_id, r.since_run = $run_id, r.update_tag = $tag, r.latest = true
"""


def save_changes(
    run_id: str, update_tag: int, provider: str, scope: str, records: Iterable[PrincipalRecord]
) -> tuple[int, int]:
    """Write records whose permissions or assumable roles changed, and ``removed`` records for
    principals of the scope that are gone. Returns (changed, removed)."""
    previous = heads(provider, scope)
    changed, seen, moved = [], set(), []
    for rec in records:
        seen.add(rec.principal_id)
        head = previous.get(rec.principal_id)
        if (
            head is None
            or head.removed
            or (head.sha256, head.assumable_roles) != (rec.sha256, rec.assumable_roles)
        ):
            changed.append(_row(rec))
        elif head.project != rec.project:
            moved.append({"id": rec.principal_id, "project": rec.project})
    if moved:  # the owning project is a fact about the principal, not a new permission version
        driver.write(
            "UNWIND $rows AS row MATCH (r:PrincipalPermissions {principal_id: row.id, latest: true}) "
            "SET r.project = row.project",
            {"rows": moved},
        )
    gone = [
        _row(PrincipalRecord(pid, "", "", scope, "", "[]", False, project=head.project), removed=True)
        for pid, head in previous.items()
        if pid not in seen and not head.removed
    ]
    if gone:  # name and kind of a removed principal are those of its last record
        known = {
            r["id"]: r
            for r in driver.read(
                "UNWIND $ids AS id MATCH (r:PrincipalPermissions {principal_id: id, latest: true}) "
                "RETURN id, r.name AS name, r.kind AS kind",
                {"ids": [g["principal_id"] for g in gone]},
            )
        }
        for g in gone:
            g["name"], g["kind"] = known[g["principal_id"]]["name"], known[g["principal_id"]]["kind"]
            g["provider"] = provider_of(g["kind"])
    for batch in _batches(changed + gone):
        driver.write(WRITE, {"rows": batch, "run_id": run_id, "tag": update_tag})
    return len(changed), len(gone)


def mark_nodes(records: Iterable[PrincipalRecord]) -> None:
    """``admin_equivalent`` / ``escalation_paths`` on the inventory nodes (read by exposure and controls).

    Written only where the value differs, so an unchanged account costs reads, not writes.
    """
    by_label: dict[str, list[dict[str, Any]]] = {}
    for rec in records:
        if rec.node_label and rec.node_id:
            by_label.setdefault(rec.node_label, []).append(
                {"id": rec.node_id, "admin": rec.admin, "esc": list(rec.escalations), "guard": rec.guardrails}
            )
    for label, rows in by_label.items():
        if label not in _NODE_LABELS:  # labels are spliced into Cypher: only known constants
            raise ValueError(f"unexpected principal label {label!r}")
        for start in range(0, len(rows), 10_000):
            driver.write(
                f"UNWIND $rows AS row MATCH (n:{label} {{id: row.id}}) "
                "WHERE n.admin_equivalent IS NULL OR n.admin_equivalent <> row.admin "
                "OR n.escalation_paths IS NULL OR n.escalation_paths <> row.esc "
                "OR coalesce(n.guardrails, '') <> row.guard "
                "SET n.admin_equivalent = row.admin, n.escalation_paths = row.esc, "
                "n.guardrails = CASE row.guard WHEN '' THEN null ELSE row.guard END",
                {"rows": rows[start : start + 10_000]},
            )


_NODE_LABELS = frozenset(
    {
        "AWSUser",
        "AWSGroup",
        "AWSRole",
        "KubernetesUser",
        "KubernetesGroup",
        "KubernetesServiceAccount",
        "GCPPrincipal",
        "GCPServiceAccount",
    }
)

# -- reads for creep and history ----------------------------------------------------------------------
RECORD_FIELDS = (
    "r.principal_id AS id, r.name AS name, r.kind AS kind, r.scope AS scope, r.run_id AS run_id, "
    "r.update_tag AS update_tag, r.sha256 AS sha256, r.entries AS entries, r.admin AS admin, "
    "r.escalations AS escalations, r.assumable_roles AS assumable_roles, r.removed AS removed, "
    "r.sources AS sources, r.project AS project"
)


def save_documents(documents: dict[str, str]) -> None:
    """Policy documents by content hash, each stored once; provenance re-evaluates them (provenance.py)."""
    rows = [{"sha": k, "doc": v} for k, v in documents.items()]
    for start in range(0, len(rows), 2_000):
        driver.write(
            "UNWIND $rows AS row MERGE (d:GrantDocument {sha256: row.sha}) "
            "ON CREATE SET d.document = row.doc",
            {"rows": rows[start : start + 2_000]},
        )


def documents(shas: set[str]) -> dict[str, str]:
    if not shas:
        return {}
    rows = driver.read(
        "UNWIND $shas AS sha MATCH (d:GrantDocument {sha256: sha}) RETURN d.sha256 AS sha, d.document AS doc",
        {"shas": sorted(shas)},
    )
    return {r["sha"]: r["doc"] for r in rows}


def changed_between(low_tag: int, high_tag: int) -> list[str]:
    """Principals with a record written by a run in (low_tag, high_tag]."""
    rows = driver.read(
        "MATCH (r:PrincipalPermissions) WHERE r.update_tag > $low AND r.update_tag <= $high "
        "RETURN DISTINCT r.principal_id AS id",
        {"low": low_tag, "high": high_tag},
    )
    return [r["id"] for r in rows]


def state_at(principal_ids: list[str], tag: int) -> dict[str, dict[str, Any]]:
    """Newest record at or before ``tag`` for each given principal (removed ones included)."""
    rows = driver.read(
        "UNWIND $ids AS pid MATCH (r:PrincipalPermissions {principal_id: pid}) WHERE r.update_tag <= $tag "
        "WITH pid, r ORDER BY r.update_tag DESC WITH pid, collect(r)[0] AS r "
        f"RETURN {RECORD_FIELDS}",
        {"ids": principal_ids, "tag": tag},
    )
    return {r["id"]: r for r in rows}


def history(principal_id: str) -> list[dict[str, Any]]:
    """Every record of one principal, oldest first."""
    return driver.read(
        f"MATCH (r:PrincipalPermissions {{principal_id: $id}}) RETURN {RECORD_FIELDS} ORDER BY r.update_tag",
        {"id": principal_id},
    )
