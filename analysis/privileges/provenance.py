"""What grants a permission: the policy statement, group membership, role binding or GCP binding behind it.

The engines compute one canonical set of entries per principal and forget where each came from; the creep
report needs the "why". So each ``PrincipalRecord`` carries ``sources`` (compact JSON): the grant sources
the principal had in that run, each small enough to re-evaluate alone —

* AWS: ``{"policy", "name", "via", "doc"}`` per identity policy (attached, inline, or through a group);
  ``doc`` is the sha256 of the policy document, stored once per content as ``(:GrantDocument {sha256,
  document})`` (``store.save_documents``), so a principal version costs a few ids, not its documents;
* Kubernetes: ``{"binding", "role", "as", "items"}`` per (Cluster)RoleBinding naming the subject or one of
  its implicit groups, ``items`` being the binding and its role as ``kubectl`` prints them;
* GCP: nothing to store — a grant already names the level its binding is set on (``granted_at``);
* Azure: ``{"assignment", "role", "role_id", "scope", "level"}`` per role assignment of the principal, plus
  ``"via"`` (``via group <name>``) for one held through an Entra group (graph_azure.py): a grant is
  attributed to the assignment of its role at the scope it comes from, named with the level, whether the
  subscription inherits it and the group it comes through.

``attribute`` runs at creep time on the gained / lost entries only: each source is evaluated on its own
(an AWS document one Allow statement at a time, so the statement's Sid or index is named) and kept when it
covers the entry. Cost follows the number of changed entries, never the inventory.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from analysis.privileges.aws import effective_permissions
from analysis.privileges.aws_model import Entry, entry_to_string
from analysis.privileges.aws_policy import document_hash, load_document
from analysis.privileges.k8s import k8s_permissions, subject_key
from analysis.privileges.records import (
    _aws,
    _aws_coverer,
    _azure,
    _gcp,
    _k8s,
    _k8s_coverer,
    provider_of,
)


def aws_source(policy_id: str, name: str | None, document: Mapping[str, Any], via: str) -> dict[str, str]:
    return {
        "policy": policy_id,
        "name": name or policy_id.rsplit("/", 1)[-1],
        "via": via,
        "doc": document_hash(load_document(dict(document))),
    }


def k8s_sources(items: list[dict[str, Any]], subject: str, groups: Iterable[str]) -> list[dict[str, Any]]:
    """The bindings that name ``subject`` (``Kind:name`` as ``k8s.subject_key``) or one of ``groups``."""
    wanted = {subject, *(f"Group:{g}" for g in groups)}
    roles = {
        (i["kind"], i["metadata"].get("namespace"), i["metadata"]["name"]): i
        for i in items
        if i["kind"] in ("Role", "ClusterRole")
    }
    out = []
    for b in items:
        if b["kind"] not in ("RoleBinding", "ClusterRoleBinding"):
            continue
        ns = b["metadata"].get("namespace")
        keys = {subject_key(s, ns) for s in b.get("subjects") or []} & wanted
        if not keys:
            continue
        ref = b.get("roleRef") or {}
        role = roles.get((ref.get("kind"), ns if ref.get("kind") == "Role" else None, ref.get("name")))
        where = f" in {ns}" if ns else ""
        out.append(
            {
                "binding": f"{b['kind']} {b['metadata']['name']}{where}",
                "role": f"{ref.get('kind')} {ref.get('name')}",
                "as": sorted(keys)[0],
                "items": [x for x in (role, b) if x is not None],
            }
        )
    return out


def _text(source: dict[str, Any], statement: str | None = None) -> str:
    if "policy" in source:
        stmt = f", statement {statement}" if statement else ""
        return f"{source['name']} ({source['policy']}{stmt}) {source['via']}"
    return f"{source['role']} via {source['binding']}"


def _aws_attribute(
    entries: list[Entry], sources: list[dict[str, Any]], docs: Mapping[str, str]
) -> dict[Entry, list[dict[str, Any]]]:
    out: dict[Entry, list[dict[str, Any]]] = {e: [] for e in entries}
    for src in sources:
        raw = docs.get(src["doc"])
        if raw is None:
            continue
        doc = json.loads(raw)
        stmts = doc.get("Statement", [])
        stmts = [stmts] if isinstance(stmts, dict) else stmts
        for i, stmt in enumerate(stmts):
            if stmt.get("Effect") != "Allow":
                continue
            covered = _aws_coverer(
                list(effective_permissions([{"Version": "2012-10-17", "Statement": [stmt]}]).entries)
            )
            label = f"{stmt['Sid']!r}" if stmt.get("Sid") else f"#{i}"
            for e in entries:
                if covered(e):
                    out[e].append(
                        {
                            **{k: src[k] for k in ("policy", "name", "via")},
                            "statement": label,
                            "text": _text(src, label),
                        }
                    )
    return out


def _k8s_attribute(entries: list[Any], sources: list[dict[str, Any]]) -> dict[Any, list[dict[str, Any]]]:
    out: dict[Any, list[dict[str, Any]]] = {e: [] for e in entries}
    for src in sources:
        perms = k8s_permissions(src["items"]).get(src["as"])
        if perms is None:
            continue
        covered = _k8s_coverer(list(perms.entries))
        for e in entries:
            if covered(e):
                out[e].append({"binding": src["binding"], "role": src["role"], "text": _text(src)})
    return out


def attribute(
    kind: str, entries_json: str | None, wanted: list[str], sources_json: str | None, docs: Mapping[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """entry string -> the sources granting it, for the ``wanted`` entries of one stored record."""
    if not wanted:
        return {}
    rows = json.loads(entries_json or "[]")
    sources = json.loads(sources_json or "[]")
    wanted_set = set(wanted)
    provider = provider_of(kind)
    if provider == "aws":
        by_string = {entry_to_string(e): e for e in _aws(rows) if entry_to_string(e) in wanted_set}
        found = _aws_attribute(list(by_string.values()), sources, docs)
        return {s: found[e] for s, e in by_string.items()}
    if provider == "k8s":
        by_k8s = {e.as_string(): e for e in _k8s(rows) if e.as_string() in wanted_set}
        found_k = _k8s_attribute(list(by_k8s.values()), sources)
        return {s: found_k[e] for s, e in by_k8s.items()}
    if provider == "azure":
        return _azure_attribute(rows, wanted, sources)
    out = {}
    for g in _gcp(rows):
        text = g.as_string()
        if text in wanted_set:
            inherited = g.granted_at != g.resource
            out[text] = [
                {
                    "binding": g.role,
                    "set_on": g.granted_at,
                    "text": f"binding {g.role} set on {g.granted_at}"
                    + (f", inherited by {g.resource}" if inherited else "")
                    + (f" (if {g.condition})" if g.condition else ""),
                }
            ]
    return out


def _azure_level(level: str, scope: str) -> str:
    """``management group mg-prod``, ``subscription <id>``, ``resource group rg-prod``, ``the tenant root``,
    or the resource's full id: short enough for one line, exact enough to find."""
    if level == "root":
        return "the tenant root (/)"
    if level == "resource":
        return f"resource {scope}"
    return f"{level.replace('_', ' ')} {scope.rsplit('/', 1)[-1]}"


def _azure_attribute(
    rows: list[list[Any]], wanted: list[str], sources: list[dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """Each wanted grant (or ``<grant>: now lists …`` line) -> the role assignments behind it."""
    grants = {g.as_string(): g for g in _azure(rows)}
    out: dict[str, list[dict[str, Any]]] = {}
    for text in wanted:
        g = grants.get(text.split(": now lists ", 1)[0].split(": no longer lists ", 1)[0])
        if g is None:
            out[text] = []
            continue
        out[text] = [
            {
                "binding": src["assignment"],
                "role": src["role"],
                "set_on": src["scope"],
                **({"via": src["via"]} if src.get("via") else {}),
                "text": f"role assignment {src['assignment'].rsplit('/', 1)[-1]} ({src['role']}) set on "
                f"{_azure_level(src['level'], src['scope'])}"
                + (", inherited by the subscription" if src["scope"] != g.resource else "")
                + (f" {src['via']}" if src.get("via") else "")
                + (f" (if {g.condition})" if g.condition else ""),
            }
            for src in sources
            if src["role_id"] == g.role_id and src["scope"] == g.assigned_at
        ]
    return out


def doc_shas(sources_json: Iterable[str | None]) -> set[str]:
    return {s["doc"] for raw in sources_json for s in json.loads(raw or "[]") if "doc" in s}
