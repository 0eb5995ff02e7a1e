"""Table rendering of `invgraph exposure drift` (kept apart so exposure_cmd.py stays short)."""

from __future__ import annotations

from typing import Any

import typer


def path_line(p: dict[str, Any]) -> str:
    return " -> ".join(n["name"] or n["id"] for n in p["nodes"])


def print_drift(doc: dict[str, Any]) -> None:
    frm, to = doc["from"], doc["to"]
    a, p = doc["assets"], doc["paths"]
    typer.echo(
        f"exposure change from run {frm['id']} ({frm['collected_at']}) to {to['id']} ({to['collected_at']})"
    )
    if not any(a.values()) and not any(p.values()):
        typer.echo(f"no exposure changes between {frm['id']} and {to['id']}")
        return
    for title, key in (
        ("newly reachable", "newly_reachable"),
        ("no longer reachable", "no_longer_reachable"),
    ):
        typer.echo(f"\n{title} from the internet: {len(a[key])}")
        for x in a[key]:
            reps = f"  [{x['replicas']} replicas]" if x["replicas"] > 1 else ""
            typer.echo(f"  {x['label']:<18} {x['name'] or x['id']:<40} {','.join(x['ports'] or [])}{reps}")
            for reason in x["reasons"] or []:
                typer.echo(f"       {reason}")
    if a["changed"]:
        typer.echo(f"\nexposure changed: {len(a['changed'])}")
        for x in a["changed"]:
            before, after = ",".join(x["ports_before"] or []), ",".join(x["ports"] or [])
            typer.echo(f"  {x['label']:<18} {x['name'] or x['id']:<40} {before} -> {after}")
    for title, key in (("new paths", "new"), ("gone paths", "gone"), ("re-scored paths", "rescored")):
        typer.echo(f"\n{title}: {len(p[key])}")
        for x in p[key]:
            was = f" (was {x['score_before']:.1f})" if "score_before" in x else ""
            reps = f"  [{x['replicas']} replicas]" if x["replicas"] > 1 else ""
            typer.echo(f"  {x['score']:5.1f}{was}  {path_line(x)}{reps}")
            for node, hop in zip(x["nodes"][1:], x["hops"], strict=True):
                typer.echo(f"         [{hop['type']}] {node['label']} {node['name']}: {hop['reason']}")
    if doc["truncated"]:
        typer.echo(
            "\nnote: more crown jewels than are compared per run; narrow with --label/--account/--target"
        )
