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
from api.widgets.models import AssetCounts, CategoryCount, LabelCount, ScopeCount
from graph import driver
from graph.schema.model import NodeSchema
from graph.scopes import OWNER_LABELS, owned_in_scope, owner_in_scope
from ingest import registry


def _schemas() -> list[NodeSchema]:
    return [s for m in registry.all_modules() for s in m.schemas]


@lru_cache(maxsize=1)
def _label_sets() -> tuple[list[str], dict[str, list[str]]]:
    """(specific labels, generic label → its narrower labels): a generic label counts only nodes that
    carry none of its narrower ones."""
    schemas = _schemas()
    labels = sorted({s.label for s in schemas})
    generic = {extra for s in schemas for extra in s.extra_labels} & set(labels)
    narrower = {
        g: sorted({s.label for s in schemas if g in s.extra_labels and s.label != g}) for g in generic
    }
    return [label for label in labels if label not in generic], narrower


@lru_cache(maxsize=1)
def label_query() -> str:
    """One UNION of per-label counts. Specific labels read Neo4j's count store (no scan at all); labels
    are taken from our frozen schemas, never from a request, so building the text is safe."""
    specific, narrower = _label_sets()
    parts = [f"MATCH (n:`{label}`) RETURN '{label}' AS label, count(n) AS count" for label in specific]
    for label in sorted(narrower):
        where = " AND ".join(f"NOT n:`{other}`" for other in narrower[label]) or "true"
        parts.append(f"MATCH (n:`{label}`) WHERE {where} RETURN '{label}' AS label, count(n) AS count")
    return "\nUNION ALL\n".join(parts)


# A scoped key: walk out from its own owners (cost follows the in-scope assets, not the graph, and the
# text is small, so planning it is cheap — a UNION of a scoped scan per label took 40 s to plan under load).
_OWNED_LABELS = f"""
MATCH (o) WHERE {owned_in_scope("o")} AND ({" OR ".join(f"o:{label}" for label in OWNER_LABELS)})
CALL (o) {{ MATCH (o)-[:RESOURCE]->(n) RETURN n UNION RETURN o AS n }}
WITH DISTINCT n
RETURN labels(n) AS labels, count(*) AS count
"""


def _scoped_label_counts(allowed: list[str]) -> list[dict[str, object]]:
    """The same per-label counts as `label_query`, over the nodes of the key's owners only."""
    specific, narrower = _label_sets()
    wanted = set(specific)
    counts: dict[str, int] = {}
    for row in driver.read(_OWNED_LABELS, {"allowed": allowed}):
        have = set(row["labels"])
        for label in have & wanted:
            counts[label] = counts.get(label, 0) + row["count"]
        for label in have & set(narrower):
            if not have & set(narrower[label]):
                counts[label] = counts.get(label, 0) + row["count"]
    return [{"label": k, "count": v} for k, v in counts.items()]


# Categories follow the ontology labels the schemas give each node type (schema.extra_labels); the first
# rule that matches wins. "plumbing" are records that make up an asset rather than being one.
_PLUMBING = {
    "IpPermissionInbound",
    "IpPermissionEgress",
    "IpRange",
    "AWSEC2Reservation",
    "AWSEC2Route",
    "AWSEC2RouteTableAssociation",
    "NetworkInterface",
    "AWSNetworkInterface",
    "AWSS3Acl",
    "AWSPolicyStatement",
    "GCPPolicyBinding",
    "GCPNetworkTag",
}
_RULES: list[tuple[str, set[str]]] = [
    ("compute", {"ComputeInstance", "Function", "ComputeCluster"}),
    ("data", {"Database", "ObjectStorage", "Secret", "BlockStorage"}),
    (
        "identity",
        {
            "AWSPrincipal",
            "ServiceAccount",
            "UserGroup",
            "UserAccount",
            "PermissionRole",
            "APIKey",
            "MfaDevice",
            "GCPPrincipal",
            "AWSManagedPolicy",
            "AWSInlinePolicy",
            "AWSInstanceProfile",
        },
    ),
    (
        "network",
        {
            "VirtualNetwork",
            "Subnet",
            "NetworkAccessControl",
            "LoadBalancer",
            "Endpoint",
            "AWSEC2RouteTable",
            "AWSEC2NetworkAcl",
            "AWSInternetGateway",
            "AWSELBV2TargetGroup",
            "AWSDBSubnetGroup",
            "GCPFirewall",
        },
    ),
]
CATEGORY_ORDER = ["compute", "data", "identity", "network", "kubernetes", "other", "plumbing"]


@lru_cache(maxsize=1)
def label_categories() -> dict[str, str]:
    """Schema label → category (see the rules above)."""
    names: dict[str, set[str]] = {}
    for schema in _schemas():  # a label may have several schemas (e.g. one per module that loads it)
        names.setdefault(schema.label, {schema.label}).update(schema.extra_labels)
    out: dict[str, str] = {}
    for label, marks in names.items():
        if marks & _PLUMBING:
            out[label] = "plumbing"
        elif label.startswith("Kubernetes"):
            out[label] = "kubernetes"
        else:
            out[label] = next((cat for cat, rule in _RULES if marks & rule), "other")
    for label, marks in names.items():  # a generic label counted alone (external principals …)
        for extra in marks:
            out.setdefault(extra, out[label])
    return out


def by_category(by_label: list[LabelCount]) -> list[CategoryCount]:
    cats = label_categories()
    groups: dict[str, list[LabelCount]] = {}
    for c in by_label:
        groups.setdefault(cats.get(c.label, "other"), []).append(c)
    return [
        CategoryCount(
            category=cat,
            count=sum(c.count for c in groups[cat]),
            folded=cat == "plumbing",
            labels=groups[cat],
        )
        for cat in CATEGORY_ORDER
        if cat in groups
    ]


def owner_labels() -> dict[str, str]:
    """Owner label → group: the sub-resource targets of the schemas (AWSAccount, KubernetesCluster, GCP…).
    Organizations and folders are not projects: they get their own group."""
    owners = {s.sub_resource.target_label for s in _schemas() if s.sub_resource is not None}
    groups = {
        "AWSAccount": "by_account",
        "KubernetesCluster": "by_cluster",
        "GCPProject": "by_project",
        "AzureSubscription": "by_subscription",
    }
    return {o: groups.get(o, "by_gcp_parent") for o in owners if o in groups or o.startswith("GCP")}


def _by_owner(label: str, allowed: list[str] | None) -> list[ScopeCount]:
    rows = driver.read(
        f"MATCH (o:`{label}`) WHERE {owner_in_scope('o')} OPTIONAL MATCH (o)-[:RESOURCE]->(n) "
        "RETURN o.id AS id, o.name AS name, count(n) AS count, o.foreign = true AS foreign "
        "ORDER BY count DESC, id",
        {"allowed": allowed},
    )
    return [
        ScopeCount(id=str(r["id"]), name=r["name"], count=r["count"], external=bool(r["foreign"]))
        for r in rows
        if r["id"] is not None
    ]


def asset_counts(marker: RunMarker, allowed: list[str] | None = None) -> AssetCounts:
    """`allowed` (a scoped key's ids): only assets held by those accounts, projects and clusters."""
    rows = driver.read(label_query()) if allowed is None else _scoped_label_counts(allowed)
    by_label = sorted(
        (LabelCount(label=r["label"], count=r["count"]) for r in rows if r["count"]),
        key=lambda c: (-c.count, c.label),
    )
    groups: dict[str, list[ScopeCount]] = {
        "by_account": [],
        "by_cluster": [],
        "by_project": [],
        "by_gcp_parent": [],
        "by_subscription": [],
    }
    for owner, group in sorted(owner_labels().items()):
        groups[group] += _by_owner(owner, allowed)
    # Accounts only seen in a trust policy (foreign) are not inventoried: listed apart, never as ours.
    accounts = groups.pop("by_account")
    return AssetCounts(
        **header(
            "asset-counts",
            marker,
            available=marker.ingest_run_id is not None or bool(by_label),
            reason="no ingest run yet",
        ),
        total=sum(c.count for c in by_label),
        by_label=by_label,
        by_category=by_category(by_label),
        by_account=[a for a in accounts if not a.external],
        external_accounts=[a for a in accounts if a.external],
        **groups,
    )
