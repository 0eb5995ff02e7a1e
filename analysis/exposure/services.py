"""Public endpoints of managed services, decided from their configuration alone (no VPC path):
Lambda function URLs with AuthType NONE; S3 buckets public by policy (Principal ``*`` Allow without a
Condition) or ACL (AllUsers / AuthenticatedUsers) and not blocked by the bucket's public access block
(block_public_policy / restrict_public_buckets for the policy, ignore_public_acls / block_public_acls for
the ACL); EKS API endpoints public to 0.0.0.0/0."""

from __future__ import annotations

import json
from typing import Any

from analysis.exposure.cartography_s3 import bucket_rows
from analysis.exposure.model import AttackGraph, node_from
from graph import driver

_OWNER = "OPTIONAL MATCH (acct:AWSAccount)-[:RESOURCE]->({v}) "
LAMBDAS = (
    """
MATCH (l:AWSLambda {function_url_auth_type: 'NONE'})
"""
    + _OWNER.format(v="l")
    + """
RETURN l.id AS id, coalesce(l.name, l.id) AS name, labels(l) AS labels, acct.id AS account, l.function_url
    AS url
"""
)
BUCKETS = (
    """
MATCH (b:S3Bucket) WHERE b.policy IS NOT NULL OR b.acl_grants_all_users OR b.acl_grants_authenticated_users
"""
    + _OWNER.format(v="b")
    + """
RETURN b.id AS id, b.name AS name, labels(b) AS labels, acct.id AS account, b.policy AS policy,
       b.acl_grants_all_users AS all_users, b.acl_grants_authenticated_users AS auth_users,
       b.block_public_policy AS bpp, b.restrict_public_buckets AS rpb, b.ignore_public_acls AS ipa,
       b.block_public_acls AS bpa
"""
)
EKS = (
    """
MATCH (e:EKSCluster {endpoint_public_access: true})
"""
    + _OWNER.format(v="e")
    + """
RETURN e.id AS id, e.name AS name, labels(e) AS labels, acct.id AS account, e.public_access_cidrs AS cidrs
"""
)


def compute(g: AttackGraph) -> None:
    for r in driver.read(LAMBDAS):
        g.expose(
            node_from(r, "AWSLambda"),
            "function-url",
            ["443/tcp"],
            f"function URL {r['url']} with AuthType NONE",
            weight=0.9,
        )
    for r in [*driver.read(BUCKETS), *bucket_rows()]:  # ours, then the buckets Cartography described
        _bucket(g, r)
    for r in driver.read(EKS):
        cidrs = r["cidrs"] or ["0.0.0.0/0"]  # AWS default when unset
        if "0.0.0.0/0" in cidrs:
            g.expose(
                node_from(r, "EKSCluster"),
                "eks-endpoint",
                ["443/tcp"],
                "EKS API endpoint public (endpointPublicAccess, publicAccessCidrs 0.0.0.0/0)",
                weight=0.6,
            )


def _public_policy(policy: str | None) -> str | None:
    """The first Allow statement for Principal * without a condition, as text; None if there is none.
    Any Condition counts as restricting (it usually names a VPC, IP range or org)."""
    if not policy:
        return None
    try:
        raw = json.loads(policy).get("Statement", [])
    except (ValueError, AttributeError):
        return None
    for st in [raw] if isinstance(raw, dict) else raw:
        principal = st.get("Principal")
        anyone = principal == "*" or (isinstance(principal, dict) and principal.get("AWS") in ("*", ["*"]))
        if str(st.get("Effect")).lower() == "allow" and anyone and not st.get("Condition"):
            return f"statement {st.get('Sid') or '(no Sid)'} allows {st.get('Action')} to Principal *"
    return None


def _bucket(g: AttackGraph, r: dict[str, Any]) -> None:
    reasons, kinds = [], []
    stmt = _public_policy(r["policy"])
    if stmt and not (r["bpp"] or r["rpb"]):
        reasons.append(f"bucket policy {stmt}; public access block does not restrict public policies")
        kinds.append("s3-policy")
    if (r["all_users"] or r["auth_users"]) and not (r["ipa"] or r["bpa"]):
        who = "AllUsers" if r["all_users"] else "AuthenticatedUsers"
        reasons.append(f"ACL grants {who}; public access block does not ignore public ACLs")
        kinds.append("s3-acl")
    if reasons:
        g.expose(node_from(r, "S3Bucket"), "+".join(kinds), ["443/tcp"], "; ".join(reasons))
