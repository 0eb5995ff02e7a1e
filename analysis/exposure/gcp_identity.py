"""GCP identity hops: compute → the service account it runs as → accounts it may impersonate → data.

* ``runs-as`` GCPInstance → GCPServiceAccount (RUNS_AS), kept only when the VM's access scopes let its
  metadata-server token call an API we follow (cloud-platform, Cloud Storage or Cloud SQL scopes);
* ``runs-as`` GKECluster → its node service accounts (``node_service_accounts``);
* ``runs-as`` KubernetesServiceAccount → GCPServiceAccount (workload identity annotation
  ``iam.gke.io/gcp-service-account``), unless the GKE cluster is known and has workload identity off;
* ``node-credentials`` KubernetesPod → node service account, when the pod reaches the node's metadata
  server: the GKE cluster has no workload identity, or the pod uses the host network;
* ``assume-role`` GCPServiceAccount → GCPServiceAccount: roles/iam.serviceAccountTokenCreator or
  roles/iam.serviceAccountUser on the target (or inherited from its project / folders / organization);
* ``data-access`` GCPServiceAccount → GCPBucket / GCPCloudSQLInstance: a binding naming the account
  on the bucket or inherited from the project / folders / organization (gcp.access_of for the level).
Bindings are read per round of newly reached service accounts (HAS_ALLOW_POLICY, one query), so the cost
follows the attack surface. Groups, deny policies and custom roles are not evaluated.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from analysis.exposure.gcp import PROJECT, access_of, condition_note, where
from analysis.exposure.model import ASSUME, DATA_ACCESS, NODE_ESCAPE, RUNS_AS, AttackGraph, Hop, Node
from graph import driver

_SA = (
    "sa.id AS id, coalesce(sa.email, sa.id) AS name, labels(sa) AS labels, "
    "coalesce(sa.project_id, proj) AS account"
)
_ACTIVE = "NOT coalesce(sa.disabled, false)"
INSTANCE_SAS = f"""
UNWIND $ids AS cid
MATCH (i:GCPInstance {{id: cid}})-[:RUNS_AS]->(sa:GCPServiceAccount) WHERE {_ACTIVE}
{PROJECT.format(v="sa")}
RETURN cid, coalesce(i.service_account_scopes, []) AS scopes, {_SA}
"""
# GKE's "default" node account is the project's Compute Engine default service account.
_GKE = """
RETURN c.id AS id, c.name AS name, coalesce(c.workload_identity_enabled, false) AS wi,
       c.workload_pool AS pool,
       [e IN coalesce(c.node_service_accounts, []) | CASE WHEN e = 'default'
        THEN c.project_number + '-compute@developer.gserviceaccount.com' ELSE e END] AS sas
"""
GKE_BY_ID = "UNWIND $ids AS cid MATCH (c:GKECluster {id: cid})" + _GKE
GKE_BY_NAME = (
    "UNWIND $rows AS row MATCH (c:GKECluster {name: row.gke}) "
    "WHERE row.project IS NULL OR c.project_id = row.project WITH row.k8s AS k8s, c" + _GKE + ", k8s"
)
SAS_BY_EMAIL = f"""
UNWIND $emails AS email
MATCH (sa:GCPServiceAccount {{email: email}}) WHERE {_ACTIVE}
{PROJECT.format(v="sa")}
RETURN email, {_SA}
"""
KSAS = """
UNWIND $ids AS kid
MATCH (k:KubernetesServiceAccount {id: kid}) WHERE k.gcp_service_account IS NOT NULL
RETURN kid, k.name AS name, k.namespace AS namespace, k.cluster_name AS cluster,
       k.gcp_service_account AS email
"""
PODS = """
UNWIND $ids AS pid
MATCH (cl:KubernetesCluster)-[:RESOURCE]->(p:KubernetesPod {id: pid})
RETURN pid, cl.name AS cluster, coalesce(p.host_network, false) AS host_network
"""
# Bindings of roles/iam.workloadIdentityUser on the account or inherited from its project and above.
WI_BINDINGS = """
UNWIND $emails AS email
MATCH (sa:GCPServiceAccount {email: email})
CALL (sa) {
  MATCH (b:GCPPolicyBinding)-[:APPLIES_TO]->(sa) RETURN b, sa.id AS at, labels(sa) AS at_labels
  UNION
  MATCH (sa)<-[:RESOURCE]-(:GCPProject)-[:PARENT*0..]->(t)<-[:APPLIES_TO]-(b:GCPPolicyBinding)
  RETURN b, t.id AS at, labels(t) AS at_labels
}
WITH email, b, at, at_labels WHERE b.role = 'roles/iam.workloadIdentityUser'
RETURN email, coalesce(b.members, []) AS members, at, at_labels
"""
# What the given accounts' bindings reach: impersonation roles → service accounts, other roles → buckets
# and Cloud SQL instances, each set on the resource itself or above its project.
GRANTS = f"""
UNWIND $ids AS sid
MATCH (:GCPServiceAccount {{id: sid}})-[:HAS_ALLOW_POLICY]->(b:GCPPolicyBinding)-[:APPLIES_TO]->(t)
WHERE b.role IN $roles OR b.role STARTS WITH 'roles/storage.' OR b.role STARTS WITH 'roles/cloudsql.'
CALL (t, b) {{
  WITH t WHERE (t:GCPBucket AND NOT b.role IN $impersonate)
             OR (t:GCPServiceAccount AND b.role IN $impersonate)
  RETURN t AS r
  UNION
  MATCH (t)<-[:PARENT*0..]-(:GCPProject)-[:RESOURCE]->(r)
  WHERE (r:GCPServiceAccount AND b.role IN $impersonate)
     OR ((r:GCPBucket OR r:GCPCloudSQLInstance) AND NOT b.role IN $impersonate)
  RETURN r
}}
{PROJECT.format(v="r")}
RETURN sid, b.role AS role, coalesce(b.has_condition, false) AS conditional, b.condition_title AS title,
       b.condition_expression AS expression,
       t.id AS at, labels(t) AS at_labels, r.id AS id, coalesce(r.email, r.name, r.id) AS name,
       labels(r) AS labels, coalesce(r.project_id, proj) AS account, coalesce(r.disabled, false) AS disabled
"""
ADMIN = """
UNWIND $ids AS sid
MATCH (:GCPServiceAccount {id: sid})-[:HAS_ALLOW_POLICY]->(b:GCPPolicyBinding)-[:APPLIES_TO]->(t)
WHERE b.role IN ['roles/owner', 'roles/editor'] AND NOT coalesce(b.has_condition, false)
  AND (t:GCPProject OR t:GCPFolder OR t:GCPOrganization)
RETURN sid, collect(b.role + ' on ' + t.id) AS grants
"""
IMPERSONATE = {
    "roles/iam.serviceAccountTokenCreator": "can mint its access tokens",
    "roles/iam.serviceAccountUser": "can act as it (attach it to a workload it deploys)",
}
ROLES = [*IMPERSONATE, "roles/owner", "roles/editor", "roles/viewer"]
# OAuth scopes of a VM's token that reach an API we follow (full URL or gcloud alias).
SCOPES = {
    "cloud-platform": "every API its roles allow",
    "devstorage.read_only": "Cloud Storage, read only",
    "storage-ro": "Cloud Storage, read only",
    "devstorage.read_write": "Cloud Storage",
    "storage-rw": "Cloud Storage",
    "devstorage.full_control": "Cloud Storage",
    "storage-full": "Cloud Storage",
    "sqlservice.admin": "Cloud SQL Admin API",
    "sql-admin": "Cloud SQL Admin API",
    "sqlservice": "Cloud SQL",
}
_RANK = {"read": 1, "write": 2, "admin": 3}


def api_scopes(scopes: list[str]) -> list[str]:
    """The VM's access scopes that grant API use we follow, as ``scope: what``."""
    out = []
    for s in scopes:
        short = s.rsplit("/auth/", 1)[-1]
        if short in SCOPES:
            out.append(f"{short}: {SCOPES[short]}")
    return out


def gke_context(cluster: str) -> dict[str, str | None]:
    """A Kubernetes cluster name → the GKE cluster it may be: the same name, or kubectl's context name
    ``gke_<project>_<location>_<name>`` (project ids, locations and cluster names have no ``_``)."""
    parts = cluster.split("_")
    if len(parts) == 4 and parts[0] == "gke":
        return {"k8s": cluster, "gke": parts[3], "project": parts[1]}
    return {"k8s": cluster, "gke": cluster, "project": None}


class GcpIdentity:
    def __init__(self, g: AttackGraph) -> None:
        self.g = g

    def _ids(self, label: str) -> list[str]:
        return [n.id for n in self.g.nodes.values() if n.label == label]

    def _sa(self, r: dict[str, Any]) -> Node:
        return self.g.node(Node(r["id"], "GCPServiceAccount", r["name"], r["labels"], r["account"]))

    def compute(self) -> None:
        self._instances()
        self._gke_nodes()
        self._kubernetes()
        self._grants()

    def _instances(self) -> None:
        ids = self._ids("GCPInstance")
        for r in driver.read(INSTANCE_SAS, {"ids": ids}) if ids else []:
            usable = api_scopes(r["scopes"])
            if not usable:  # the metadata token can call no API we follow
                continue
            self._sa(r)
            self.g.hop(
                Hop(
                    r["cid"],
                    r["id"],
                    RUNS_AS,
                    f"runs as {r['name']} (its metadata-server token; access scopes {'; '.join(usable)})",
                )
            )

    def _accounts(self, emails: set[str]) -> dict[str, dict[str, Any]]:
        rows = driver.read(SAS_BY_EMAIL, {"emails": sorted(emails)}) if emails else []
        return {r["email"]: r for r in rows}

    def _gke_nodes(self) -> None:
        ids = self._ids("GKECluster")
        clusters = driver.read(GKE_BY_ID, {"ids": ids}) if ids else []
        accounts = self._accounts({e for c in clusters for e in c["sas"]})
        for c in clusters:
            for email in c["sas"]:
                if email in accounts:
                    self._sa(accounts[email])
                    self.g.hop(
                        Hop(
                            c["id"],
                            accounts[email]["id"],
                            RUNS_AS,
                            f"nodes of GKE cluster {c['name']} run as {email}",
                        )
                    )

    def _kubernetes(self) -> None:
        """Workload identity (service account → GCP account) and node credentials (pod → node account)."""
        ksas = self._ids("KubernetesServiceAccount")
        pods = self._ids("KubernetesPod")
        wi_rows = driver.read(KSAS, {"ids": ksas}) if ksas else []
        pod_rows = driver.read(PODS, {"ids": pods}) if pods else []
        names = {r["cluster"] for r in wi_rows + pod_rows if r["cluster"]}
        gke: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for c in driver.read(GKE_BY_NAME, {"rows": [gke_context(n) for n in sorted(names)]}) if names else []:
            gke[c["k8s"]].append(c)
        node_sas = {e for cs in gke.values() for c in cs for e in c["sas"]}
        accounts = self._accounts({r["email"] for r in wi_rows} | node_sas)
        grants: dict[str, list[dict[str, Any]]] = defaultdict(list)
        wi_emails = sorted({r["email"] for r in wi_rows if r["email"] in accounts})
        for b in driver.read(WI_BINDINGS, {"emails": wi_emails}) if wi_emails else []:
            grants[b["email"]].append(b)
        for r in wi_rows:
            self._workload_identity(r, gke.get(r["cluster"], []), accounts.get(r["email"]), grants)
        for r in pod_rows:
            for c in gke.get(r["cluster"], []):
                if c["wi"] and not r["host_network"]:
                    continue  # the GKE metadata server answers for the pod's own identity only
                why = (
                    "the pod uses the host network, so it reaches the node's metadata server"
                    if r["host_network"]
                    else f"GKE cluster {c['name']} has no workload identity, so pods get the node's token "
                    "from the metadata server"
                )
                for email in c["sas"]:
                    if email in accounts:
                        self._sa(accounts[email])
                        self.g.hop(Hop(r["pid"], accounts[email]["id"], NODE_ESCAPE, f"{why} ({email})"))

    def _workload_identity(
        self,
        r: dict[str, Any],
        clusters: list[dict[str, Any]],
        account: dict[str, Any] | None,
        grants: dict[str, list[dict[str, Any]]],
    ) -> None:
        if account is None:  # the annotated account is not in the inventory (or is disabled)
            return
        if clusters and not any(c["wi"] for c in clusters):
            return  # workload identity off: the annotation does nothing
        ksa = f"{r['namespace']}/{r['name']}"
        pools = [c["pool"] for c in clusters if c["wi"] and c["pool"]]
        wanted = [f"{p}[{ksa}]" for p in pools]
        seen = next(
            (
                (m, b)
                for b in grants.get(r["email"], [])
                for m in b["members"]
                if m in wanted or (not wanted and m.endswith(f".svc.id.goog[{ksa}]"))
            ),
            None,
        )
        cluster = (
            f"GKE cluster {clusters[0]['name']} has workload pool {', '.join(pools)}"
            if clusters
            else "GKE cluster not in the inventory (workload identity not verified)"
        )
        grant = (
            f"roles/iam.workloadIdentityUser grants serviceAccount:{seen[0]} on "
            f"{where(seen[1]['at_labels'], seen[1]['at'])}"
            if seen
            else "no roles/iam.workloadIdentityUser binding for it seen (taken at the annotation's word)"
        )
        self._sa(account)
        self.g.hop(
            Hop(
                r["kid"],
                account["id"],
                RUNS_AS,
                f"workload identity: annotation iam.gke.io/gcp-service-account={r['email']} on {ksa}; "
                f"{cluster}; {grant}",
            )
        )

    def _grants(self) -> None:
        """Data access and impersonation of every reached service account, round by round."""
        done: set[str] = set()
        frontier = self._ids("GCPServiceAccount")
        while frontier:
            done.update(frontier)
            for r in driver.read(ADMIN, {"ids": frontier}):
                self.g.nodes[r["sid"]].props["admin"] = True
                self.g.nodes[r["sid"]].props["admin_grants"] = r["grants"]
            best: dict[tuple[str, str], tuple[int, Hop]] = {}
            nxt: list[str] = []
            params = {"ids": frontier, "roles": ROLES, "impersonate": list(IMPERSONATE)}
            for r in driver.read(GRANTS, params):
                hop = self._grant_hop(r)
                if hop is None:
                    continue
                rank = _RANK.get(str(hop.access).split()[0], 4) * (1 if r["conditional"] else 2)
                key = (hop.src, hop.dst)
                if key not in best or rank > best[key][0]:
                    best[key] = (rank, hop)
            for _, hop in best.values():
                self.g.hop(hop)
                node = self.g.nodes[hop.dst]
                if node.label == "GCPServiceAccount" and hop.dst not in done and hop.dst not in nxt:
                    nxt.append(hop.dst)
            frontier = nxt

    def _grant_hop(self, r: dict[str, Any]) -> Hop | None:
        src = self.g.nodes[r["sid"]]
        label = next(x for x in ("GCPServiceAccount", "GCPBucket", "GCPCloudSQLInstance") if x in r["labels"])
        at = where(r["at_labels"], r["at"])
        cond = condition_note(r) if r["conditional"] else ""
        if label == "GCPServiceAccount":
            if r["id"] == r["sid"] or r["disabled"]:
                return None
            at = r["name"] if r["at"] == r["id"] else at
            self.g.node(Node(r["id"], label, r["name"], r["labels"], r["account"]))
            return Hop(
                r["sid"],
                r["id"],
                ASSUME,
                f"{src.name} has {r['role']} on {at}{cond}: {IMPERSONATE[r['role']]}",
            )
        access = access_of(r["role"], label)
        if access is None:
            return None
        self.g.node(Node(r["id"], label, r["name"], r["labels"], r["account"]))
        kind = "bucket" if label == "GCPBucket" else "Cloud SQL instance"
        return Hop(
            r["sid"],
            r["id"],
            DATA_ACCESS,
            f"{src.name} has {r['role']} on {at}{cond}: {access} access to {kind} {r['name']}",
            access=access + (" (conditional)" if r["conditional"] else ""),
        )
