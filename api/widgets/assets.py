"""`asset-counts`: assets by label, by AWS account, by Kubernetes cluster and by GCP project.

An asset is a node of one of the ingestion schemas (`ingest.registry`), so bookkeeping nodes (runs,
changes, findings, keys) never count, and a new resource module counts as soon as it is registered.
Some schema labels are also extra labels of others (every `AWSUser` is an `AWSPrincipal`); each node is
counted once, under its specific label, and a generic label counts only nodes that have nothing more
specific (e.g. external principals).
"""

from __future__ import annotations

from functools import lru_cache

from api.widgets.cache import RunMarker
from api.widgets.common import header
from api.widgets.models import AssetCounts, LabelCount, ScopeCount
from graph import driver
from graph.schema.model import NodeSchema
from ingest import registry


def _schemas() -> list[NodeSchema]:
    mods: list[registry.AwsModule | registry.K8sModule | registry.GcpModule] = [
        *registry.aws_modules(), *registry.k8s_modules(), *registry.gcp_modules()]
    return [s for m in mods for s in m.schemas]


@lru_cache(maxsize=1)
def label_query() -> str:
    """One UNION of per-label counts. Specific labels read Neo4j's count store (no scan at all); labels
    are taken from our frozen schemas, never from a request, so building the text is safe."""
    schemas = _schemas()
    labels = sorted({s.label for s in schemas})
    generic = {extra for s in schemas for extra in s.extra_labels} & set(labels)
    specific = [label for label in labels if label not in generic]
    parts = [f"MATCH (n:`{label}`) RETURN '{label}' AS label, count(n) AS count" for label in specific]
    for label in sorted(generic):
        narrower = sorted({s.label for s in schemas if label in s.extra_labels and s.label != label})
        where = " AND ".join(f"NOT n:`{other}`" for other in narrower) or "true"
        parts.append(f"MATCH (n:`{label}`) WHERE {where} RETURN '{label}' AS label, count(n) AS count")
    return "\nUNION ALL\n".join(parts)


def owner_labels() -> dict[str, str]:
    """Owner label → group: the sub-resource targets of the schemas (AWSAccount, KubernetesCluster, GCP…)."""
    owners = {s.sub_resource.target_label for s in _schemas() if s.sub_resource is not None}
    groups = {"AWSAccount": "by_account", "KubernetesCluster": "by_cluster"}
    return {o: groups.get(o, "by_project") for o in owners if o in groups or o.startswith("GCP")}


def _by_owner(label: str) -> list[ScopeCount]:
    rows = driver.read(
        f"MATCH (o:`{label}`) OPTIONAL MATCH (o)-[:RESOURCE]->(n) "
        "RETURN o.id AS id, o.name AS name, count(n) AS count ORDER BY count DESC, id",
    )
    return [ScopeCount(id=str(r["id"]), name=r["name"], count=r["count"])
            for r in rows if r["id"] is not None]


def asset_counts(marker: RunMarker) -> AssetCounts:
    rows = driver.read(label_query())
    by_label = sorted((LabelCount(label=r["label"], count=r["count"]) for r in rows if r["count"]),
                      key=lambda c: (-c.count, c.label))
    groups: dict[str, list[ScopeCount]] = {"by_account": [], "by_cluster": [], "by_project": []}
    for owner, group in sorted(owner_labels().items()):
        groups[group] += _by_owner(owner)
    return AssetCounts(
        **header("asset-counts", marker, available=marker.ingest_run_id is not None or bool(by_label),
                 reason="no ingest run yet"),
        total=sum(c.count for c in by_label), by_label=by_label, by_account=groups["by_account"],
        by_cluster=groups["by_cluster"], by_project=groups["by_project"],
    )
