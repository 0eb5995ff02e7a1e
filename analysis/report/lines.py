"""One readable line per exposure or privilege change, shared by the Markdown, HTML and webhook renderings."""

from __future__ import annotations

from typing import Any

SHOWN = 10  # permissions listed per principal per direction; the JSON report has all of them


def _path(p: dict[str, Any]) -> str:
    text = " → ".join(str(n.get("name") or n["id"]) for n in p["nodes"])
    return text + (f" [{p['replicas']} replicas]" if p.get("replicas", 1) > 1 else "")


def exposure_lines(doc: dict[str, Any]) -> list[str]:
    a, p = doc["assets"], doc["paths"]
    out = []
    for x in a["newly_reachable"]:
        out.append(
            f"newly reachable from the internet: {x['label']} {x['name'] or x['id']} on "
            f"{', '.join(x['ports'] or []) or 'any port'} — {'; '.join(x['reasons'] or [])}"
        )
    for x in a["no_longer_reachable"]:
        out.append(f"no longer reachable from the internet: {x['label']} {x['name'] or x['id']}")
    for x in a["changed"]:
        out.append(
            f"exposure changed: {x['label']} {x['name'] or x['id']} ports "
            f"{', '.join(x['ports_before'] or []) or '-'} → {', '.join(x['ports'] or []) or '-'}"
        )
    out += [f"new path (score {x['score']:.1f}): {_path(x)}" for x in p["new"]]
    out += [f"gone path (score {x['score']:.1f}): {_path(x)}" for x in p["gone"]]
    out += [f"re-scored path {x['score_before']:.1f} → {x['score']:.1f}: {_path(x)}" for x in p["rescored"]]
    return out


def via_text(sources: list[dict[str, Any]]) -> str:
    return "; ".join(s["text"] for s in sources) if sources else "grant not attributed"


def _admin(p: dict[str, Any]) -> str:
    return {(False, True): " — now admin", (True, False): " — no longer admin"}.get(
        (p["admin_before"], p["admin_after"]), ""
    )


def privilege_lines(doc: dict[str, Any]) -> list[str]:
    out = []
    for p in doc["principals"]:
        head = f"{p['name']} ({p['kind']}, {p['scope']}){_admin(p)}"
        prov = p.get("provenance") or {}
        for key, verb in (("gained", "gained"), ("lost", "lost")):
            items = p[key]
            for entry in items[:SHOWN]:
                out.append(f"{head}: {verb} `{entry}` via {via_text(prov.get(key, {}).get(entry, []))}")
            if len(items) > SHOWN:
                out.append(f"{head}: … {len(items) - SHOWN} more {verb} (see the JSON report)")
        for role in p.get("assumable_gained") or []:
            out.append(f"{head}: may now assume {role}")
        for esc in p.get("escalations_gained") or []:
            out.append(f"{head}: new escalation path {esc}")
        if not (p["gained"] or p["lost"] or p.get("assumable_gained") or p.get("escalations_gained")):
            out.append(f"{head}: {p['status']}")
    return out
