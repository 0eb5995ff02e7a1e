"""Identity hops: compute → the identity it runs as → roles it may assume → data it may read or write.

Permissions come from the privilege engine (``analysis.privileges``) evaluated on the policy documents
this run stored (``AWSPolicy.document``, ``AWSRole.trust_policy``) — only for roles the internet can
reach, so the cost follows the attack surface, not the size of IAM. Kubernetes secrets use the service
account's RBAC (``analysis.privileges.k8s``), rebuilt from the stored Roles and bindings per cluster.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from fnmatch import fnmatchcase
from typing import Any

from analysis.exposure.iam import Roles
from analysis.exposure.model import (
    DATA_ACCESS,
    MOUNTS,
    NODE_ESCAPE,
    RUNS_AS,
    AttackGraph,
    Hop,
    Node,
    node_from,
)
from analysis.privileges import (
    with_groups,
)
from analysis.privileges.graph_k8s import _implicit_groups, read_cluster
from analysis.privileges.k8s import K8sPermissions, k8s_permissions
from graph import driver

_ACCT = "OPTIONAL MATCH (acct:AWSAccount)-[:RESOURCE]->(r) "
_ROLE = "r.id AS id, r.name AS name, labels(r) AS labels, acct.id AS account"
# Instance → instance profile → role, and Lambda → execution role; one indexed lookup per id.
INSTANCE_ROLES = (
    """
UNWIND $ids AS cid
MATCH (:EC2Instance {id: cid})-[:INSTANCE_PROFILE]->(ip:AWSInstanceProfile)-[:ASSOCIATED_WITH]->(r:AWSRole)
"""
    + _ACCT
    + f"RETURN cid, 'instance profile ' + coalesce(ip.instance_profile_name, ip.id) AS via, {_ROLE}"
)
LAMBDA_ROLES = (
    """
UNWIND $ids AS cid
MATCH (:AWSLambda {id: cid})-[:ASSUMES]->(r:AWSRole)
"""
    + _ACCT
    + f"RETURN cid, 'execution role' AS via, {_ROLE}"
)
PODS = (
    """
UNWIND $ids AS pid
MATCH (p:KubernetesPod {id: pid})
OPTIONAL MATCH (p)-[:USES_SERVICE_ACCOUNT]->(sa:KubernetesServiceAccount)
OPTIONAL MATCH (sa)-[:ASSUMES_ROLE]->(r:AWSRole)
OPTIONAL MATCH (cl:KubernetesCluster)-[:RESOURCE]->(p)
OPTIONAL MATCH (eks:EKSCluster)-[:MAPS_TO]->(cl)
CALL (p) { OPTIONAL MATCH (p)-[:RUNS_ON]->(:KubernetesNode)-[:IS_INSTANCE]->(i:EC2Instance)
           RETURN collect(i {.id, .name, .imdsv2required, .metadatahttpputresponsehoplimit, labels:
               labels(i)}) AS nodes }
CALL (p) { OPTIONAL MATCH (p)-[:USES_SECRET_VOLUME|USES_SECRET_ENV|USES_SECRET]->(s:KubernetesSecret)
           RETURN collect(DISTINCT s {.id, .name, .namespace, labels: labels(s)}) AS secrets }
"""
    + _ACCT
    + """
RETURN pid, p.host_network AS host_network, cl.name AS cluster, eks.oidc_issuer AS issuer,
       sa {.id, .name, .namespace, labels: labels(sa)} AS sa, r.id AS role_id, r.name AS role_name,
       labels(r) AS role_labels, acct.id AS role_account, r.trust_policy AS trust, nodes, secrets
"""
)
K8S_SECRETS = """
MATCH (:KubernetesCluster {name: $cluster})-[:RESOURCE]->(s:KubernetesSecret)
RETURN s.id AS id, s.namespace + '/' + s.name AS name, s.name AS short, s.namespace AS namespace, labels(s)
    AS labels
"""

_SUB = re.compile(r'":sub"\s*:\s*(\[[^\]]*\]|"[^"]*")')


def _irsa_ok(trust: str | None, issuer: str | None, ns: str, name: str) -> bool:
    """Does the role's trust admit this service account's web identity? (issuer + :sub condition)"""
    if not trust or not issuer:
        return bool(trust)  # no issuer known: take the annotation at its word
    if issuer.removeprefix("https://") not in trust:
        return False
    subs = [json.loads(m) for m in _SUB.findall(trust)]
    values = [v for s in subs for v in (s if isinstance(s, list) else [s])]
    return not values or any(fnmatchcase(f"system:serviceaccount:{ns}:{name}", v) for v in values)


def _imds_reachable(pod_host_network: bool | None, node: dict[str, Any]) -> str | None:
    if pod_host_network:
        return "pod uses the host network, so it reaches the node's instance metadata service"
    if not node.get("imdsv2required"):
        return "IMDSv1 is enabled on the node, so the pod reaches its instance metadata"
    if int(node.get("metadatahttpputresponsehoplimit") or 1) >= 2:
        return "IMDSv2 hop limit >= 2 lets the pod reach the node's instance metadata"
    return None


class Identity:
    def __init__(self, g: AttackGraph) -> None:
        self.g = g

    def compute(self) -> None:
        g = self.g
        instances = [n.id for n in g.nodes.values() if n.label == "EC2Instance"]
        lambdas = [n.id for n in g.nodes.values() if n.label == "AWSLambda"]
        pods = [n.id for n in g.nodes.values() if n.label == "KubernetesPod"]
        sas: dict[str, dict[str, Any]] = {}
        for r in driver.read(PODS, {"ids": pods}) if pods else []:
            sa = r["sa"]
            if sa:
                g.node(
                    Node(
                        sa["id"],
                        "KubernetesServiceAccount",
                        f"{sa['namespace']}/{sa['name']}",
                        sa["labels"],
                        cluster=r["cluster"],
                    )
                )
                g.hop(
                    Hop(
                        r["pid"],
                        sa["id"],
                        RUNS_AS,
                        f"pod runs as service account {sa['namespace']}/{sa['name']}",
                    )
                )
                sas[sa["id"]] = {**sa, "cluster": r["cluster"]}
                if r["role_id"] and _irsa_ok(r["trust"], r["issuer"], sa["namespace"], sa["name"]):
                    g.node(Node(r["role_id"], "AWSRole", r["role_name"], r["role_labels"], r["role_account"]))
                    g.hop(
                        Hop(
                            sa["id"],
                            r["role_id"],
                            RUNS_AS,
                            f"IRSA: annotation eks.amazonaws.com/role-arn and the "
                            f"role trusts the cluster's OIDC provider for {sa['namespace']}/{sa['name']}",
                        )
                    )
            for node in r["nodes"]:
                why = _imds_reachable(r["host_network"], node)
                if why:
                    g.node(Node(node["id"], "EC2Instance", node.get("name") or node["id"], node["labels"]))
                    g.hop(
                        Hop(r["pid"], node["id"], NODE_ESCAPE, f"runs on node instance {node['id']}; {why}")
                    )
                    instances.append(node["id"])
            for s in r["secrets"]:
                g.node(
                    Node(
                        s["id"],
                        "KubernetesSecret",
                        f"{s['namespace']}/{s['name']}",
                        s["labels"],
                        cluster=r["cluster"],
                    )
                )
                g.hop(
                    Hop(
                        r["pid"],
                        s["id"],
                        MOUNTS,
                        f"pod mounts or reads secret {s['namespace']}/{s['name']}",
                        access="read",
                    )
                )
        rows = driver.read(INSTANCE_ROLES, {"ids": sorted(set(instances))}) if instances else []
        for r in rows + (driver.read(LAMBDA_ROLES, {"ids": lambdas}) if lambdas else []):
            g.node(node_from(r, "AWSRole"))
            g.hop(Hop(r["cid"], r["id"], RUNS_AS, f"runs as role {r['name']} ({r['via']})"))
        self._k8s_secrets(sas)
        Roles(g).compute()

    def _k8s_secrets(self, sas: dict[str, dict[str, Any]]) -> None:
        by_cluster: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for sa in sas.values():
            by_cluster[sa["cluster"]].append(sa)
        for cluster, accounts in by_cluster.items():
            rbac = k8s_permissions(read_cluster(cluster))
            secrets = driver.read(K8S_SECRETS, {"cluster": cluster})
            for sa in accounts:
                subject = f"ServiceAccount:{sa['namespace']}/{sa['name']}"
                perms: K8sPermissions = with_groups(rbac, subject, _implicit_groups(subject))
                for s in secrets:
                    verb = next(
                        (
                            v
                            for v in ("get", "list", "watch")
                            if perms.allows(
                                v, "secrets", s["namespace"], name=s["short"] if v == "get" else None
                            )
                        ),
                        None,
                    )
                    if verb:
                        self.g.node(
                            Node(s["id"], "KubernetesSecret", s["name"], s["labels"], cluster=cluster)
                        )
                        self.g.hop(
                            Hop(
                                sa["id"],
                                s["id"],
                                DATA_ACCESS,
                                f"RBAC lets {sa['namespace']}/{sa['name']} {verb} secrets "
                                f"in {s['namespace']}",
                                access="read",
                            )
                        )
