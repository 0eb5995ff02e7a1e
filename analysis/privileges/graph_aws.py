"""AWS effective permissions of every user, group and role of some accounts, read from the graph.

Reads what ``ingest/aws/iam_*`` stored — ``AWSPolicy.document`` (canonical JSON of the default
version / inline document), ``POLICY`` and ``MEMBER_AWS_GROUP`` edges, ``permissions_boundary_arn``
and ``AWSRole.trust_policy`` — with two queries per account (principals, then the distinct documents
they reference), never one per principal. Each document is parsed into one dict shared by every
principal that uses it, so the engine's identity-keyed memo tables are hit (see ``aws_policy``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from analysis.privileges import store
from analysis.privileges.aws import batch_mode, effective_permissions
from analysis.privileges.aws_model import EffectivePermissions
from analysis.privileges.aws_policy import PolicyDocument, document_hash
from analysis.privileges.aws_trust import Principal, assumable_by, transitive_assume
from analysis.privileges.cartography_aws import policy_documents, trust_documents
from analysis.privileges.escalation import escalation_paths, is_admin
from analysis.privileges.guardrails import RequestContext, is_service_linked, levels_for, read_accounts
from analysis.privileges.provenance import aws_source
from analysis.privileges.records import PrincipalRecord, compact_json
from graph import driver

_KIND = {"AWSUser": "aws-user", "AWSGroup": "aws-group", "AWSRole": "aws-role"}

PRINCIPALS = """
MATCH (:AWSAccount {id: $account})-[:RESOURCE]->(p:AWSPrincipal)
WHERE p:AWSUser OR p:AWSGroup OR p:AWSRole
CALL (p) { OPTIONAL MATCH (p)-[:POLICY]->(pol:AWSPolicy) RETURN collect(pol.id) AS policy_ids }
CALL (p) { OPTIONAL MATCH (p)-[:MEMBER_AWS_GROUP]->(g:AWSGroup) RETURN collect(g.id) AS group_ids }
RETURN p.id AS id, p.name AS name,
       CASE WHEN p:AWSUser THEN 'AWSUser' WHEN p:AWSGroup THEN 'AWSGroup' ELSE 'AWSRole' END AS label,
       policy_ids, group_ids, p.permissions_boundary_arn AS boundary, p.trust_policy AS trust
"""
# Documents of the account's principals' policies and boundaries, each once (AWS-managed ones are
# shared nodes without an owner, so they are reached through the edges, not through RESOURCE).
DOCUMENTS = """
MATCH (:AWSAccount {id: $account})-[:RESOURCE]->(p:AWSPrincipal)
      -[:POLICY|PERMISSIONS_BOUNDARY]->(pol:AWSPolicy)
WITH DISTINCT pol
RETURN pol.id AS id, pol.name AS name, pol.document AS document
"""


@dataclass
class _Principal:
    arn: str
    name: str
    label: str
    account: str
    policies: list[PolicyDocument]
    group_policies: list[PolicyDocument]
    boundary: PolicyDocument | None
    trust: PolicyDocument | None
    sources: list[dict[str, str]]  # provenance: which policy, attached / inline / via which group


def read_account(account: str) -> list[_Principal]:
    """Every user, group and role of ``account`` with its documents resolved (two queries)."""
    docs: dict[str, PolicyDocument] = {}
    names: dict[str, str | None] = {}
    without: list[str] = []  # policies without a document: Cartography's statement nodes, if any
    for row in driver.read(DOCUMENTS, {"account": account}):
        names[row["id"]] = row["name"]
        if row["document"]:
            docs[row["id"]] = json.loads(row["document"])
        else:
            without.append(row["id"])
    docs.update(policy_documents(without))
    rows = driver.read(PRINCIPALS, {"account": account})
    trusts = trust_documents([r["id"] for r in rows if r["label"] == "AWSRole" and not r["trust"]])

    def via_self(pid: str) -> str:
        return "inline" if "/inline_policy/" in pid else "attached"

    def sources(r: dict[str, Any]) -> list[dict[str, str]]:
        own = [
            aws_source(p, names.get(p), docs[p], via_self(p)) for p in sorted(r["policy_ids"]) if p in docs
        ]
        return own + [
            aws_source(p, names.get(p), docs[p], f"via group {g.rsplit('/', 1)[-1]}")
            for g in sorted(r["group_ids"])
            for p in sorted(group_ids.get(g, []))
            if p in docs
        ]

    group_ids = {r["id"]: r["policy_ids"] for r in rows if r["label"] == "AWSGroup"}
    group_docs = {
        r["id"]: [docs[p] for p in r["policy_ids"] if p in docs] for r in rows if r["label"] == "AWSGroup"
    }
    out = []
    for r in rows:
        boundary = r["boundary"]
        out.append(
            _Principal(
                arn=r["id"],
                name=r["name"] or r["id"],
                label=r["label"],
                account=account,
                policies=[docs[p] for p in sorted(r["policy_ids"]) if p in docs],
                group_policies=[d for g in sorted(r["group_ids"]) for d in group_docs.get(g, [])],
                # A boundary whose document is missing is treated as absent (noted in docs/privileges.md).
                boundary=docs.get(boundary) if boundary else None,
                trust=json.loads(r["trust"]) if r["trust"] else trusts.get(r["id"]),
                sources=sources(r),
            )
        )
    return out


def _trust_graph(principals: Iterable[_Principal]) -> dict[str, list[Principal]]:
    return {p.arn: assumable_by(p.trust) for p in principals if p.label == "AWSRole" and p.trust}


def compute_accounts(accounts: Iterable[str]) -> list[PrincipalRecord]:
    """Records for every principal of ``accounts``; role assumption is resolved across all of them."""
    accounts = list(accounts)
    principals = [p for account in accounts for p in read_account(account)]
    guardrails = read_accounts(accounts)
    _save_documents(principals)
    perms: dict[str, EffectivePermissions] = {}
    notes: dict[str, str] = {}
    with batch_mode():
        for p in principals:
            g = guardrails.get(p.account)
            slr = p.label == "AWSRole" and is_service_linked(p.arn)
            notes[p.arn] = "service-linked role: exempt from SCPs" if slr else (g.note() if g else "")
            ctx = RequestContext(g.org if g else None, p.account, principal_arn=p.arn)
            scps = () if slr else levels_for(g, "SCP", ctx)
            perms[p.arn] = effective_permissions(p.policies, p.boundary, p.group_policies, scps)
        # Groups cannot call sts:AssumeRole themselves; their members carry the group's grants.
        callers = {p.arn: perms[p.arn] for p in principals if p.label != "AWSGroup"}
        reach = transitive_assume(_trust_graph(principals), callers)
        records = []
        for p in principals:
            ep = perms[p.arn]
            admin = is_admin(ep, p.arn)
            escalations = [] if admin else [f.name for f in escalation_paths(ep, p.arn)]
            records.append(
                PrincipalRecord(
                    principal_id=p.arn,
                    name=p.name,
                    kind=_KIND[p.label],
                    scope=p.account,
                    sha256=ep.sha256,
                    entries=compact_json(ep.to_compact()),
                    admin=admin,
                    escalations=tuple(escalations),
                    assumable_roles=tuple(sorted(reach.get(p.arn, ()))) if p.label != "AWSGroup" else (),
                    node_label=p.label,
                    node_id=p.arn,
                    guardrails=notes[p.arn],
                    sources=compact_json(p.sources),
                )
            )
    return records


def _save_documents(principals: list[_Principal]) -> None:
    """Each distinct policy document once by content hash, so provenance can re-evaluate it later."""
    docs = {}
    for p in principals:
        for doc in (*p.policies, *p.group_policies):
            docs.setdefault(document_hash(doc), doc)
    store.save_documents({sha: compact_json(d) for sha, d in docs.items()})


def last_accessed(principal_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """``services_last_accessed`` reports (parsed) of the given principals that have one."""
    rows = driver.read(
        "UNWIND $ids AS id MATCH (p:AWSPrincipal {id: id}) WHERE p.services_last_accessed IS NOT NULL "
        "RETURN p.id AS id, p.services_last_accessed AS report",
        {"ids": principal_ids},
    )
    return {r["id"]: json.loads(r["report"]) for r in rows}
