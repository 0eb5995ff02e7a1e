"""Cross-account S3 data hops: a role of one account → a bucket of another whose bucket policy admits it.

IAM's cross-account rule: both sides must allow — the role's identity policies (capped by its boundary and
its account's SCPs) *and* the bucket policy's statements whose ``Principal`` admits the role (its ARN, its
account's root or id, or ``*``; their Denies count too). The bucket account's RCPs then cap the request, with
the principal's organization known, so a perimeter RCP ("deny s3:* unless aws:PrincipalOrgID is ours")
removes the hop of a role outside the organization and leaves the others untouched. ``NotPrincipal``
statements, access points and object ACLs are not evaluated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from analysis.exposure.model import DATA_ACCESS, Hop, node_from
from analysis.privileges import effective_permissions
from analysis.privileges.aws_model import Reach
from analysis.privileges.globs import glob_covers
from analysis.privileges.guardrails import (
    GOVERNED,
    NOT_COLLECTED,
    RequestContext,
    is_service_linked,
    levels_for,
    read_accounts,
)
from graph import driver

if TYPE_CHECKING:
    from analysis.exposure.iam import Roles

BUCKETS = """
MATCH (a:AWSAccount)-[:RESOURCE]->(d:S3Bucket)
WHERE d.policy IS NOT NULL AND d.policy CONTAINS '"Allow"'
RETURN a.id AS account, d.id AS id, d.name AS name, labels(d) AS labels, d.arn AS arn, d.region AS region,
       d.policy AS policy
"""
CHECKS = (("write", "s3:PutObject"), ("read", "s3:GetObject"))


def admits(principal: Any, role: str, account: str) -> bool:
    if principal == "*":
        return True
    values = principal.get("AWS") if isinstance(principal, dict) else None
    values = [values] if isinstance(values, str) else list(values or [])
    return any(v in ("*", role, account, f"arn:aws:iam::{account}:root") for v in values)


def admitted(policy: dict[str, Any], role: str, account: str) -> dict[str, Any] | None:
    """The bucket policy's statements that apply to ``role`` (Principal dropped), or None without an Allow."""
    raw = policy.get("Statement", [])
    kept = [
        {k: v for k, v in s.items() if k not in ("Principal", "Sid")}
        for s in ([raw] if isinstance(raw, dict) else raw)
        if "Principal" in s and admits(s["Principal"], role, account)
    ]
    if not any(s.get("Effect") == "Allow" for s in kept):
        return None
    return {"Version": "2012-10-17", "Statement": kept}


def cross_account(roles: Roles, role_ids: list[str]) -> None:
    g = roles.g
    buckets = driver.read(BUCKETS)
    if not buckets:
        return
    # Index once: which buckets name an account (ARN, root or id) or admit "*" — roles × buckets would be
    # quadratic on large estates, and almost no pair is related.
    naming: dict[str, list[dict[str, Any]]] = {}
    for b in buckets:
        for who in _principals(roles.doc(b["policy"])):
            key = "*" if who == "*" else (who.split(":")[4] if who.startswith("arn:") else who)
            naming.setdefault(key, []).append(b)
    accounts = sorted({b["account"] for b in buckets} | {g.nodes[r].account or "" for r in role_ids})
    guard = read_accounts([a for a in accounts if a])
    for role in role_ids:
        account = g.nodes[role].account or ""
        if role not in roles.perms:
            continue
        seen: set[str] = set()
        for b in naming.get(account, []) + naming.get("*", []):
            if b["account"] == account or b["id"] in seen:
                continue  # same account: the identity policies alone decide (Roles._data)
            seen.add(b["id"])
            doc = admitted(roles.doc(b["policy"]), role, account)
            if doc is not None:
                _hop(roles, role, b, doc, guard)


def _principals(policy: dict[str, Any]) -> set[str]:
    raw = policy.get("Statement", [])
    out: set[str] = set()
    for s in [raw] if isinstance(raw, dict) else raw:
        principal = s.get("Principal")
        if principal == "*":
            out.add("*")
        elif isinstance(principal, dict):
            values = principal.get("AWS")
            out.update([values] if isinstance(values, str) else list(values or []))
    return out


def _context(role: str, account: str, bucket_account: str, guard: dict[str, Any]) -> RequestContext:
    mine, theirs = guard.get(account), guard.get(bucket_account)
    known = mine is not None and mine.status != NOT_COLLECTED
    return RequestContext(
        mine.org if mine else None,
        account,
        theirs.org if theirs else None,
        bucket_account,
        principal_arn=role,
        principal_org_known=known,
    )


def _hop(roles: Roles, role: str, b: dict[str, Any], doc: dict[str, Any], guard: dict[str, Any]) -> None:
    g, node = roles.g, roles.g.nodes[role]
    account = node.account or ""
    ctx = _context(role, account, b["account"], guard)
    theirs = guard.get(b["account"])
    levels: tuple[Any, ...] = ()
    if not is_service_linked(role):
        levels = levels_for(guard.get(account), "SCP", ctx)
        if theirs is not None and theirs.status == GOVERNED:  # never the management account's resources
            levels += levels_for(theirs, "RCP", ctx)
    identity = effective_permissions(
        [roles.doc(d) for _, d in roles.docs.get(role, [])], roles.boundary.get(role), scp_levels=levels
    )
    bucket_policy = effective_permissions([doc])
    objects = f"arn:aws:s3:::{b['id']}/*"
    for access, action in CHECKS:
        mine, reached = identity.reach(action, objects)
        theirs_decision, granted = bucket_policy.reach(action, objects)
        if mine is False or theirs_decision is False:
            if (
                theirs_decision is not False
                and levels
                and roles.perms[role].reach(action, objects)[0] is not False
            ):
                g.cleared[f"{role} -> {b['id']}"] = f"{action} blocked by the guardrails of {b['account']}"
            continue
        narrowed = _narrower(reached[0], granted[0])
        conditional = "conditional" in (mine, theirs_decision)
        cond = " (conditional)" if conditional else ""
        rcp = theirs.note("RCP") if theirs is not None and theirs.status == GOVERNED and theirs.rcps else ""
        g.node(node_from(b, "S3Bucket"))
        shown = (
            narrowed.narrowed[len(objects) - 1 :]
            if narrowed.narrowed.startswith(objects[:-1])
            else narrowed.narrowed
        )
        g.hop(
            Hop(
                role,
                b["id"],
                DATA_ACCESS,
                f"{node.name} may {action} on {narrowed.narrowed} across accounts: its policies "
                f"({roles.granting(role, action, objects)}) and the bucket policy of {b['name']} "
                f"(admits {node.name} from {account}) both allow{cond}" + (f"; within {rcp}" if rcp else ""),
                access=access + ("" if narrowed.narrowed == objects else f" on `{shown}`") + cond,
            )
        )
        return  # strongest access first; one edge per (role, bucket)


def _narrower(a: Reach, b: Reach) -> Reach:
    return b if glob_covers(a.narrowed, b.narrowed) else a


__all__ = ["admits", "admitted", "cross_account"]
