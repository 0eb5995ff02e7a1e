"""`privilege-creep`: counts of principals whose effective permissions grew between the last two runs.

Uses `analysis.privileges.creep.creep_section` once the post-ingest step has written
`(:PrincipalPermissions)` records; `available: false` before that, or with fewer than two runs.
"""

from __future__ import annotations

from analysis.privileges.creep import creep_section
from api.widgets.cache import RunMarker
from api.widgets.common import header, labels_present
from api.widgets.models import CreepPrincipal, PrivilegeCreep

TOP = 10


def _empty(marker: RunMarker, reason: str) -> PrivilegeCreep:
    return PrivilegeCreep(**header("privilege-creep", marker, False, reason), from_run=None, to_run=None,
                          principals=0, newly_admin=0, assumable_grew=0, gained_entries=0, lost_entries=0,
                          top=[])


def privilege_creep(marker: RunMarker) -> PrivilegeCreep:
    if "PrincipalPermissions" not in labels_present("PrincipalPermissions"):
        return _empty(marker, "no permission records yet: the privileges post-ingest step has not run")
    section = creep_section()
    if section.get("error"):
        return _empty(marker, str(section["error"]))
    counts = section.get("counts", {})
    principals = section.get("principals", [])
    principals = sorted(principals, key=lambda p: (not (p.get("admin_after") and not p.get("admin_before")),
                                                   -len(p.get("gained") or []), str(p.get("id"))))
    top = [CreepPrincipal(id=str(p["id"]), name=p.get("name"), kind=p.get("kind"), scope=p.get("scope"),
                          status=str(p.get("status") or "changed"), gained=len(p.get("gained") or []),
                          lost=len(p.get("lost") or []), admin_after=bool(p.get("admin_after")))
           for p in principals[:TOP]]
    return PrivilegeCreep(
        **header("privilege-creep", marker), from_run=section.get("from"), to_run=section.get("to"),
        principals=int(counts.get("principals", len(principals))),
        newly_admin=int(counts.get("newly_admin", 0)), assumable_grew=int(counts.get("assumable_grew", 0)),
        gained_entries=int(counts.get("gained_entries", 0)), lost_entries=int(counts.get("lost_entries", 0)),
        top=top,
    )
