"""Per-run storage of the attack graph, compact and indexed for the path request.

* ``(:ExposureRun {run_id, ingest_run_id, status, started_at, finished_at, seconds, nodes, edges,
  exposed, latest, paths_digest, assets_digest, digest_hops, asset_digests})`` — one per computation;
  ``latest`` marks the newest complete one; the digests (``digest.annotate``) let exposure change skip
  unchanged parts (``asset_digests``: its exposed assets carry ``asset_digest`` and ``asset_group``).
* ``(:ExposureNode {run_id, node_id, label, labels, name, account, cluster, dist, crown_jewel,
  sensitivity, crown_reason, admin, to_crown, path_digest})`` — every asset on some internet path
  (``to_crown``: fewest hops to a crown jewel; ``path_digest``: ``digest.py``); those the internet reaches
  directly also carry the label ``ExposedAsset`` and ``ports``, ``exposure_types``, ``reasons``, ``weight``,
  ``asset_digest``, ``asset_group``.
* ``(:ExposureEdge {run_id, src, dst, type, reason, ports, access, src_dist})`` — one per hop.
  ``src_dist`` (hops from the internet to ``src``) lets the path request prune while walking backwards.
Plus our own ``invgraph_exposed`` / ``invgraph_exposure_types`` on the inventory nodes themselves.
``exposed_internet`` / ``exposed_internet_type`` belong to Cartography's analysis jobs: never written or
cleared here, so a graph both tools analyse keeps both answers.
Older runs are deleted in batches beyond ``INVGRAPH_EXPOSURE_KEEP_RUNS``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graph import driver

SCHEMA = [
    "CREATE INDEX exposurerun_id IF NOT EXISTS FOR (r:ExposureRun) ON (r.run_id)",
    "CREATE INDEX exposurenode_run IF NOT EXISTS FOR (n:ExposureNode) ON (n.run_id)",
    "CREATE INDEX exposureedge_run IF NOT EXISTS FOR (e:ExposureEdge) ON (e.run_id)",
    "CREATE INDEX exposurenode_id IF NOT EXISTS FOR (n:ExposureNode) ON (n.run_id, n.node_id)",
    "CREATE INDEX exposurenode_crown IF NOT EXISTS FOR (n:ExposureNode) ON (n.run_id, n.crown_jewel)",
    "CREATE INDEX exposedasset_run IF NOT EXISTS FOR (n:ExposedAsset) ON (n.run_id)",
    # exposure change reads back the groups of changed exposed assets (drift_assets.IN_GROUPS)
    "CREATE INDEX exposedasset_group IF NOT EXISTS FOR (n:ExposedAsset) ON (n.run_id, n.asset_group)",
    "CREATE INDEX exposureedge_dst IF NOT EXISTS FOR (e:ExposureEdge) ON (e.run_id, e.dst)",
    "CREATE INDEX exposureedge_src IF NOT EXISTS FOR (e:ExposureEdge) ON (e.run_id, e.src)",
]
# Labels that may carry invgraph_exposed (spliced into Cypher, so only these constants).
MARKABLE = (
    "EC2Instance",
    "LoadBalancerV2",
    "RDSInstance",
    "AWSLambda",
    "S3Bucket",
    "EKSCluster",
    "KubernetesService",
    "KubernetesIngress",
    "KubernetesPod",
    "GCPInstance",
    "GCPCloudSQLInstance",
    "GCPBucket",
    "GKECluster",
)
_BATCH = 5_000


def ensure_schema() -> None:
    driver.ensure_schema(SCHEMA)
    driver.write("CALL db.awaitIndexes(300)")


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), _BATCH):
        yield rows[i : i + _BATCH]


def begin(run_id: str, ingest_run_id: str | None) -> None:
    driver.write(
        "CREATE (:ExposureRun {run_id: $id, ingest_run_id: $ingest, status: 'running', "
        "started_at: datetime(), latest: false})",
        {"id": run_id, "ingest": ingest_run_id},
    )


def write(run_id: str, nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> None:
    for batch in _chunks(nodes):
        driver.write(
            "UNWIND $rows AS row CREATE (n:ExposureNode) SET n = row, n.run_id = $run "
            "WITH n, row WHERE row.exposure_types IS NOT NULL SET n:ExposedAsset",
            {"rows": batch, "run": run_id},
        )
    for batch in _chunks(edges):
        driver.write(
            "UNWIND $rows AS row CREATE (e:ExposureEdge) SET e = row, e.run_id = $run",
            {"rows": batch, "run": run_id},
        )


def mark_inventory(exposed: dict[str, tuple[str, list[str]]]) -> None:
    """exposed: asset id -> (label, exposure types). Sets and clears our own properties only."""
    for label in MARKABLE:
        rows = [{"id": i, "types": t} for i, (lbl, t) in exposed.items() if lbl == label]
        ids = [r["id"] for r in rows]
        driver.write(
            f"MATCH (n:{label}) WHERE n.invgraph_exposed = true AND NOT n.id IN $ids "
            "REMOVE n.invgraph_exposed, n.invgraph_exposure_types",
            {"ids": ids},
        )
        for batch in _chunks(rows):
            driver.write(
                f"UNWIND $rows AS row MATCH (n:{label} {{id: row.id}}) "
                # Write only what changed: an unchanged exposure costs a read, not a write.
                "WHERE n.invgraph_exposed IS NULL OR n.invgraph_exposure_types IS NULL "
                "OR n.invgraph_exposure_types <> row.types "
                "SET n.invgraph_exposed = true, n.invgraph_exposure_types = row.types",
                {"rows": batch},
            )


def finish(run_id: str, stats: dict[str, Any], keep: int) -> None:
    driver.write("MATCH (r:ExposureRun {latest: true}) SET r.latest = false")
    driver.write(
        "MATCH (r:ExposureRun {run_id: $id}) SET r += $stats, r.status = 'ok', r.latest = true, "
        "r.finished_at = datetime()",
        {"id": run_id, "stats": stats},
    )
    old = driver.read(
        "MATCH (r:ExposureRun) WITH r ORDER BY r.started_at DESC SKIP $keep RETURN r.run_id AS id",
        {"keep": keep},
    )
    for row in old:
        delete_run(row["id"])


def fail(run_id: str, message: str) -> None:
    driver.write(
        "MATCH (r:ExposureRun {run_id: $id}) SET r.status = 'failed', r.error = $msg, "
        "r.finished_at = datetime()",
        {"id": run_id, "msg": message[:500]},
    )


def delete_run(run_id: str) -> None:
    with driver.session() as s:
        for label in ("ExposureEdge", "ExposureNode"):
            s.run(
                f"MATCH (n:{label}) WHERE n.run_id = $id "
                "CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS",
                {"id": run_id},
            ).consume()
        s.run("MATCH (r:ExposureRun {run_id: $id}) DELETE r", {"id": run_id}).consume()


# The newest complete computation whose ingest run has finished: exposure is computed while its ingest run is
# still `running` (a post-ingest step), and a run in progress is never half-visible in answers.
LATEST_RUN = (
    "MATCH (r:ExposureRun {status: 'ok'}) WHERE r.finished_at IS NOT NULL "
    "AND NOT EXISTS { MATCH (i:IngestRun {id: r.ingest_run_id}) WHERE i.status = 'running' } "
    "RETURN r.run_id AS run_id, r.ingest_run_id AS ingest_run_id, "
    "toString(r.finished_at) AS computed_at, r.nodes AS nodes, r.edges AS edges, "
    "r.exposed AS exposed, r.seconds AS seconds ORDER BY r.finished_at DESC LIMIT 1"
)
