"""AWS Organizations guardrails of an account: the SCP and RCP levels that cap what its principals get.

Read from what ``ingest/aws/organizations`` stored. For one account the levels are, in order, the root,
each OU down to the account's parent, and the account itself; one level allows what any policy attached
to it allows, and a request must be allowed at every level (AWS's SCP evaluation). Denies of any
level apply. Exempt: the management account (SCPs and RCPs never apply to it) and service-linked roles
(``role/aws-service-role/``); see ``for_principal``.

The status says why nothing applies when nothing does, so "no SCP" is never silently assumed:

* ``not collected`` — no organization is in the graph: identity policies alone;
* ``not a member`` — organizations were collected but this account is in none of them;
* ``management account`` — exempt from SCPs and RCPs;
* ``incomplete`` — a policy document or a level of the tree was not collected: identity policies alone
  (guessing the missing level would either invent or remove access);
* ``governed`` — the levels apply.

Deny conditions on keys known for the principal and the resource (``aws:PrincipalArn``,
``aws:PrincipalOrgID``, ``aws:PrincipalAccount``, ``aws:ResourceOrgID``, ``aws:ResourceAccount``,
``aws:PrincipalIsAWSService``) are decided here: "deny the root user" or "deny principals outside the
organization" then cut exactly who they cut. Any other key leaves the Deny conditional.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from analysis.privileges.aws import level_statements
from analysis.privileges.aws_policy import Statement
from analysis.privileges.globs import glob_matches
from graph import driver

NOT_COLLECTED = "not collected"
NOT_A_MEMBER = "not a member"
MANAGEMENT = "management account"
INCOMPLETE = "incomplete"
GOVERNED = "governed"

ACCOUNTS = """
UNWIND $accounts AS a
OPTIONAL MATCH (acct:AWSAccount {id: a})
OPTIONAL MATCH (org:AWSOrganization {id: acct.org_id})
OPTIONAL MATCH (start) WHERE (start:AWSOrganizationalUnit OR start:AWSOrganizationRoot)
                        AND start.id = acct.org_parent_id
OPTIONAL MATCH chain = (start)-[:PARENT*0..10]->(:AWSOrganizationRoot)
RETURN a AS account, org.id AS org, org.management_account_id AS management,
       coalesce(org.scp_enabled, false) AS scp, coalesce(org.rcp_enabled, false) AS rcp,
       acct.org_parent_id AS parent,
       [n IN coalesce(nodes(chain), []) | [n.id, coalesce(n.name, n.id)]] AS chain
"""
POLICIES = """
UNWIND $targets AS t
MATCH (p:AWSOrganizationsPolicy)-[:APPLIES_TO]->(n)
WHERE n.id = t AND (n:AWSOrganizationRoot OR n:AWSOrganizationalUnit OR n:AWSAccount)
RETURN t AS target, p.type AS type, p.name AS name, p.document AS document
ORDER BY t, p.name
"""
ANY_ORG = "MATCH (o:AWSOrganization) RETURN count(o) > 0 AS any"


@dataclass(frozen=True)
class Level:
    target: str  # "root r-…", "OU Production", "account 111…"
    policies: tuple[tuple[str, dict[str, Any]], ...]  # (name, document)


@dataclass
class AccountGuardrails:
    account: str
    status: str
    org: str | None = None
    detail: str = ""
    scps: list[Level] = field(default_factory=list)
    rcps: list[Level] = field(default_factory=list)

    def note(self, kind: str = "SCP") -> str:
        """One line for the output: which guardrails decided, or why none did."""
        if self.status == MANAGEMENT:
            return f"management account of {self.org}: exempt from SCPs and RCPs"
        if self.status != GOVERNED:
            tail = f" ({self.detail})" if self.detail else ""
            return f"organizations {self.status}{tail}: identity policies alone"
        levels = self.scps if kind == "SCP" else self.rcps
        named = [f"{name} ({lv.target})" for lv in levels for name, _ in lv.policies]
        return f"{kind}s of {self.org}: " + (", ".join(named) if named else "none attached")


def read_accounts(accounts: list[str]) -> dict[str, AccountGuardrails]:
    """The guardrails of each account (three queries for any number of accounts)."""
    if not accounts:
        return {}
    any_org = driver.read(ANY_ORG)[0]["any"]
    rows = driver.read(ACCOUNTS, {"accounts": accounts})
    targets = {t for r in rows for t, _ in r["chain"]} | set(accounts)
    attached: dict[str, list[tuple[str, str, str | None]]] = {}
    for p in driver.read(POLICIES, {"targets": sorted(targets)}):
        attached.setdefault(p["target"], []).append((p["type"], p["name"] or "?", p["document"]))
    out: dict[str, AccountGuardrails] = {}
    for r in rows:
        a = r["account"]
        if r["org"] is None:
            out[a] = AccountGuardrails(a, NOT_A_MEMBER if any_org else NOT_COLLECTED)
            continue
        g = AccountGuardrails(a, GOVERNED, r["org"])
        out[a] = g
        if a == r["management"]:
            g.status = MANAGEMENT
            continue
        chain = list(reversed(r["chain"]))  # root first
        if not chain or chain[-1][0] != r["parent"]:
            g.status, g.detail = INCOMPLETE, f"the path from {r['parent']} to the root was not collected"
            continue
        levels = [(tid, f"{'root' if i == 0 else 'OU'} {name}") for i, (tid, name) in enumerate(chain)]
        levels.append((a, f"account {a}"))
        for kind, enabled, into in (
            ("SERVICE_CONTROL_POLICY", r["scp"], g.scps),
            ("RESOURCE_CONTROL_POLICY", r["rcp"], g.rcps),
        ):
            if not enabled:
                continue
            for tid, label in levels:
                docs = [(n, d) for t, n, d in attached.get(tid, []) if t == kind]
                missing = [n for n, d in docs if d is None]
                if g.status == INCOMPLETE:
                    break  # the first gap found is the one named
                if missing:
                    g.status, g.detail = INCOMPLETE, f"document of {', '.join(missing)} not collected"
                elif not docs:
                    # AWS keeps at least one policy of an enabled type on every target (FullAWSAccess /
                    # RCPFullAWSAccess): none here means its policies were not collected, not "allow nothing".
                    g.status, g.detail = INCOMPLETE, f"no {kind} of {label} collected"
                into.append(Level(label, tuple((n, json.loads(d)) for n, d in docs if d is not None)))
        if g.status == INCOMPLETE:
            g.scps, g.rcps = [], []
    return out


def is_service_linked(role_arn: str) -> bool:
    return ":role/aws-service-role/" in role_arn


@dataclass(frozen=True)
class RequestContext:
    """The organization facts known for a (principal, resource) pair, used to decide Deny conditions."""

    principal_org: str | None
    principal_account: str
    resource_org: str | None = None
    resource_account: str | None = None
    principal_arn: str | None = None
    # False when the principal's account's organizations were not collected: its org is unknown, not absent.
    principal_org_known: bool = True

    def value(self, key: str) -> str | None | bool:
        return {
            "aws:principalarn": self.principal_arn if self.principal_arn is not None else False,
            "aws:principalorgid": self.principal_org if self.principal_org_known else False,
            "aws:principalaccount": self.principal_account,
            "aws:resourceorgid": self.resource_org,
            "aws:resourceaccount": self.resource_account,
            "aws:principalisawsservice": "false",
        }.get(key.lower(), False)  # False: a key we cannot know


def levels_for(
    g: AccountGuardrails | None, kind: str, ctx: RequestContext
) -> tuple[tuple[Statement, ...], ...]:
    """The ``scp_levels`` argument of ``effective_permissions`` for one principal (or resource, RCPs)."""
    if g is None or g.status != GOVERNED:
        return ()
    levels = g.scps if kind == "SCP" else g.rcps
    return tuple(level_statements([_resolved(doc, ctx) for _, doc in lv.policies]) for lv in levels)


# (id(doc), context) -> (doc, resolved): one resolved object per distinct outcome, so the engine's
# identity-keyed memo tables are shared by every principal the outcome is the same for. A document
# that never tests aws:PrincipalArn resolves the same for every principal of an account.
_RESOLVED: dict[tuple[int, RequestContext], tuple[dict[str, Any], dict[str, Any]]] = {}
_NAMES_ARN: dict[int, tuple[dict[str, Any], bool]] = {}


def _resolved(doc: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    names = _NAMES_ARN.get(id(doc))
    if names is None or names[0] is not doc:
        names = (doc, "aws:principalarn" in json.dumps(doc).lower())
        _NAMES_ARN[id(doc)] = names
    if not names[1]:
        ctx = replace(ctx, principal_arn=None)
    hit = _RESOLVED.get((id(doc), ctx))
    if hit is None or hit[0] is not doc:
        if len(_RESOLVED) > 200_000:
            _RESOLVED.clear()
        hit = (doc, resolve(doc, ctx))
        _RESOLVED[(id(doc), ctx)] = hit
    return hit[1]


def resolve(doc: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    """The document with each Deny's condition decided where every key is an organization key we know:
    a false condition drops the Deny, a true one makes it unconditional; anything else is kept."""
    out = []
    raw = doc.get("Statement", [])
    for s in [raw] if isinstance(raw, dict) else raw:
        cond = s.get("Condition")
        if s.get("Effect") == "Deny" and isinstance(cond, dict):
            decided = _decide(cond, ctx)
            if decided is False:
                continue
            if decided is True:
                s = {k: v for k, v in s.items() if k != "Condition"}
        out.append(s)
    return {**doc, "Statement": out}


def _decide(cond: dict[str, Any], ctx: RequestContext) -> bool | None:
    """All blocks must hold (AND); None when any key is unknown or an operator is not handled."""
    result = True
    for op, block in cond.items():
        if not isinstance(block, dict):
            return None
        for key, expected in block.items():
            actual = ctx.value(key)
            if actual is False:
                return None
            one = _operator(op, actual, expected if isinstance(expected, list) else [expected])
            if one is None:
                return None
            result = result and one
    return result


def _operator(op: str, actual: str | None, expected: list[Any]) -> bool | None:
    name, if_exists = (op[: -len("IfExists")], True) if op.endswith("IfExists") else (op, False)
    if actual is None:  # key absent from the request context
        return True if if_exists else name.startswith(("StringNot", "ArnNot"))
    values = [str(v) for v in expected]
    if name in ("StringEquals", "ArnEquals"):
        return actual in values
    if name in ("StringNotEquals", "ArnNotEquals"):
        return actual not in values
    if name in ("StringLike", "ArnLike"):
        return any(glob_matches(v, actual) for v in values)
    if name in ("StringNotLike", "ArnNotLike"):
        return not any(glob_matches(v, actual) for v in values)
    if name == "StringEqualsIgnoreCase":
        return actual.lower() in {v.lower() for v in values}
    if name == "Bool":
        return actual.lower() in {v.lower() for v in values}
    return None
