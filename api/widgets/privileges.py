"""`privilege-creep`: counts of principals whose effective permissions grew between the last two runs.

Uses `analysis.privileges.creep.creep_section` once the post-ingest step has written
`(:PrincipalPermissions)` records; `available: false` before that, or with fewer than two runs.
"""

from __future__ import annotations

from typing import Any

from analysis.privileges.creep import creep_section
from api.scopes import principal_in_scope
from api.widgets.cache import RunMarker
from api.widgets.common import header, labels_present
from api.widgets.models import CreepPrincipal, PrivilegeCreep

TOP = 10


def _empty(marker: RunMarker, reason: str) -> PrivilegeCreep:
    return PrivilegeCreep(
        **header("privilege-creep", marker, False, reason),
        from_run=None,
        to_run=None,
        principals=0,
        newly_admin=0,
        assumable_grew=0,
        gained_entries=0,
        lost_entries=0,
        top=[],
    )


def _counts(ps: list[dict[str, Any]]) -> dict[str, int]:
    """The section's counts over the principals a scoped key may see (analysis.privileges.creep_section)."""
    return {
        "principals": len(ps),
        "newly_admin": sum(1 for p in ps if p.get("admin_after") and not p.get("admin_before")),
        "assumable_grew": sum(1 for p in ps if p.get("assumable_gained")),
        "gained_entries": sum(len(p.get("gained") or []) for p in ps),
        "lost_entries": sum(len(p.get("lost") or []) for p in ps),
    }


def privilege_creep(marker: RunMarker, allowed: list[str] | None = None) -> PrivilegeCreep:
    """`allowed` (a scoped key's ids): principals of those scopes only, as GET /privileges/creep does."""
    if "PrincipalPermissions" not in labels_present("PrincipalPermissions"):
        return _empty(marker, "no permission records yet: the privileges post-ingest step has not run")
    section = creep_section()
    if section.get("error"):
        return _empty(marker, str(section["error"]))
    counts = section.get("counts", {})
    principals = section.get("principals", [])
    if allowed is not None:
        principals = [p for p in principals if principal_in_scope(p, allowed)]
        counts = _counts(principals)
    principals = sorted(
        principals,
        key=lambda p: (
            not (p.get("admin_after") and not p.get("admin_before")),
            -len(p.get("gained") or []),
            str(p.get("id")),
        ),
    )
    top = [
        CreepPrincipal(
            id=str(p["id"]),
            name=p.get("name"),
            kind=p.get("kind"),
            scope=p.get("scope"),
            project=p.get("project"),
            status=str(p.get("status") or "changed"),
            gained=len(p.get("gained") or []),
            lost=len(p.get("lost") or []),
            admin_after=bool(p.get("admin_after")),
        )
        for p in principals[:TOP]
    ]
    return PrivilegeCreep(
        **header("privilege-creep", marker),
        from_run=section.get("from"),
        to_run=section.get("to"),
        principals=int(counts.get("principals", len(principals))),
        newly_admin=int(counts.get("newly_admin", 0)),
        assumable_grew=int(counts.get("assumable_grew", 0)),
        gained_entries=int(counts.get("gained_entries", 0)),
        lost_entries=int(counts.get("lost_entries", 0)),
        top=top,
    )
