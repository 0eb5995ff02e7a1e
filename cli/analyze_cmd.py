"""`invgraph analyze`: run the post-ingest analyses on the graph as it is (ours or Cartography's)."""

from __future__ import annotations

import json
from typing import Annotated

import typer


def analyze(
    from_cartography: Annotated[
        bool,
        typer.Option(
            "--from-cartography",
            help="The graph was written by Cartography: record a history pass first and read its model "
            "(docs/cartography.md).",
        ),
    ] = False,
    controls: Annotated[
        bool, typer.Option("--controls/--no-controls", help="Run the control catalogue at the end.")
    ] = True,
) -> None:
    """History (with --from-cartography), privileges, exposure and controls on the loaded graph; prints JSON.

    Exit codes: 0 done, 1 an analysis step failed or a control errored, 2 nothing to analyse (no ingest run
    and no --from-cartography).
    Undecided controls (data not collected) are counted as unknown in the output, never as pass.
    """
    from pipeline.analyze import analyze as run

    try:
        report = run(from_cartography, controls)
    except LookupError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(json.dumps(report.as_json(), indent=2, default=str))
    errors = [c for c in (report.controls_report or {}).get("controls", []) if c["status"] == "error"]
    for c in errors:
        typer.echo(f"error: control {c['id']}: {c['error']}", err=True)
    failed = [s for s in report.steps if s["status"] == "failed"]
    for s in failed:
        typer.echo(f"error: step {s['name']}: {s['error']}", err=True)
    raise typer.Exit(1 if errors or failed else 0)


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze)
