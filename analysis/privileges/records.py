"""One principal's effective permissions as stored per run, and the semantic diff of two of them.

A ``PrincipalRecord`` is provider-neutral: ``entries`` is the compact JSON of the engine's canonical
form (``EffectivePermissions.to_compact()`` for AWS, ``K8sEntry`` rows for Kubernetes, ``GcpGrant``
rows for GCP, ``AzureGrant`` rows for Azure), ``sha256`` the engine's hash of it. ``kind`` says how to
decode it again.

The diff is *semantic*: an entry counts as lost only when the other side no longer covers it, so a
principal whose 200 read-only entries are replaced by ``* on *`` gained ``* on *`` and lost nothing
(the engine prunes covered entries, so a plain string-set difference would report 200 losses). For GCP a
grant is held while the same role (or a basic role nesting it) is granted on the same resource, wherever the
binding is set. For Azure a grant is held while the same role (same definition, unconditionally or under
the same condition) is granted on its resource or on a scope above it in the subscription (an assignment
moving from a resource group up to the subscription loses nothing); a role whose permission lists changed is
reported as
``<role> on <resource>: now lists action <a>`` / ``no longer lists action <a>`` (likewise ``excluded action``,
``data action``, ``excluded data action``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from analysis.privileges.aws_actions import ALL, service_of
from analysis.privileges.aws_combine import _subsumes
from analysis.privileges.aws_model import EffectivePermissions, Entry, entry_to_string
from analysis.privileges.azure import AzureGrant
from analysis.privileges.gcp import GcpGrant
from analysis.privileges.k8s import K8sEntry

AWS_KINDS = ("aws-user", "aws-role", "aws-group")
K8S_KINDS = ("k8s-user", "k8s-group", "k8s-serviceaccount")
GCP_KINDS = ("gcp-member",)
AZURE_KINDS = (
    "azure-user",
    "azure-group",
    "azure-serviceprincipal",
    "azure-managedidentity",
    "azure-principal",
)
KINDS = AWS_KINDS + K8S_KINDS + GCP_KINDS + AZURE_KINDS


def provider_of(kind: str) -> str:
    return kind.split("-", 1)[0]


@dataclass(frozen=True)
class PrincipalRecord:
    """What the post-ingest step computed for one principal in one run."""

    principal_id: str
    name: str
    kind: str
    scope: str
    sha256: str
    entries: str  # compact JSON rows, see the module docstring
    admin: bool
    escalations: tuple[str, ...] = ()
    assumable_roles: tuple[str, ...] = ()
    node_label: str | None = None  # inventory node that gets admin_equivalent / escalation_paths
    node_id: str | None = None
    # Which organization guardrails capped the entries (AWS: the SCPs by name and level), or why none
    # did ("organizations not collected: identity policies alone").
    guardrails: str = ""
    sources: str = "[]"  # compact JSON grant sources, for provenance (analysis/privileges/provenance.py)
    # The GCP project that holds the principal (a service account's project) when ``scope`` is wider (an
    # organization): what a project-scoped API key is matched on. None for every other principal.
    project: str | None = None

    @property
    def provider(self) -> str:
        return provider_of(self.kind)


def compact_json(rows: object) -> str:
    return json.dumps(rows, separators=(",", ":"))


# -- decoding ---------------------------------------------------------------------------------------
def _aws(rows: list[list[object]]) -> list[Entry]:
    return list(EffectivePermissions.from_compact(rows).entries)


def _k8s(rows: list[list[object]]) -> list[K8sEntry]:
    return [
        K8sEntry(str(v), str(g), str(r), str(n), tuple(names), bool(url))  # type: ignore[arg-type]
        for v, g, r, n, names, url in rows
    ]


def _gcp(rows: list[list[object]]) -> list[GcpGrant]:
    return [GcpGrant(str(r), str(res), str(at), c if c is None else str(c)) for r, res, at, c in rows]


def _azure(rows: list[list[Any]]) -> list[AzureGrant]:
    return [AzureGrant(str(r[0]), str(r[1]), str(r[2]), r[3], str(r[4]), r[5]) for r in rows]


def entry_strings(kind: str, entries_json: str | None) -> list[str]:
    """Human-readable entries (``s3:getobject on arn:...``, ``get secrets in *``) of a stored record."""
    if not entries_json:
        return []
    rows = json.loads(entries_json)
    provider = provider_of(kind)
    if provider == "aws":
        return [entry_to_string(e) for e in _aws(rows)]
    if provider == "k8s":
        return [e.as_string() for e in _k8s(rows)]
    if provider == "azure":
        return [g.as_string() for g in _azure(rows)]
    return [g.as_string() for g in _gcp(rows)]


# -- coverage ---------------------------------------------------------------------------------------
def _aws_coverer(entries: list[Entry]) -> Callable[[Entry], bool]:
    by_service: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        by_service[service_of(e.action)].append(e)
    present = set(entries)

    def covered(e: Entry) -> bool:
        if e in present:
            return True
        candidates = by_service.get(ALL, []) + by_service.get(service_of(e.action), [])
        return any(_subsumes(c, e) for c in candidates)

    return covered


def _k8s_covers(big: K8sEntry, small: K8sEntry) -> bool:
    if big.non_resource_url != small.non_resource_url or big.verb not in ("*", small.verb):
        return False
    if big.non_resource_url:
        return big.resource == small.resource or (
            big.resource.endswith("*") and small.resource.startswith(big.resource[:-1])
        )
    return (
        big.api_group in ("*", small.api_group)
        and big.resource in ("*", small.resource)
        and big.namespace in ("*", small.namespace)
        and (
            not big.resource_names
            or (bool(small.resource_names) and set(small.resource_names) <= set(big.resource_names))
        )
    )


def _k8s_coverer(entries: list[K8sEntry]) -> Callable[[K8sEntry], bool]:
    present = set(entries)
    return lambda e: e in present or any(_k8s_covers(c, e) for c in entries)


# Basic roles nest: an owner holds every editor permission, an editor every viewer one.
_GCP_IMPLIED = {
    "roles/owner": ("roles/owner", "roles/editor", "roles/viewer"),
    "roles/editor": ("roles/editor", "roles/viewer"),
}


def _gcp_coverer(grants: list[GcpGrant]) -> Callable[[GcpGrant], bool]:
    """A grant is covered by the same (or a nesting basic) role on the same resource, unconditionally or
    under the same condition — wherever it was set: a grant that moves from the project to its folder is
    still held."""
    held: dict[tuple[str, str], set[str | None]] = defaultdict(set)
    for g in grants:
        for role in _GCP_IMPLIED.get(g.role, (g.role,)):
            held[(role, g.resource)].add(g.condition)

    def covered(g: GcpGrant) -> bool:
        conditions = held.get((g.role, g.resource), set())
        return None in conditions or g.condition in conditions

    return covered


def gained_lost(kind: str, before: str | None, after: str | None) -> tuple[list[str], list[str]]:
    """(gained, lost) entry strings, each sorted; ``None`` stands for "no permissions at all"."""
    old_rows, new_rows = json.loads(before or "[]"), json.loads(after or "[]")
    provider = provider_of(kind)
    if provider == "aws":
        old_a, new_a = _aws(old_rows), _aws(new_rows)
        in_old, in_new = _aws_coverer(old_a), _aws_coverer(new_a)
        gained = [entry_to_string(e) for e in new_a if not in_old(e)]
        lost = [entry_to_string(e) for e in old_a if not in_new(e)]
    elif provider == "k8s":
        old_k, new_k = _k8s(old_rows), _k8s(new_rows)
        in_old_k, in_new_k = _k8s_coverer(old_k), _k8s_coverer(new_k)
        gained = [e.as_string() for e in new_k if not in_old_k(e)]
        lost = [e.as_string() for e in old_k if not in_new_k(e)]
    elif provider == "azure":
        return azure_gained_lost(_azure(old_rows), _azure(new_rows))
    else:
        old_g, new_g = _gcp(old_rows), _gcp(new_rows)
        in_old_g, in_new_g = _gcp_coverer(old_g), _gcp_coverer(new_g)
        gained = [g.as_string() for g in new_g if not in_old_g(g)]
        lost = [g.as_string() for g in old_g if not in_new_g(g)]
    return sorted(set(gained)), sorted(set(lost))


def _azure_coverer(grants: list[AzureGrant]) -> Callable[[AzureGrant], bool]:
    """Same role definition on the grant's resource or a scope above it (ARM ids nest by prefix)."""
    held: dict[str, list[AzureGrant]] = defaultdict(list)
    for g in grants:
        held[g.role_id].append(g)

    def covered(g: AzureGrant) -> bool:
        return any(
            (h.resource == g.resource or g.resource.startswith(h.resource.rstrip("/") + "/"))
            and h.condition in (None, g.condition)
            for h in held.get(g.role_id, ())
        )

    return covered


def _allowed(perms: str | None) -> list[set[str]]:
    return [set(x) for x in json.loads(perms)] if perms else [set(), set(), set(), set()]


_PERM_WORDS = ("action", "excluded action", "data action", "excluded data action")


def azure_gained_lost(old: list[AzureGrant], new: list[AzureGrant]) -> tuple[list[str], list[str]]:
    """Grants gained / lost (coverage as in the module docstring), plus permission-list changes of roles
    held on both sides (a widened custom role)."""
    in_old, in_new = _azure_coverer(old), _azure_coverer(new)
    gained = {g.as_string() for g in new if not in_old(g)}
    lost = {g.as_string() for g in old if not in_new(g)}
    before = {(g.role_id, g.resource, g.assigned_at, g.condition): g for g in old}
    for g in new:
        o = before.get((g.role_id, g.resource, g.assigned_at, g.condition))
        if o is None or o.perms == g.perms or o.perms is None or g.perms is None:
            continue
        for word, was, now in zip(_PERM_WORDS, _allowed(o.perms), _allowed(g.perms), strict=True):
            gained |= {f"{g.as_string()}: now lists {word} {a}" for a in now - was}
            lost |= {f"{g.as_string()}: no longer lists {word} {a}" for a in was - now}
    return sorted(gained), sorted(lost)
