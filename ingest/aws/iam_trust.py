"""Role trust policies → the principals a role trusts (pure; used by ``iam_principals``).

Follows Cartography's model: every trusted principal is matched as ``AWSPrincipal {arn}`` —
AWS principals (users/roles by ARN, account roots as AWSRootPrincipal), ``Service`` principals
(AWSServicePrincipal, arn = the service name) and ``Federated`` principals (AWSFederatedPrincipal).
Two deliberate differences: ``*`` and principals of accounts we do not collect get nodes (Cartography drops
those edges, but they are exactly the risky ones), and only Allow statements create trust edges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from graph.schema.aws import iam as s
from graph.schema.model import NodeSchema
from ingest.aws.iam_common import account_of, as_list

_ACCOUNT_ID = re.compile(r"^\d{12}$")


@dataclass
class TrustedPrincipals:
    """Principal nodes to create, keyed by ARN (deduplicated across roles)."""

    roots: dict[str, dict[str, Any]] = field(default_factory=dict)  # arn → {arn, account_id}
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    federated: dict[str, dict[str, Any]] = field(default_factory=dict)
    others: dict[str, dict[str, Any]] = field(default_factory=dict)  # '*', other accounts' users/roles

    def node_rows(
        self, account: str, partition: str, in_snapshot: frozenset[str]
    ) -> dict[NodeSchema, list[dict]]:
        """Rows for the principal schemas; foreign AWSAccount rows only for accounts this snapshot lacks,
        so an in-scope account's ``inscope``/``foreign`` flags are never overwritten."""
        own_root = f"arn:{partition}:iam::{account}:root"
        foreign = {r["account_id"] for r in self.roots.values()} - {account}
        out: dict[NodeSchema, list[dict]] = {
            s.AWS_ROOT_PRINCIPAL: [{"id": own_root, "arn": own_root}],
            s.AWS_FOREIGN_ACCOUNT: [
                {"id": a, "inscope": False, "foreign": True} for a in sorted(foreign - in_snapshot)
            ],
            s.AWS_FOREIGN_ROOT_PRINCIPAL: [
                {**r, "id": r["arn"]} for r in self.roots.values() if r["account_id"] != account
            ],
            s.AWS_SERVICE_PRINCIPAL: [{**p, "id": p["arn"]} for p in self.services.values()],
            s.AWS_OTHER_PRINCIPAL: [{**p, "id": p["arn"]} for p in self.others.values()],
            s.AWS_FEDERATED_PRINCIPAL: [],
            s.AWS_FEDERATED_PRINCIPAL_GLOBAL: [],
        }
        for (
            p
        ) in self.federated.values():  # an account's own IdP is its; shared IdPs (cognito, google) are global
            out[s.AWS_FEDERATED_PRINCIPAL if p["owned"] else s.AWS_FEDERATED_PRINCIPAL_GLOBAL].append(
                {**p, "id": p["arn"]}
            )
        return out


def _entries(principal: Any) -> list[tuple[str, str]]:
    if principal == "*":  # "Principal": "*" is everyone, the same as {"AWS": "*"}
        return [("AWS", "*")]
    if not isinstance(principal, dict):
        return []
    return [
        (kind, value)
        for kind, values in principal.items()
        for value in as_list(values)
        if isinstance(value, str)
    ]


def trusted_arns(
    trust_policy: dict[str, Any], account: str, partition: str, found: TrustedPrincipals
) -> list[str]:
    """ARNs (match keys) of the principals the policy lets assume the role; records the nodes to create."""
    out: set[str] = set()
    for stmt in as_list(trust_policy.get("Statement")):
        if not isinstance(stmt, dict) or stmt.get("Effect") != "Allow":
            continue
        for kind, value in _entries(stmt.get("Principal")):
            if kind == "Service":
                found.services[value] = {"arn": value, "type": "Service"}
            elif kind == "Federated":
                found.federated[value] = {
                    "arn": value,
                    "type": "Federated",
                    "owned": account_of(value) == account,
                }
            elif kind == "AWS":
                if _ACCOUNT_ID.match(value):  # a bare account id means that account's root
                    value = f"arn:{partition}:iam::{value}:root"
                owner = account_of(value)
                if value.endswith(":root") and owner:
                    found.roots[value] = {"arn": value, "account_id": owner}
                elif value == "*" or (owner and owner != account):
                    found.others[value] = {"arn": value, "type": "AWS"}
                elif not owner:
                    continue  # a unique id (AROA…) left behind by a deleted principal: nothing to match
            else:
                continue  # CanonicalUser: S3-only, never in a role trust policy
            out.add(value)
    return sorted(out)
