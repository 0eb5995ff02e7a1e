"""Effective GCP organization policy of a project: the hierarchy merge of what ``ingest/gcp/org_policies``
stored, as the Organization Policy Service evaluates it.

Walk from the organization down to the project (``PARENT``). Boolean constraints: the lowest policy set
decides; ``reset`` / ``restoreDefault`` returns to the default (not enforced). List constraints: a policy
replaces its parent's value unless it has ``inheritFromParent``, which merges (allowed and denied values
are unioned; a denied value stays denied; ``allValues`` of the child wins when set); ``reset`` returns to
the default (allow all). A policy with conditional rules makes the result ``conditional``.

"Not collected" is its own answer: when the organization (or project) scope never had its org-policy
listing read, nothing can be said and callers keep identity-only behaviour, saying so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph import driver

CHAINS = """
UNWIND $projects AS pid
MATCH (p:GCPProject {id: pid})
OPTIONAL MATCH path = (p)-[:PARENT*0..12]->(top) WHERE NOT (top)-[:PARENT]->()
WITH p, reverse(coalesce(nodes(path), [p])) AS chain
RETURN p.id AS project, [n IN chain | n.id] AS chain,
       any(n IN chain WHERE coalesce(n.org_policies_collected, false)) AS collected
"""
POLICIES = """
UNWIND $nodes AS nid
MATCH (pol:GCPOrgPolicy {constraint: $constraint})-[:APPLIES_TO]->(n)
WHERE n.id = nid AND (n:GCPOrganization OR n:GCPFolder OR n:GCPProject)
RETURN nid AS node, pol {.*} AS policy
"""


@dataclass(frozen=True)
class Effective:
    constraint: str
    collected: bool
    enforced: bool = False  # boolean constraints
    allowed: frozenset[str] = frozenset()
    denied: frozenset[str] = frozenset()
    all_values: str | None = None  # ALLOW / DENY
    conditional: bool = False
    decided_by: tuple[str, ...] = field(default=())  # resources whose policies produced the value

    def describe(self) -> str:
        if not self.collected:
            return f"{self.constraint}: organization policies not collected"
        where = f" (set on {', '.join(self.decided_by)})" if self.decided_by else " (not set: default)"
        cond = " (conditional)" if self.conditional else ""
        if self.allowed or self.denied or self.all_values:
            parts = [f"all {self.all_values.lower()}"] if self.all_values else []
            parts += [f"allowed {sorted(self.allowed)}"] if self.allowed else []
            parts += [f"denied {sorted(self.denied)}"] if self.denied else []
            return f"{self.constraint}: {'; '.join(parts)}{where}{cond}"
        return f"{self.constraint} {'enforced' if self.enforced else 'not enforced'}{where}{cond}"


def merge(constraint: str, chain: list[dict[str, Any] | None], collected: bool = True) -> Effective:
    """The effective value from the policies set along ``chain`` (root first; None where none is set)."""
    state = Effective(constraint, collected)
    for pol in chain:
        if pol is None:
            continue
        cond = state.conditional or bool(pol.get("conditional"))
        here = (pol["resource"],)
        if pol.get("reset"):
            state = Effective(constraint, collected, conditional=cond, decided_by=here)
        elif pol.get("kind") == "boolean":
            state = Effective(
                constraint, collected, bool(pol.get("enforced")), conditional=cond, decided_by=here
            )
        elif pol.get("inherit_from_parent"):
            denied = state.denied | frozenset(pol.get("denied_values") or [])
            state = Effective(
                constraint,
                collected,
                allowed=(state.allowed | frozenset(pol.get("allowed_values") or [])) - denied,
                denied=denied,
                all_values=pol.get("all_values") or state.all_values,
                conditional=cond,
                decided_by=state.decided_by + here,
            )
        else:
            state = Effective(
                constraint,
                collected,
                allowed=frozenset(pol.get("allowed_values") or []),
                denied=frozenset(pol.get("denied_values") or []),
                all_values=pol.get("all_values"),
                conditional=cond,
                decided_by=here,
            )
    return state


def effective_for_projects(constraint: str, projects: list[str]) -> dict[str, Effective]:
    """Effective value of one constraint for each project id (two queries)."""
    if not projects:
        return {}
    chains = driver.read(CHAINS, {"projects": sorted(set(projects))})
    nodes = sorted({n for c in chains for n in c["chain"]})
    by_node = {
        r["node"]: r["policy"] for r in driver.read(POLICIES, {"nodes": nodes, "constraint": constraint})
    }
    return {
        c["project"]: merge(constraint, [by_node.get(n) for n in c["chain"]], c["collected"]) for c in chains
    }
