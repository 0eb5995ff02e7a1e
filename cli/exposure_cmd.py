"""`invgraph exposure compute|assets|paths`: the exposure model on demand, and its results."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer

from cli.output import Col, ListFormat, emit

app = typer.Typer(help="Internet exposure and attack paths to crown jewels.", no_args_is_help=True)


class Format(StrEnum):
    table = "table"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", help="table (default) or json.")]
ListFormatOpt = Annotated[
    ListFormat, typer.Option("--format", help="table (default), json (the whole page) or csv (one row each).")
]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def _guard(fn: Any, *args: Any) -> dict[str, Any]:
    from analysis.exposure.paths import ExposureTimeout, NoExposureRun

    try:
        result: dict[str, Any] = fn(*args)
        return result
    except (NoExposureRun, ExposureTimeout) as exc:
        raise _fail(str(exc)) from exc


@app.command("compute")
def compute_cmd(fmt: FormatOpt = Format.table) -> None:
    """Compute and store the exposure model of the current graph (also runs after every ingest)."""
    from analysis.exposure import compute

    summary = compute()
    if fmt is Format.json:
        typer.echo(json.dumps(summary.as_json(), indent=2))
        return
    typer.echo(
        f"exposure run {summary.run_id}: {summary.exposed} exposed assets, {summary.nodes} nodes and "
        f"{summary.edges} hops on internet paths, {summary.crown_jewels_reachable} crown jewels reachable "
        f"({summary.seconds:.1f}s)"
    )


@app.command("assets")
def assets_cmd(
    account: Annotated[str | None, typer.Option(help="Only this AWS account id.")] = None,
    cluster: Annotated[str | None, typer.Option(help="Only this Kubernetes cluster.")] = None,
    type_: Annotated[
        str | None, typer.Option("--type", help="Only this exposure type (direct, elb, …).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 100,
    fmt: ListFormatOpt = ListFormat.table,
) -> None:
    """What the internet reaches directly, with ports and reason."""
    from analysis.exposure.paths import exposed_assets

    page = _guard(exposed_assets, account, cluster, type_, limit)
    cols = [
        Col("score", lambda a: f"{a['score']:.1f}", numeric=True),
        Col("label", "label"),
        Col("id", "id", is_id=True),
        Col("name", "name"),
        Col("ports", "ports"),
        Col("exposure", lambda a: "+".join(a["exposure_types"])),
        Col("reasons", "reasons"),
    ]
    title = f"{page['total']} exposed assets (run {page['run_id']})"
    emit(page["assets"], cols, fmt, title=title, json_doc=page)


@app.command("paths")
def paths_cmd(
    target: Annotated[str | None, typer.Option(help="Target asset id.")] = None,
    label: Annotated[str | None, typer.Option(help="Target label (S3Bucket, AdminRole, …).")] = None,
    account: Annotated[str | None, typer.Option(help="Only paths through this AWS account.")] = None,
    cluster: Annotated[str | None, typer.Option(help="Only paths through this cluster.")] = None,
    max_hops: Annotated[int | None, typer.Option(min=1, help="Capped by INVGRAPH_EXPOSURE_MAX_HOPS.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    fmt: ListFormatOpt = ListFormat.table,
) -> None:
    """Ranked internet → crown-jewel paths, every hop with its reason."""
    from analysis.exposure.paths import find_paths

    page = _guard(find_paths, target, label, account, cluster, max_hops, limit)
    if fmt is not ListFormat.table:
        emit(
            page["paths"],
            [
                Col("score", "score"),
                Col("target", lambda p: p["nodes"][-1]["id"], is_id=True),
                Col("path", lambda p: " -> ".join(n["id"] for n in p["nodes"]), is_id=True),
                Col("hops", lambda p: [f"[{h['type']}] {h['reason']}" for h in p["hops"]]),
            ],
            fmt,
            json_doc=page,
        )
        return
    typer.echo(f"{page['total']} paths (run {page['run_id']}, max {page['max_hops']} hops)")
    for p in page["paths"]:
        typer.echo(f"\n{p['score']:5.1f}  " + " -> ".join(n["name"] or n["id"] for n in p["nodes"]))
        for node, hop in zip(p["nodes"][1:], p["hops"], strict=True):
            # The id too when the name differs: ids are what `--target` and the other commands take.
            named = node["name"] if node["name"] in (None, node["id"]) else f"{node['name']} ({node['id']})"
            typer.echo(f"       [{hop['type']}] {node['label']} {named}: {hop['reason']}")


@app.command("drift")
def drift_cmd(
    from_: Annotated[
        str | None, typer.Option("--from", help="Run id or date (YYYY-MM-DD); default the run before --to.")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Run id or date; default the latest run.")] = None,
    target: Annotated[str | None, typer.Option(help="Target asset id.")] = None,
    label: Annotated[str | None, typer.Option(help="Target label (S3Bucket, AdminRole, …).")] = None,
    account: Annotated[str | None, typer.Option(help="Only paths through this AWS account.")] = None,
    cluster: Annotated[str | None, typer.Option(help="Only paths through this cluster.")] = None,
    max_hops: Annotated[int | None, typer.Option(min=1, help="Capped by INVGRAPH_EXPOSURE_MAX_HOPS.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Exposure change between two runs: assets newly / no longer reachable, paths new / gone / re-scored."""
    from analysis.exposure.drift import DriftError, exposure_drift

    try:
        doc = _guard(exposure_drift, from_, to, target, label, account, cluster, max_hops)
    except DriftError as exc:
        raise _fail(str(exc)) from exc
    if fmt is Format.json:
        typer.echo(json.dumps(doc, indent=2))
        return
    from cli.exposure_drift_view import print_drift

    print_drift(doc)
