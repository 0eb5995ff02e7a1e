"""Role hops: role → roles it may assume (trust policy + the caller's sts:AssumeRole), and role → the
data stores of its account it may read or write (``EffectivePermissions.allows``: Allow/Deny, wildcards,
NotAction/NotResource, boundaries). Permissions are computed by ``analysis.privileges`` from the policy
documents this run stored, for the roles the internet reaches only."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from analysis.exposure.iam_cross import cross_account
from analysis.exposure.model import ASSUME, DATA_ACCESS, AttackGraph, Hop, node_from
from analysis.privileges import EffectivePermissions, assumable_by, effective_permissions, is_admin
from analysis.privileges.aws import batch_mode
from analysis.privileges.aws_model import Reach
from analysis.privileges.guardrails import (
    GOVERNED,
    AccountGuardrails,
    RequestContext,
    is_service_linked,
    levels_for,
    read_accounts,
)
from graph import driver
from graph.schema.labels import DATA_STORE_KINDS, data_store_labels

_ACCT = "OPTIONAL MATCH (acct:AWSAccount)-[:RESOURCE]->(r) "
_ROLE = "r.id AS id, r.name AS name, labels(r) AS labels, acct.id AS account"
ROLE_DOCS = """
UNWIND $ids AS rid
MATCH (r:AWSRole {id: rid})
CALL (r) { OPTIONAL MATCH (r)-[:POLICY]->(pol:AWSPolicy) RETURN collect([pol.name, pol.document]) AS docs }
OPTIONAL MATCH (b:AWSPolicy {id: r.permissions_boundary_arn})
RETURN rid, docs, b.document AS boundary
"""
# Only trust policies that can admit another AWS principal ("AWS" key or Principal "*"); service and
# federated trusts (the vast majority) are filtered out by the database.
TRUSTS = (
    "MATCH (r:AWSRole) WHERE r.trust_policy CONTAINS '\"AWS\"' OR r.trust_policy CONTAINS '\"*\"' "
    + _ACCT
    + f"RETURN {_ROLE}, r.trust_policy AS trust"
)
DATA_STORES = data_store_labels()  # primary labels; the query matches their kinds (schema extra labels)
STORES = f"""
UNWIND $accounts AS a
MATCH (:AWSAccount {{id: a}})-[:RESOURCE]->(d) WHERE {" OR ".join(f"d:{k}" for k in DATA_STORE_KINDS)}
RETURN a AS account, d.id AS id, coalesce(d.name, d.db_instance_identifier, d.id) AS name, labels(d) AS
    labels,
       d.arn AS arn, d.region AS region, d.dbi_resource_id AS dbi, d.iam_database_authentication_enabled AS
           iam_auth
"""


class Roles:
    def __init__(self, g: AttackGraph) -> None:
        self.g = g
        self.perms: dict[str, EffectivePermissions] = {}
        self.docs: dict[str, list[tuple[str, str]]] = {}
        # One parsed object per distinct document, shared by every role using it: the engine memoises
        # on object identity (see analysis.privileges.aws_policy), so shared policies are parsed once.
        self._parsed: dict[str, Any] = {}
        self._alone: dict[str, EffectivePermissions] = {}
        self._has: dict[tuple[str, str], bool] = {}
        self.guardrails: dict[str, AccountGuardrails] = {}
        self.boundary: dict[str, Any] = {}  # role -> its parsed permissions boundary

    def doc(self, text: str) -> Any:
        if text not in self._parsed:
            self._parsed[text] = json.loads(text)
        return self._parsed[text]

    def _levels(self, role: str) -> tuple:
        """SCP levels of the role's account, then RCP levels (its data stores are in the same account,
        so the same organization's RCPs cap them); none for service-linked roles."""
        account = self.g.nodes[role].account or ""
        if account not in self.guardrails:
            self.guardrails.update(read_accounts([account]))
        g = self.guardrails.get(account)
        if g is None or is_service_linked(role):
            return ()
        ctx = RequestContext(g.org, account, g.org, account, principal_arn=role)
        return levels_for(g, "SCP", ctx) + levels_for(g, "RCP", ctx)

    def guardrail_note(self, role: str) -> str:
        g = self.guardrails.get(self.g.nodes[role].account or "")
        if g is None or g.status != GOVERNED or is_service_linked(role):
            return ""
        return "; ".join(x for x in (g.note("SCP"), g.note("RCP") if g.rcps else "") if x)

    def _load_perms(self, ids: list[str]) -> None:
        todo = [i for i in ids if i not in self.perms]
        with batch_mode():
            for r in driver.read(ROLE_DOCS, {"ids": todo}) if todo else []:
                docs = [(n or "?", d) for n, d in r["docs"] if d]
                self.docs[r["rid"]] = docs
                if r["boundary"]:
                    self.boundary[r["rid"]] = self.doc(r["boundary"])
                self.perms[r["rid"]] = effective_permissions(
                    [self.doc(d) for _, d in docs],
                    self.boundary.get(r["rid"]),
                    scp_levels=self._levels(r["rid"]),
                )
                node = self.g.nodes[r["rid"]]
                node.props["admin"] = is_admin(self.perms[r["rid"]], r["rid"])
                g = self.guardrails.get(node.account or "")
                if is_service_linked(r["rid"]):
                    node.props["guardrails"] = "service-linked role: exempt from SCPs and RCPs"
                elif g is not None:
                    node.props["guardrails"] = g.note()

    def granting(self, role: str, action: str, resource: str) -> str:
        names = []
        for n, d in self.docs.get(role, []):
            if d not in self._alone:
                self._alone[d] = effective_permissions([self.doc(d)])
            if self._alone[d].reach(action, resource)[0] is not False:
                names.append(n)
        return f"policy {', '.join(names)}" if names else "combined policies"

    def compute(self) -> None:
        g = self.g
        frontier = [n.id for n in g.nodes.values() if n.label == "AWSRole"]
        trusts: dict[str, list[tuple[str, Any, dict[str, Any]]]] | None = None
        seen = set(frontier)
        while frontier:  # assume-role closure, breadth first; each role expanded once
            self._load_perms(frontier)
            if trusts is None:
                trusts = defaultdict(list)
                for r in driver.read(TRUSTS):
                    for p in assumable_by(r["trust"]):
                        if p.kind == "AWS":
                            trusts[p.id].append((r["id"], p, r))
            nxt = []
            for caller in frontier:
                acct = g.nodes[caller].account or ""
                for key in (caller, f"arn:aws:iam::{acct}:root", "*"):
                    for target, p, row in trusts.get(key, []):
                        if target == caller:
                            continue
                        named_same = key == caller and row["account"] == acct
                        decision = True if named_same else self.perms[caller].allows("sts:AssumeRole", target)
                        if decision is False:
                            continue
                        g.node(node_from(row, "AWSRole"))
                        cond = " (conditional)" if p.condition or decision == "conditional" else ""
                        g.hop(
                            Hop(
                                caller,
                                target,
                                ASSUME,
                                f"trust policy of {row['name']} admits "
                                f"{'this role' if key == caller else key}"
                                + ("" if named_same else "; caller's policies allow sts:AssumeRole")
                                + cond,
                            )
                        )
                        if target not in seen:
                            seen.add(target)
                            nxt.append(target)
            frontier = nxt
        self._data(sorted(seen))

    def _data(self, roles: list[str]) -> None:
        g = self.g
        accounts = sorted({a for r in roles if (a := g.nodes[r].account)})
        stores = driver.read(STORES, {"accounts": accounts}) if accounts else []
        by_acct: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for s in stores:
            by_acct[s["account"]].append(s)
        for role in roles:
            perms, node = self.perms.get(role), g.nodes[role]
            if perms is None:
                continue
            for s in by_acct.get(node.account or "", []):
                for access, action, target, what in _checks(s):
                    # Most roles grant no such action at all: one lookup per (role, action), not per store.
                    if (role, action) not in self._has:
                        self._has[role, action] = bool(perms.matching(action))
                    if not self._has[role, action]:
                        continue
                    decision, reached = perms.reach(action, target)
                    if decision is False:
                        continue
                    label = next(x for x in DATA_STORES if x in s["labels"])
                    g.node(node_from(s, label))
                    cond = " (conditional)" if decision == "conditional" else ""
                    scope = narrowing(reached[0], target, what)
                    guard = self.guardrail_note(role)
                    g.hop(
                        Hop(
                            role,
                            s["id"],
                            DATA_ACCESS,
                            f"{node.name} may {action} on {reached[0].narrowed}"
                            + _granted_on(reached[0])
                            + f" ({self.granting(role, action, target)}){cond}"
                            + (f"; within {guard}" if guard else ""),
                            # "read on `exports/*` (conditional)": path_score reads the first word.
                            access=access + scope + cond,
                        )
                    )
                    break  # strongest access first; one edge per (role, store)
        cross_account(self, roles)


def _checks(s: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(access, action, target resource set, what a narrowed grant reaches) per store, strongest first.

    The target is the set of resources the action acts on (every object of a bucket, every database
    user of an instance); a grant on any part of it is access, narrowed (see ``narrowing``).
    """
    if "S3Bucket" in s["labels"]:
        objects = f"arn:aws:s3:::{s['id']}/*"
        return [("write", "s3:PutObject", objects, "objects"), ("read", "s3:GetObject", objects, "objects")]
    if "SecretsManagerSecret" in s["labels"]:
        # The ARN as list-secrets prints it, random 6-character suffix included: a grant on
        # ``secret:prod/db-??????`` or ``secret:prod/*`` matches it, one on ``secret:prod/db`` does not.
        return [
            ("write", "secretsmanager:PutSecretValue", s["id"], "secret"),
            ("read", "secretsmanager:GetSecretValue", s["id"], "secret"),
        ]
    out = [("admin", "rds:ModifyDBInstance", s["id"], "instance")]  # can reset the master password
    if s["iam_auth"] and s["dbi"]:
        acct = s["id"].split(":")[4]
        users = f"arn:aws:rds-db:{s['region']}:{acct}:dbuser:{s['dbi']}/*"
        out.append(("read", "rds-db:connect", users, "dbuser"))
    return out


def _granted_on(reach: Reach) -> str:
    # A secret's grant is a name pattern ("secret:prod/*"): name it beside the secret it matched.
    grant = reach.entry.resource
    return "" if grant in (reach.narrowed, "*") else f" (grant on {grant})"


def narrowing(reach: Reach, target: str, what: str) -> str:
    """ " on `exports/*`", " as `app_user`": the part of the store a grant reaches, "" when all of it."""
    if reach.narrowed == target and not reach.exceptions:
        return ""
    base = target[:-1] if target.endswith("*") else target
    shown = reach.narrowed[len(base) :] if reach.narrowed.startswith(base) else reach.narrowed
    text = f" as `{shown}`" if what == "dbuser" else f" on `{shown}`"
    if reach.exceptions:
        cut = [x[len(base) :] if x.startswith(base) else x for x in reach.exceptions]
        text += " except " + ", ".join(f"`{x}`" for x in cut)
    return text
