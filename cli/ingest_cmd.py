"""`invgraph ingest snapshot DIR` and `invgraph runs`."""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Protocol

import typer
from rich.console import Console
from rich.table import Table

from cli.output import Col, FormatOption, ListFormat, emit

app = typer.Typer(help="Load assets into the graph.", no_args_is_help=True)
console = Console(stderr=True)


class Format(StrEnum):
    table = "table"
    json = "json"


@app.command("snapshot")
def snapshot(
    directory: Annotated[Path, typer.Argument(help="Snapshot folder (docs/snapshot-format.md).")],
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=32,
            help="Scopes (AWS account x region, cluster, GCP scope) loaded at once "
            "(default: the INVGRAPH_INGEST_WORKERS setting, 1).",
        ),
    ] = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="MERGE every row again instead of writing only new and changed ones "
            "(INVGRAPH_INCREMENTAL_LOAD=false); the graph ends the same.",
        ),
    ] = False,
) -> None:
    """Ingest one snapshot folder as one run. Exit 0 ok, 2 partial (something skipped), 1 failed."""
    from config import get_settings, set_settings
    from ingest.sources.errors import InputError
    from pipeline.run import ingest_snapshot

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if full:
        current = get_settings()
        ingest = current.ingest.model_copy(update={"incremental_load": False})
        set_settings(current.model_copy(update={"ingest": ingest}))
    try:
        show = fmt is Format.table and console.is_terminal
        report = ingest_snapshot(directory, show_progress=show, workers=workers)
    except InputError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
    if fmt is Format.json:
        typer.echo(json.dumps(report.as_json(), indent=2))
    else:
        print_summary(report)
    raise typer.Exit(report.exit_code)


class Collection(Protocol):
    """What a live collector reports (ingest.aws.collect.CollectReport, ingest.gcp.collect's report)."""

    errors: list[Any]

    def as_json(self) -> dict[str, Any]: ...


def collect_then_ingest(
    provider: str,
    collect: Callable[[Path], Collection],
    collected_nothing: Callable[[Collection], bool],
    fmt: Format,
) -> None:
    """`ingest aws|gcp`: collect into a temporary snapshot folder, ingest it as one run, print, exit.

    The live and offline paths share one reader, transform and load. A failed call left its resource
    types "not collected" (old data kept), so an ok load after collection errors is only partial (2).
    """
    from ingest.sources.errors import InputError
    from pipeline.run import ingest_snapshot

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with tempfile.TemporaryDirectory(prefix=f"invgraph-{provider}-") as tmp:
        collected = collect(Path(tmp))
        if collected_nothing(collected):
            typer.echo(f"error: nothing could be collected from {provider.upper()}", err=True)
            raise typer.Exit(1)
        try:
            run = ingest_snapshot(Path(tmp), show_progress=fmt is Format.table and console.is_terminal)
        except InputError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from exc
    if fmt is Format.json:
        typer.echo(json.dumps({**run.as_json(), "collection": collected.as_json()}, indent=2))
    else:
        print_summary(run)
    raise typer.Exit(2 if run.exit_code == 0 and collected.errors else run.exit_code)


def print_summary(report) -> None:  # type: ignore[no-untyped-def]
    table = Table(title=f"{report.run_id}: {report.status}")
    for col in ("module", "scope", "status", "nodes", "rels", "errors"):
        table.add_column(col)
    for m in report.modules:
        if m.status == "not collected" and not m.errors:
            continue
        color = {"ok": "green", "partial": "yellow", "failed": "red"}.get(m.status.value, "dim")
        table.add_row(
            m.name,
            m.scope,
            f"[{color}]{m.status.value}[/{color}]",
            str(m.nodes),
            str(m.relationships),
            "\n".join(m.errors)[:500],
        )
    Console().print(table)
    # Steps after the load (history, analyses) that did not complete: the run is partial because of them.
    for step in report.steps:
        if step.status != "ok":
            typer.echo(f"step {step.name} {step.status}: {step.error}")
    not_collected = sum(1 for m in report.modules if m.status == "not collected")
    if not_collected:
        typer.echo(f"{not_collected} module scopes not collected (no input file): their data was kept.")
    # A file nobody read is either unknown to every module or belongs to a module that failed before
    # reading it; the module table above says which modules failed.
    for path in report.skipped:
        typer.echo(f"not read (unknown file, or its module failed first): {path}")


def register_runs(root: typer.Typer) -> None:
    @root.command("runs")
    def runs_cmd(
        limit: Annotated[int, typer.Option(help="How many runs, newest first.")] = 20,
        fmt: FormatOption = ListFormat.table,
    ) -> None:
        """List ingest runs with their per-module status."""
        from history.runs import list_runs

        rows = list_runs(limit)

        def counts(r: dict[str, Any]) -> str:
            return "/".join(
                str(sum(1 for m in r["modules"] if m["status"] == s))
                for s in ("ok", "partial", "failed", "not collected")
            )

        emit(
            rows,
            [
                Col("run", "id", is_id=True),
                Col("status", "status"),
                Col("collected_at", "collected_at"),
                Col("started_at", "started_at"),
                Col("modules ok/partial/failed/not collected", counts),
            ],
            fmt,
            title="ingest runs",
        )
