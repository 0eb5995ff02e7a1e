"""`invgraph roadmap …`: the maturity scorecard, and the roadmap spreadsheet's CSV round trip."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

# Help text: the callback's docstring (the scorecard is what `invgraph roadmap` alone prints).
app = typer.Typer(invoke_without_command=True)


class ScoreFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
    html = "html"


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"


def _write(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)


Output = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")]


@app.callback()
def scorecard(
    ctx: typer.Context,
    fmt: Annotated[
        ScoreFormat, typer.Option("--format", help="table, json, markdown or html.")
    ] = ScoreFormat.table,
    threshold: Annotated[
        float,
        typer.Option(
            min=0.01,
            max=1.0,
            help="Share of a level's controls that must pass (muted / accepted ones count) "
            "for the level to be met.",
        ),
    ] = 1.0,
    runs: Annotated[int, typer.Option(min=1, max=100, help="Control runs shown in the trend.")] = 10,
    output: Output = None,
) -> None:
    """Roadmap maturity scorecard (sub-commands: the roadmap CSV). Per domain and layer: the level the control
    evidence supports, the controls blocking the next level, pass rates per level, the trend over the last
    runs (docs/roadmap.md)."""
    if ctx.invoked_subcommand is not None:
        return
    from queries.roadmap.scorecard import build_scorecard

    card = build_scorecard(threshold=threshold, runs=runs)
    if fmt is ScoreFormat.json:
        import json

        _write(json.dumps(card.to_dict(), indent=2) + "\n", output)
    elif fmt is ScoreFormat.markdown:
        _write(card.to_markdown(), output)
    elif fmt is ScoreFormat.html:
        _write(card.to_html(), output)
    else:
        _print_table(card.to_dict(), output)


def _print_table(doc: dict, output: Path | None) -> None:
    from rich.console import Console

    from cli.output import Col, render_table
    from queries.roadmap.render import HEADERS, blocker_lines, caption, rows

    console = Console(file=output.open("w", encoding="utf-8") if output else None)
    say = lambda text: console.print(text, markup=False, highlight=False, emoji=False, crop=False)  # noqa: E731
    say(caption(doc))
    if doc["available"]:
        cols = [Col(h, str(i), is_id=h != "Domain") for i, h in enumerate(HEADERS)]
        render_table(
            [{str(i): v for i, v in enumerate(r)} for r in rows(doc, ids_shown=False)], cols, console=console
        )
        lines = blocker_lines(doc)
        if lines:
            say("Blocking the next level:")
            for line in lines:
                say(f"  {line}")


@app.command("import")
def import_cmd(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="Roadmap CSV (UTF-8, Excel quoting).")
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the file only; store nothing.")] = False,
) -> None:
    """Store a roadmap CSV (columns in any order, extra columns kept). Any malformed row: exit 1 with every
    problem's line and column, and nothing stored."""
    from queries.roadmap.csvio import RoadmapCsvError
    from queries.roadmap.service import import_csv

    try:
        counts = import_csv(file, dry_run=dry_run)
    except RoadmapCsvError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    verb = "checked" if dry_run else "imported"
    typer.echo(
        f"{verb} {counts['tasks']} task(s) from {file.name}: {counts['linked']} linked to controls, "
        f"{counts['manual']} with a manual status only"
    )


@app.command("export")
def export_cmd(
    fmt: Annotated[ExportFormat, typer.Option("--format", help="csv or json.")] = ExportFormat.csv,
    window: Annotated[
        int,
        typer.Option(
            "--runs", min=1, max=100, help="DONE needs every linked control to pass in this many last runs."
        ),
    ] = 3,
    bom: Annotated[
        bool, typer.Option("--bom", help="Start the CSV with a UTF-8 byte-order mark (for Excel).")
    ] = False,
    output: Output = None,
) -> None:
    """Write the roadmap in force (imported, else built-in) with Status and Metrics derived from the control
    evidence for linked tasks; the Status Source column says evidence or manual."""
    from queries.roadmap.service import export

    _write(export(fmt.value, window, bom=bom), output)


@app.command("reset")
def reset_cmd() -> None:
    """Forget the imported roadmap; the built-in one applies again."""
    from queries.roadmap.store import reset

    typer.echo(f"removed the imported roadmap ({reset()} task(s)); the built-in roadmap applies")
