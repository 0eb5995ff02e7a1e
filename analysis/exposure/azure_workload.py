"""AKS workload identity: a reached Kubernetes service account → the Azure managed identity it federates to.

The service account names the identity by its client id (annotation ``azure.workload.identity/client-id``,
``KubernetesServiceAccount.azure_client_id``); Entra hands the pod a token for that identity only when the
identity has a federated credential whose issuer is the cluster's OIDC issuer and whose subject is
``system:serviceaccount:<namespace>:<name>`` (audience ``api://AzureADTokenExchange``). The rule, like IRSA's
(identity.py) and mirroring GKE's cluster matching (gcp_identity.py):

* the identity must be in the inventory (``AzureManagedIdentity.client_id``), else no hop;
* the Kubernetes cluster is matched to AKS by ``(AzureKubernetesCluster)-[:MAPS_TO]->(KubernetesCluster)``
  (same name); an AKS cluster known with workload identity disabled drops the hop (the annotation does
  nothing);
* the identity's federated credentials collected: the hop is kept only when one matches the subject and —
  when the AKS cluster is known — its issuer exactly (Entra compares them verbatim); none matching → no hop;
* not collected (or the AKS cluster unknown, so the issuer cannot be checked): kept, the reason says
  "not verified" — unknown is never read as "no trust".

The pod label ``azure.workload.identity/use: "true"`` (the mutating webhook's opt-in) is not required: a pod
spec can project the service-account token with that audience itself, so requiring it would hide real paths.
"""

from __future__ import annotations

import json
from typing import Any

from analysis.exposure.model import RUNS_AS, AttackGraph, Hop, node_from
from graph import driver

AUDIENCE = "api://AzureADTokenExchange"
KSAS = """
UNWIND $ids AS kid
MATCH (k:KubernetesServiceAccount {id: kid}) WHERE k.azure_client_id IS NOT NULL
MATCH (mi:AzureManagedIdentity {client_id: k.azure_client_id})
OPTIONAL MATCH (s:AzureSubscription)-[:RESOURCE]->(mi)
OPTIONAL MATCH (aks:AzureKubernetesCluster)-[:MAPS_TO]->(:KubernetesCluster {name: k.cluster_name})
RETURN kid, k.name AS ksa, k.namespace AS namespace, mi.id AS id, mi.name AS name, labels(mi) AS labels,
       head(collect(DISTINCT s.id)) AS account, mi.principal_id AS principal,
       mi.federated_credentials AS credentials,
       collect(DISTINCT aks {.name, issuer: aks.oidc_issuer_url,
                             wi: coalesce(aks.workload_identity_enabled, false)}) AS clusters
"""


def _matching(creds: list[dict[str, Any]], subject: str, issuers: list[str]) -> dict[str, Any] | None:
    for c in creds:
        audiences = c.get("audiences") or []
        if c.get("subject") != subject or (audiences and AUDIENCE not in audiences):
            continue
        if not issuers or c.get("issuer") in issuers:
            return c
    return None


def verdict(r: dict[str, Any]) -> str | None:
    """Why the service account gets the identity's token (the hop's reason), or None when it does not."""
    clusters = [c for c in r["clusters"] if c.get("name")]
    if clusters and not any(c["wi"] for c in clusters):
        return None  # workload identity off: the annotation does nothing
    issuers = [c["issuer"] for c in clusters if c["wi"] and c["issuer"]]
    subject = f"system:serviceaccount:{r['namespace']}:{r['ksa']}"
    head = f"workload identity: annotation azure.workload.identity/client-id names {r['name']}"
    where = (
        f"AKS cluster {clusters[0]['name']} has OIDC issuer {', '.join(issuers) or 'unknown'}"
        if clusters
        else "AKS cluster not in the inventory (issuer not verified)"
    )
    creds = json.loads(r["credentials"]) if isinstance(r["credentials"], str) else r["credentials"]
    if creds is None:
        return f"{head}; {where}; federated credentials of {r['name']} not collected (not verified)"
    found = _matching(creds, subject, issuers)
    if found is None:
        return None  # Entra refuses the token exchange: no credential trusts this issuer and subject
    return f"{head}; {where}; federated credential {found.get('name')} trusts {subject}"


def workload_identities(g: AttackGraph) -> dict[str, str]:
    """RUNS_AS hops service account → managed identity; returns {principal id: identity node id}."""
    ids = [n.id for n in g.nodes.values() if n.label == "KubernetesServiceAccount"]
    holders: dict[str, str] = {}
    for r in driver.read(KSAS, {"ids": ids}) if ids else []:
        why = verdict(r)
        if why is None:
            continue
        g.node(node_from(r, "AzureManagedIdentity"))
        g.hop(Hop(r["kid"], r["id"], RUNS_AS, why))
        if r["principal"]:
            holders[r["principal"]] = r["id"]
    return holders
