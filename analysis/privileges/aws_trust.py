"""Who may assume a role (its trust policy), and who reaches which roles through chains of assumes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx

from analysis.privileges.aws_actions import atom_covers, atoms_for_pattern
from analysis.privileges.aws_policy import PolicyDocument, load_document
from analysis.privileges.globs import canonical_json

if TYPE_CHECKING:
    from analysis.privileges.aws_model import EffectivePermissions

ASSUME_ACTIONS = ("sts:assumerole", "sts:assumerolewithwebidentity", "sts:assumerolewithsaml")
_ACCOUNT = re.compile(r"^\d{12}$")
_ARN_ACCOUNT = re.compile(r"^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):")


@dataclass(frozen=True, order=True)
class Principal:
    """One trusted party: ``kind`` is AWS, Service, Federated or CanonicalUser; ``id`` is the ARN,
    ``arn:aws:iam::<account>:root`` for a whole account, a service / IdP name, or ``*``."""

    kind: str
    id: str
    actions: tuple[str, ...] = ()
    condition: str | None = None
    deny_conditions: tuple[str, ...] = field(default=())

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def account(self) -> str | None:
        match = _ARN_ACCOUNT.match(self.id)
        return match.group(1) if match else None

    @property
    def is_account_root(self) -> bool:
        return self.kind == "AWS" and self.id.endswith(":root")

    @property
    def is_anyone(self) -> bool:
        """``*``: any principal in any account (unless a condition narrows it)."""
        return self.id == "*"


def _normalise_aws(value: str) -> str:
    value = value.strip()
    if _ACCOUNT.match(value):
        return f"arn:aws:iam::{value}:root"
    return value


def _principals(raw: Any) -> list[tuple[str, str]]:
    if raw == "*":
        return [("AWS", "*")]
    out = []
    for kind, values in (raw or {}).items():
        for value in [values] if isinstance(values, str) else values:
            out.append((kind, _normalise_aws(value) if kind == "AWS" else value))
    return out


def _assume_actions(statement: dict[str, Any]) -> tuple[str, ...]:
    raw = statement.get("Action", [])
    patterns = [raw] if isinstance(raw, str) else list(raw)
    atoms = {a for p in patterns for a in atoms_for_pattern(p)}
    return tuple(a for a in ASSUME_ACTIONS if any(atom_covers(atom, a) for atom in atoms))


def assumable_by(trust_policy: PolicyDocument | str) -> list[Principal]:
    """Principals a role's trust policy lets assume it, with conditions kept (e.g. an OIDC ``sub``).

    An unconditional Deny naming the same principal (or ``*``) removes it; a conditional Deny is
    noted on it. ``NotPrincipal`` is not supported in trust policies by AWS and is ignored.
    """
    doc = load_document(trust_policy)
    raw = doc.get("Statement", [])
    statements = [raw] if isinstance(raw, dict) else list(raw)
    allowed: list[Principal] = []
    denies: list[tuple[set[tuple[str, str]], str | None]] = []
    for st in statements:
        actions = _assume_actions(st)
        if not actions or "Principal" not in st:
            continue
        condition = canonical_json(st["Condition"]) if st.get("Condition") else None
        found = _principals(st["Principal"])
        if str(st.get("Effect", "")).lower() == "deny":
            denies.append((set(found), condition))
            continue
        allowed += [Principal(kind, pid, actions, condition) for kind, pid in found]
    result = []
    for p in allowed:
        notes = []
        removed = False
        for denied, condition in denies:
            if (p.kind, p.id) in denied or ("AWS", "*") in denied:
                if condition is None:
                    removed = True
                else:
                    notes.append(condition)
        if not removed:
            result.append(Principal(p.kind, p.id, p.actions, p.condition, tuple(sorted(notes))))
    return sorted(set(result))


def _account_of(arn: str) -> str | None:
    match = _ARN_ACCOUNT.match(arn)
    return match.group(1) if match else None


def transitive_assume(
    graph_of_trust: Mapping[str, Iterable[Principal | str]],
    identities: Mapping[str, EffectivePermissions] | None = None,
) -> dict[str, set[str]]:
    """For every principal, the roles it can reach by one or more assumes.

    ``graph_of_trust`` maps a role ARN to the principals its trust policy admits (``assumable_by``
    output, or bare ARNs). Trusting an account root or ``*`` admits every known principal of that
    account (every known principal for ``*``); when ``identities`` (ARN -> effective permissions)
    is given, such an edge also needs ``sts:AssumeRole`` on the role in the caller's own policies,
    as IAM requires. An explicitly named ARN is trusted without that check (same-account rule).
    Keys are principal ids (ARNs, service names, IdP ARNs, ``*``); conditions are not evaluated.
    """
    roles = set(graph_of_trust)
    known = roles | set(identities or {})
    graph: nx.DiGraph = nx.DiGraph()
    graph.add_nodes_from(known)

    def may_call(caller: str, role: str) -> bool:
        if identities is None:
            return True
        perms = identities.get(caller)
        return perms is not None and perms.allows("sts:AssumeRole", role) is not False

    for role, trusted in graph_of_trust.items():
        for item in trusted:
            pid = item.id if isinstance(item, Principal) else _normalise_aws(item)
            graph.add_edge(pid, role)
            if pid == "*" or pid.endswith(":root"):
                account = None if pid == "*" else _account_of(pid)
                for caller in known:
                    if caller != role and (account is None or _account_of(caller) == account):
                        if may_call(caller, role):
                            graph.add_edge(caller, role)
    reach: dict[str, set[str]] = {}
    for node in graph.nodes:
        found = (nx.descendants(graph, node) & roles) - {node}
        if found:
            reach[node] = found
    return reach
