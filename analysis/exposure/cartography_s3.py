"""Cartography's S3 model read as the bucket rows services.py evaluates (services.compute calls this).

Cartography 0.143 keeps no policy JSON and no ACL flags on the bucket: the policy is
``(b)-[:POLICY_STATEMENT]->(:AWSS3PolicyStatement {sid, effect, action, principal (JSON), condition (JSON)})``
and each grant is ``(:AWSS3Acl {type, uri, permission})-[:APPLIES_TO]->(b)``. Only buckets our own ingest
did not describe (no ``policy`` and no ``acl_grants_*``) are read here, so a bucket is never counted twice.
"""

from __future__ import annotations

import json
from typing import Any

from graph import driver

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
BUCKETS = """
MATCH (b:S3Bucket)
WHERE b.policy IS NULL AND b.acl_grants_all_users IS NULL AND b.acl_grants_authenticated_users IS NULL
  AND (EXISTS { (b)-[:POLICY_STATEMENT]->(:AWSS3PolicyStatement) }
       OR EXISTS { (:AWSS3Acl)-[:APPLIES_TO]->(b) })
CALL (b) { OPTIONAL MATCH (b)-[:POLICY_STATEMENT]->(s:AWSS3PolicyStatement)
           RETURN collect(s {.sid, .effect, .action, .principal, .condition}) AS statements }
CALL (b) { OPTIONAL MATCH (g:AWSS3Acl)-[:APPLIES_TO]->(b) RETURN collect(g.uri) AS grantees }
OPTIONAL MATCH (acct:AWSAccount)-[:RESOURCE]->(b)
RETURN b.id AS id, b.name AS name, labels(b) AS labels, acct.id AS account, statements, grantees,
       b.block_public_policy AS bpp, b.restrict_public_buckets AS rpb, b.ignore_public_acls AS ipa,
       b.block_public_acls AS bpa
"""


def _json(raw: Any) -> Any:
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


def _policy(statements: list[dict[str, Any]]) -> str | None:
    """The statements as the policy JSON our ingest stores (what services._public_policy parses)."""
    if not statements:
        return None
    doc = []
    for s in statements:
        st = {"Sid": s.get("sid"), "Effect": s.get("effect"), "Action": s.get("action")}
        st["Principal"] = _json(s.get("principal"))
        if s.get("condition"):
            st["Condition"] = _json(s["condition"])
        doc.append(st)
    return json.dumps({"Statement": doc})


def bucket_rows() -> list[dict[str, Any]]:
    """Rows shaped like services.BUCKETS' for the buckets Cartography described."""
    out = []
    for r in driver.read(BUCKETS):
        grantees = set(r["grantees"])
        out.append(
            {
                **{k: r[k] for k in ("id", "name", "labels", "account", "bpp", "rpb", "ipa", "bpa")},
                "policy": _policy(r["statements"]),
                "all_users": ALL_USERS in grantees,
                "auth_users": AUTHENTICATED_USERS in grantees,
            }
        )
    return out
