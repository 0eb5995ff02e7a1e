"""Cartography's IAM model read as the policy documents the engine takes (graph_aws.py calls this).

Cartography 0.143 keeps no policy JSON: each ``AWSPolicy`` has ``(pol)-[:STATEMENT]->(:AWSPolicyStatement
{effect, action, notaction, resource, notresource, condition, sid})`` with the list fields as lists and
``condition`` as the JSON of a one-element list; a role's trust policy is only its ``TRUSTS_AWS_PRINCIPAL``
edges (no conditions, no Principal ``*``). Both are rebuilt here into documents of the AWS JSON shape, so the
one engine evaluates them; what Cartography dropped (trust conditions) stays dropped — docs/cartography.md.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from graph import driver

STATEMENTS = """
UNWIND $ids AS pid
MATCH (pol:AWSPolicy {id: pid})-[:STATEMENT]->(s:AWSPolicyStatement)
RETURN pol.id AS policy, s {.id, .effect, .action, .notaction, .resource, .notresource, .condition, .sid} AS s
ORDER BY policy, s.id
"""
TRUSTS = """
UNWIND $ids AS rid
MATCH (r:AWSRole {id: rid})-[:TRUSTS_AWS_PRINCIPAL]->(p)
RETURN r.id AS role, coalesce(p.arn, p.id) AS principal
"""
_KEYS = (
    ("effect", "Effect"),
    ("action", "Action"),
    ("notaction", "NotAction"),
    ("resource", "Resource"),
    ("notresource", "NotResource"),
    ("sid", "Sid"),
)


def _condition(raw: Any) -> dict[str, Any] | None:
    if not raw:
        return None
    value = json.loads(raw) if isinstance(raw, str) else raw
    if isinstance(value, list):  # Cartography wraps the Condition block in a list
        merged: dict[str, Any] = {}
        for block in value:
            for op, kv in (block or {}).items():
                merged.setdefault(op, {}).update(kv)
        return merged or None
    return value


def policy_documents(policy_ids: list[str]) -> dict[str, dict[str, Any]]:
    """{policy id: {"Version", "Statement": [...]}} for the policies that have statement nodes."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in driver.read(STATEMENTS, {"ids": policy_ids}) if policy_ids else []:
        s = row["s"]
        st = {doc: s[key] for key, doc in _KEYS if s.get(key) is not None}
        condition = _condition(s.get("condition"))
        if condition:
            st["Condition"] = condition
        out[row["policy"]].append(st)
    return {pid: {"Version": "2012-10-17", "Statement": sts} for pid, sts in out.items()}


def trust_documents(role_ids: list[str]) -> dict[str, dict[str, Any]]:
    """{role arn: trust policy} from TRUSTS_AWS_PRINCIPAL edges: one Allow sts:AssumeRole per kind."""
    by_role: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in driver.read(TRUSTS, {"ids": role_ids}) if role_ids else []:
        p = str(row["principal"])
        kind = (
            "Service"
            if p.endswith(".amazonaws.com")
            else "Federated"
            if ":saml-provider/" in p or (":oidc-provider/" in p)
            else "AWS"
        )
        by_role[row["role"]][kind].append(p)
    return {
        role: {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {k: sorted(v) for k, v in kinds.items()},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        for role, kinds in by_role.items()
    }
