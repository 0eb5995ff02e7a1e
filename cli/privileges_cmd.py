"""`invgraph privileges creep|show`: privilege creep between runs, one principal's permissions and history."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from cli.output import Col, ListFormat, render_table, to_csv

app = typer.Typer(help="Effective permissions and privilege creep.", no_args_is_help=True)
err = Console(stderr=True)
SHOWN = 20  # entries per list in table / markdown output; JSON always has everything


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
    csv = "csv"


def _clip(items: list[str]) -> list[str]:
    return items[:SHOWN] + ([f"… {len(items) - SHOWN} more"] if len(items) > SHOWN else [])


def _admin(p: dict[str, Any]) -> str:
    return {(False, True): "now admin", (True, False): "no longer admin"}.get(
        (p["admin_before"], p["admin_after"]), ""
    )


def _with_via(p: dict[str, Any], key: str) -> list[str]:
    prov = (p.get("provenance") or {}).get(key, {})
    return [
        f"{e} — via {'; '.join(s['text'] for s in prov.get(e, [])) or 'grant not attributed'}" for e in p[key]
    ]


def no_change(doc: dict[str, Any]) -> str:
    """The empty answer, with how to widen it (the default compares only the last two runs)."""
    return (
        f"no privilege changes between {doc['from']} and {doc['to']}; to look further back, widen the range "
        "with --from <run id or YYYY-MM-DD> (runs: invgraph runs)"
    )


def creep_markdown(doc: dict[str, Any]) -> str:
    """The creep document as Markdown (also used by reports that want text rather than data)."""
    lines = [f"## Privilege creep {doc['from']} → {doc['to']}", ""]
    if not doc["principals"]:
        return "\n".join([*lines, no_change(doc), ""])
    for p in doc["principals"]:
        flag = _admin(p)
        lines.append(f"### {p['name']} ({p['kind']}, {p['scope']}){' — **' + flag + '**' if flag else ''}")
        lines.append(f"`{p['id']}`")
        for title, key in (("Gained", "gained"), ("Lost", "lost")):
            if p.get(key):
                lines += ["", f"{title}:", *(f"- {x}" for x in _clip(_with_via(p, key)))]
        for title, key in (
            ("May now assume", "assumable_gained"),
            ("New escalation paths", "escalations_gained"),
        ):
            if p.get(key):
                lines += ["", f"{title}:", *(f"- `{x}`" for x in _clip(p[key]))]
        if p.get("gained_unused"):
            lines += [
                "",
                f"Gained and not used since {doc['from']}:",
                *(f"- {x}" for x in _clip(p["gained_unused"])),
            ]
        unused = p.get("unused_services") or []
        if unused:
            lines += ["", "Unused services: " + ", ".join(u["namespace"] for u in unused)]
        lines.append("")
    return "\n".join(lines)


def _fail(exc: Exception) -> typer.Exit:
    err.print(f"[red]error:[/red] {exc}")
    return typer.Exit(1)


@app.command("creep")
def creep_cmd(
    from_: Annotated[
        str | None, typer.Option("--from", help="Run id or date (default: the run before --to).")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Run id or date (default: the latest run).")] = None,
    scope: Annotated[
        str | None, typer.Option(help="Only this AWS account / cluster / GCP scope / Azure subscription.")
    ] = None,
    kind: Annotated[
        str | None, typer.Option(help="Only this kind (aws-user, k8s-serviceaccount, azure-user, …).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Permissions gained and lost per principal between two runs."""
    from analysis.privileges.creep import CreepError, creep

    try:
        doc = creep(from_, to, scope, kind)
    except CreepError as exc:
        raise _fail(exc) from exc
    if fmt is Format.json:
        typer.echo(json.dumps(doc, indent=2))
    elif fmt is Format.markdown:
        typer.echo(creep_markdown(doc))
    elif fmt is Format.csv:
        # Every entry, unclipped: CSV is for spreadsheets and scripts.
        typer.echo(
            to_csv(
                doc["principals"],
                [
                    Col("principal", "id"),
                    Col("name", "name"),
                    Col("kind", "kind"),
                    Col("scope", "scope"),
                    Col("admin", _admin),
                    Col("gained", lambda p: _with_via(p, "gained")),
                    Col("lost", lambda p: _with_via(p, "lost")),
                    Col("may now assume", "assumable_gained"),
                ],
            ),
            nl=False,
        )
    elif not doc["principals"]:
        typer.echo(no_change(doc))
    else:
        render_table(
            doc["principals"],
            [
                Col("principal", "name", is_id=True),
                Col("kind", "kind"),
                Col("scope", "scope", is_id=True),
                Col("admin", _admin),
                Col("gained", lambda p: _clip(_with_via(p, "gained"))),
                Col("lost", lambda p: _clip(_with_via(p, "lost"))),
                Col("may now assume", lambda p: _clip(p["assumable_gained"]), is_id=True),
            ],
            title=f"privilege creep {doc['from']} → {doc['to']}",
        )


@app.command("show")
def show_cmd(
    principal_id: Annotated[
        str,
        typer.Argument(
            help="ARN, <cluster>/ServiceAccount/<ns>/<name>, <gcp scope>/<member>, <subscription>/<object id>"
        ),
    ],
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """One principal's effective permissions now, and their history across runs."""
    from analysis.privileges.creep import CreepError, show

    try:
        doc = show(principal_id)
    except CreepError as exc:
        raise _fail(exc) from exc
    if fmt is Format.json:
        typer.echo(json.dumps(doc, indent=2))
        return
    head = (
        f"{doc['name']} ({doc['kind']}, {doc['scope']}) since {doc['since_run']}"
        f"{' — admin-equivalent' if doc['admin'] else ''}{' — removed' if doc['removed'] else ''}"
    )
    if fmt is Format.markdown:
        lines = [
            f"## {head}",
            "",
            *(f"- `{e}`" for e in doc["entries"]),
            "",
            "| run | admin | entries | gained | lost |",
            "| --- | --- | --- | --- | --- |",
        ]
        lines += [
            f"| {h['run_id']} | {h['admin']} | {h['entries']} | {len(h['gained'])} | {len(h['lost'])} |"
            for h in doc["history"]
        ]
        typer.echo("\n".join(lines))
        return
    typer.echo(head)
    for e in doc["entries"]:
        typer.echo(f"  {e}")
    if doc["escalations"]:
        typer.echo("escalation paths: " + ", ".join(doc["escalations"]))
    if doc["assumable_roles"]:
        typer.echo("may assume: " + ", ".join(doc["assumable_roles"]))
    table = Table(title="history")
    for col in ("run", "collected_at", "admin", "entries", "gained", "lost"):
        table.add_column(col)
    for h in doc["history"]:
        table.add_row(
            h["run_id"],
            h["collected_at"] or "",
            str(h["admin"]),
            str(h["entries"]),
            "\n".join(_clip(h["gained"])),
            "\n".join(_clip(h["lost"])),
        )
    Console().print(table)


def _pct(p: dict[str, Any]) -> str:
    return "" if p["ratio"] is None else f"{p['ratio'] * 100:.1f} %"


def _unused_creds(p: dict[str, Any]) -> list[str]:
    return [
        f"{c['type']} {c['id']} ({'never used' if not c['last_used'] else 'last ' + c['last_used'][:10]})"
        for c in p["credentials"]
        if c["status"] == "unused"
    ]


def _window(p: dict[str, Any]) -> str:
    if p["status"] == "not collected":
        return f"not collected: {p['reason']}"
    return f"{p['window_days']} d — {p['evidence']}"


@app.command("usage")
def usage_cmd(
    principal: Annotated[
        str | None, typer.Option(help="Only this principal (ARN, <cluster>/ServiceAccount/<ns>/<name>, …).")
    ] = None,
    unused_days: Annotated[
        int,
        typer.Option(
            min=1,
            max=3650,
            help="Call unused what was not used for this many days (capped by what the provider tracks).",
        ),
    ] = 90,
    fmt: Annotated[
        ListFormat, typer.Option("--format", help="table (default), json or csv.")
    ] = ListFormat.table,
) -> None:
    """Granted versus used per principal: ratio, unused grants and credentials, proposed least privilege."""
    from analysis.privileges.usage import report

    doc = report(unused_days, principal)
    if principal is not None and not doc["principals"]:
        raise _fail(
            LookupError(f"no principal {principal!r} with effective permissions (see invgraph privileges)")
        )
    cols = [
        Col("principal", "name", is_id=True),
        Col("kind", "kind"),
        Col("scope", "scope", is_id=True),
        Col("admin", lambda p: "admin" if p["admin"] else ""),
        Col(
            "used / granted",
            lambda p: "" if p["granted"] is None else f"{p['used']} / {p['granted']} {p['unit']}",
        ),
        Col("ratio", _pct),
        Col("unused", lambda p: _clip([u["permission"] for u in p["unused"]])),
        Col(
            "last activity",
            lambda p: (p["last_activity"] or "none in window")[:10] if p["status"] != "not collected" else "",
        ),
        Col("unused principal", lambda p: "UNUSED" if p["principal_unused"] else ""),
        Col("unused credentials", _unused_creds),
        Col("window / evidence", _window),
    ]
    if fmt is ListFormat.json:
        typer.echo(json.dumps(doc, indent=2))
    elif fmt is ListFormat.csv:
        cols[0] = Col("principal", "id")
        cols[6] = Col("unused", lambda p: [u["permission"] for u in p["unused"]])
        typer.echo(to_csv(doc["principals"], cols), nl=False)
    elif not doc["principals"]:
        typer.echo("no principals with effective permissions yet: run an ingest first (invgraph ingest …)")
    else:
        c = doc["counts"]
        render_table(
            doc["principals"],
            cols,
            title=(
                f"granted vs used as of {doc['at']}, unused ≥ {unused_days} days: "
                f"{c['principals']} principals, "
                f"{c['not_collected']} not collected, {c['unused_principals']} unused, "
                f"{c['unused_credentials']} unused credentials"
            ),
        )
