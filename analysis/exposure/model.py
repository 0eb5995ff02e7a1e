"""The attack graph being built for one run: nodes (assets), hops (edges with a reason) and the
assets the internet reaches directly. Pure data; the modules network/k8s/identity fill it in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

INTERNET = "internet"

# Hop types (docs/exposure.md lists each with its reason format).
INTERNET_TO_ASSET = "internet"  # the internet reaches the asset directly, on `ports`
LB_TARGET = "lb-target"  # load balancer forwards to a registered target
K8S_ROUTE = "k8s-route"  # Ingress -> Service, Service -> Pod
RUNS_AS = "runs-as"  # compute -> the identity it runs as (role, service account, IRSA role)
NODE_ESCAPE = "node-credentials"  # pod -> the node instance whose role it can read from IMDS
ASSUME = "assume-role"  # role -> role (trust policy + caller's sts:AssumeRole)
DATA_ACCESS = "data-access"  # identity -> data store it may read / write
MOUNTS = "mounts-secret"  # pod -> Kubernetes secret it mounts or reads from env


@dataclass
class Node:
    id: str
    label: str
    name: str | None = None
    labels: list[str] = field(default_factory=list)
    account: str | None = None
    cluster: str | None = None
    props: dict[str, Any] = field(default_factory=dict)  # crown-jewel inputs (tags, labels, admin)


@dataclass
class Hop:
    src: str
    dst: str
    type: str
    reason: str
    ports: list[str] = field(default_factory=list)
    access: str | None = None  # data-access: "read", "write", "admin"; "conditional" suffix when so
    weight: float = 1.0  # exposure weight of an internet hop (see scoring.py)


@dataclass
class Exposed:
    """An asset the internet reaches without credentials (one row of GET /exposure/assets)."""

    id: str
    type: str  # exposed_internet_type, Cartography's vocabulary where it has one
    ports: list[str]
    reason: str


@dataclass
class AttackGraph:
    nodes: dict[str, Node] = field(default_factory=dict)
    hops: dict[tuple[str, str, str], Hop] = field(default_factory=dict)
    exposed: dict[str, list[Exposed]] = field(default_factory=dict)
    # Assets that would be exposed but for an enforced guardrail (GCP public access prevention set by an
    # organization policy): asset id -> the guardrail, logged by the run so the decision is visible.
    cleared: dict[str, str] = field(default_factory=dict)

    def node(self, n: Node) -> Node:
        old = self.nodes.get(n.id)
        if old is None:
            self.nodes[n.id] = n
            return n
        old.props.update(n.props)
        return old

    def hop(self, h: Hop) -> None:
        key = (h.src, h.dst, h.type)
        old = self.hops.get(key)
        if old is None:
            self.hops[key] = h
        elif h.ports:  # same hop found twice (two listeners): keep one edge, all ports
            old.ports = sorted(set(old.ports) | set(h.ports))

    def expose(
        self, node: Node, exposure_type: str, ports: list[str], reason: str, weight: float = 1.0
    ) -> None:
        self.node(node)
        self.exposed.setdefault(node.id, []).append(Exposed(node.id, exposure_type, ports, reason))
        self.hop(Hop(INTERNET, node.id, INTERNET_TO_ASSET, reason, ports, weight=weight))

    def unexpose(self, node_id: str) -> None:
        """Withdraw a direct exposure (e.g. a Service whose every backend pod is protected)."""
        self.exposed.pop(node_id, None)
        self.hops.pop((INTERNET, node_id, INTERNET_TO_ASSET), None)


def node_from(row: dict[str, Any], label: str, **props: Any) -> Node:
    """A Node from a query row with id / name / labels / account / cluster columns."""
    return Node(
        str(row["id"]),
        label,
        row.get("name"),
        list(row.get("labels") or [label]),
        row.get("account"),
        row.get("cluster"),
        dict(props),
    )
