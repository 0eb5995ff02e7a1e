"""Run the exposure model once: network (AWS, GCP, Azure) → Kubernetes → identity (AWS, GCP, Azure), keep
what the internet can reach, mark crown jewels, store. Used by the post-ingest step and
``invgraph exposure compute``."""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import networkx as nx

from analysis.exposure import azure, azure_lb, digest, gcp, identity, k8s, network, scoring, services, store
from analysis.exposure.gcp_identity import GcpIdentity
from analysis.exposure.model import INTERNET, AttackGraph, Node
from analysis.exposure.paths import INTERNET_NODE
from config import ExposureSettings, get_settings
from graph import driver
from graph.schema.labels import data_store_labels
from history.post_ingest import PostIngestStep, register
from history.runs import ModuleResult, RunContext

log = logging.getLogger("invgraph.exposure")
# Crown-jewel inputs read per label (labels are spliced into Cypher: only schema labels and these constants).
_PROP_LABELS = (
    *data_store_labels(),
    "AWSRole",
    "EC2Instance",
    "AWSLambda",
    "KubernetesPod",
    "GCPInstance",
    "GKECluster",
    "AzureVirtualMachine",
)


@dataclass
class Summary:
    run_id: str
    nodes: int
    edges: int
    exposed: int
    crown_jewels_reachable: int
    seconds: float
    phases: dict[str, float]

    def as_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


def build() -> tuple[AttackGraph, dict[str, float]]:
    """The attack graph from the current inventory (no writes)."""
    g, phases = AttackGraph(), {}
    t = time.perf_counter()
    net = network.compute(g)
    services.compute(g)
    phases["network"], t = time.perf_counter() - t, time.perf_counter()
    gcp.compute(g)
    phases["gcp"], t = time.perf_counter() - t, time.perf_counter()
    azure.compute(g)
    azure_lb.compute(g)
    phases["azure"], t = time.perf_counter() - t, time.perf_counter()
    k8s.compute(g, net)
    phases["kubernetes"], t = time.perf_counter() - t, time.perf_counter()
    identity.Identity(g).compute()
    phases["identity"], t = time.perf_counter() - t, time.perf_counter()
    GcpIdentity(g).compute()  # after identity.py: it follows the Kubernetes service accounts reached there
    phases["gcp"] += time.perf_counter() - t
    t = time.perf_counter()
    azure.identities(g)
    phases["azure"] += time.perf_counter() - t
    return g, phases


def _read_props(g: AttackGraph) -> None:
    """AWS tags and Kubernetes / GCP labels (all {key: value}) feed the crown-jewel tag rule."""
    for label in _PROP_LABELS:
        ids = [n.id for n in g.nodes.values() if n.label == label]
        if not ids:
            continue
        extra = "n.labels" if label.startswith(("Kubernetes", "GCP", "GKE")) else "null"
        for r in driver.read(
            f"UNWIND $ids AS id MATCH (n:{label} {{id: id}}) "
            f"RETURN n.id AS id, n.tags AS tags, {extra} AS k8s_labels",
            {"ids": ids},
        ):
            g.nodes[r["id"]].props.update({"tags": r["tags"], "k8s_labels": r["k8s_labels"]})


def rows(
    g: AttackGraph, settings: ExposureSettings
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """Storage rows of the part of ``g`` reachable from the internet, and the number of crown jewels in it."""
    dg = nx.DiGraph()
    dg.add_edges_from((s, d) for s, d, _ in g.hops)
    dist: dict[str, int] = nx.single_source_shortest_path_length(dg, INTERNET) if INTERNET in dg else {}
    nodes, crowns = [], 0
    entry_weight = {d: h.weight for (s, d, _), h in g.hops.items() if s == INTERNET}
    for nid, hop_count in dist.items():
        if nid == INTERNET:
            continue
        n: Node = g.nodes[nid]
        crown, sens, why = scoring.crown_jewel(n, settings)
        crowns += crown
        row: dict[str, Any] = {
            "node_id": nid,
            "label": n.label,
            "labels": n.labels,
            "name": n.name or nid,
            "account": n.account,
            "cluster": n.cluster,
            "dist": hop_count,
            "crown_jewel": crown,
            "sensitivity": sens,
            "crown_reason": why,
            "admin": bool(n.props.get("admin")),
        }
        if n.props.get("guardrails"):  # AWS roles: the SCPs/RCPs applied, or why none were
            row["guardrails"] = n.props["guardrails"]
        exp = g.exposed.get(nid)
        if exp:
            row.update(
                ports=sorted({p for e in exp for p in e.ports}),
                exposure_types=sorted({e.type for e in exp}),
                reasons=[e.reason for e in exp],
                weight=entry_weight.get(nid, 0.7),
            )
        nodes.append(row)
    edges = [
        {
            "src": h.src,
            "dst": h.dst,
            "type": h.type,
            "reason": h.reason,
            "ports": h.ports,
            "access": h.access,
            "weight": h.weight,
            "src_dist": dist[h.src],
        }
        for h in g.hops.values()
        if h.src in dist
    ]
    return nodes, edges, crowns


def compute(ingest_run_id: str | None = None, settings: ExposureSettings | None = None) -> Summary:
    settings = settings or get_settings().exposure
    start = time.perf_counter()
    run_id = f"exposure-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{secrets.token_hex(3)}"
    store.ensure_schema()
    store.begin(run_id, ingest_run_id)
    try:
        g, phases = build()
        for asset, why in sorted(g.cleared.items()):
            log.info("exposure: %s not exposed: %s", asset, why)
        _read_props(g)
        nodes, edges, crowns = rows(g, settings)
        t = time.perf_counter()
        # Every node's path digest, so exposure change compares digests before reading any path.
        digests = digest.annotate(nodes, edges, INTERNET_NODE, settings.exposure_default_hops)
        phases["digest"], t = time.perf_counter() - t, time.perf_counter()
        store.write(run_id, nodes, edges)
        store.mark_inventory(
            {n["node_id"]: (n["label"], n["exposure_types"]) for n in nodes if n.get("exposure_types")}
        )
        exposed = sum(1 for n in nodes if n.get("exposure_types"))
        seconds = time.perf_counter() - start
        store.finish(
            run_id,
            {"nodes": len(nodes), "edges": len(edges), "exposed": exposed, "seconds": seconds} | digests,
            settings.exposure_keep_runs,
        )
    except Exception as exc:
        store.fail(run_id, str(exc))
        raise
    phases["store"] = time.perf_counter() - t
    summary = Summary(run_id, len(nodes), len(edges), exposed, crowns, time.perf_counter() - start, phases)
    log.info(
        "exposure: %d nodes, %d edges, %d exposed, %d crown jewels reachable in %.1fs",
        summary.nodes,
        summary.edges,
        summary.exposed,
        crowns,
        summary.seconds,
    )
    return summary


def exposure_step(ctx: RunContext, results: list[ModuleResult]) -> dict[str, Any]:
    """The post-ingest step. A failure is recorded on its ExposureRun (status failed, the previous complete
    run stays ``latest``) by ``compute`` and on the ingest run by the pipeline (its error policy)."""
    return compute(ctx.run_id).as_json()


# After privileges (order 10): exposure paths read the effective permissions that step stores.
STEP = register(PostIngestStep("exposure", exposure_step, order=20))
