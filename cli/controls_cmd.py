"""`invgraph controls list|show|run|mute|accept`: saved Cypher verification controls."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cli.output import Col, FormatOption, ListFormat, emit, render_table, unknown_id

app = typer.Typer(
    help="Verification controls: saved Cypher queries that check the known good state.", no_args_is_help=True
)


def _console() -> Console:
    # Built per command so the width follows the terminal (or COLUMNS) at call time.
    return Console()


class Format(StrEnum):
    table = "table"
    json = "json"
    sarif = "sarif"
    csv = "csv"


class FailOn(StrEnum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"


def _catalogue():  # noqa: ANN202 - imported lazily so `invgraph --help` never touches Neo4j or YAML
    from queries.catalogue import CatalogueError, load_catalogue

    try:
        return load_catalogue()
    except CatalogueError as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None


@app.command("list")
def list_controls(
    severity: Annotated[list[str] | None, typer.Option(help="Only these severities (repeatable).")] = None,
    layer: Annotated[str | None, typer.Option(help="cloud, kubernetes or both.")] = None,
    fmt: FormatOption = ListFormat.table,
) -> None:
    """List the controls of the catalogue."""
    from queries.service import select

    rows = [
        c.meta.model_dump(mode="json")
        for c in select(_catalogue(), severities=severity or ())
        if not layer or c.meta.layer.value == layer
    ]
    emit(
        rows,
        [
            Col("id", "id", is_id=True),
            Col("severity", "severity"),
            Col("layer", "layer"),
            Col("domain", "domain"),
            Col("maturity", "maturity"),
            Col("title", "title"),
        ],
        fmt,
    )


def _known(control_id: str, catalogue=None, code: int = 1):  # noqa: ANN001, ANN202 - lazy Catalogue
    """The control with this id, or exit ``code`` naming the nearest ids."""
    catalogue = catalogue or _catalogue()
    if control_id not in catalogue.controls:
        raise unknown_id("control", control_id, catalogue.controls, code)
    return catalogue.controls[control_id]


@app.command()
def show(control_id: Annotated[str, typer.Argument(help="Control id.")]) -> None:
    """Show one control: metadata, parameters and query."""
    control = _known(control_id)
    _console().print_json(control.meta.model_dump_json())
    _console().print("\n[bold]query.cypher[/bold]")
    _console().print(control.query, markup=False, highlight=False)
    _console().print("[bold]evaluated.cypher[/bold]")
    _console().print(control.evaluated_query, markup=False, highlight=False)


def _epoch(value: str | None) -> int | None:
    if value is None:
        return None
    if value.isdigit():
        return int(value)
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return int((parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp())


@app.command()
def run(
    control_id: Annotated[
        list[str] | None, typer.Option("--id", help="Run only these controls (repeatable).")
    ] = None,
    severity: Annotated[
        list[str] | None, typer.Option(help="Run only these severities (repeatable).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    ingest_run: Annotated[
        str | None,
        typer.Option(
            help="Ingest run to record the results against (default: the latest finished one, "
            "whose data the graph holds)."
        ),
    ] = None,
    now: Annotated[
        str | None,
        typer.Option(help="Evaluation time, ISO or epoch seconds (default: the ingest run's collected_at)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to this file.")
    ] = None,
    fail_on_unknown: Annotated[
        bool,
        typer.Option(
            "--fail-on-unknown",
            help="Exit 3 when some asset could not be decided (its data was not collected) and none errored.",
        ),
    ] = False,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on",
            help="CI gate (critical, high, medium or low): exit 4 when a finding of this severity or above "
            "is open (muted and accepted findings never block).",
        ),
    ] = None,
    new_only: Annotated[
        bool,
        typer.Option(
            "--new-only",
            help="With --fail-on: only findings the previous finished run did not see block (docs/ci.md).",
        ),
    ] = False,
) -> None:
    """Run controls against the graph, store the results and findings, print the report.

    Exit codes: 0 every control ran (findings are the product) and the gate, if any, passed; 1 a control
    errored (its message is in every output); 2 bad catalogue or options; 3 with --fail-on-unknown: some
    result unknown; 4 with --fail-on: a blocking finding (listed on stderr). When several apply, the first
    of 2, 1, 4, 3 wins.
    """
    from queries.catalogue import CatalogueError
    from queries.gate import baseline_for, blocking, verdict_lines
    from queries.report import summary, to_csv
    from queries.sarif import to_sarif
    from queries.service import execute, load_validated, select

    if new_only and fail_on is None:
        typer.secho("error: --new-only needs --fail-on", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    try:
        catalogue = load_validated()
        for cid in control_id or ():
            _known(cid, catalogue, code=2)  # 2: bad input, as for every catalogue error of `run`
        controls = select(catalogue, control_id or (), severity or ())
    except CatalogueError as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    try:
        outcome = execute(controls, ingest_run, _epoch(now))
    except LookupError as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    report = outcome.report
    if fmt is Format.table:
        _print_table(report)
        text = None
    elif fmt is Format.json:
        text = json.dumps(report, indent=2, default=str)
    elif fmt is Format.csv:
        text = to_csv(report)
    else:
        stored = {f["id"]: f for fs in outcome.stored.values() for f in fs}
        text = json.dumps(to_sarif(report, catalogue.controls, suppressions=stored), indent=2, default=str)
    if text is not None:
        if output:
            output.write_text(text)
        else:
            typer.echo(text)
    counts = summary(report)
    typer.secho(
        f"control run {report['run_id']}: {counts['pass']} pass, {counts['fail']} fail, "
        f"{counts['unknown']} unknown, {counts['error']} error",
        err=True,
    )
    for c in report["controls"]:
        if c["status"] == "error":
            typer.secho(f"error: control {c['id']}: {c['error']}", fg=typer.colors.RED, err=True)
    gate_failed = False
    if fail_on is not None:
        baseline = baseline_for(report["run_id"]) if new_only else None
        found = blocking(report, catalogue.controls, fail_on.value, baseline)
        for line in verdict_lines(found, fail_on.value, baseline):
            typer.secho(line, fg=typer.colors.RED if found else None, err=True)
        gate_failed = bool(found)
    # Findings are the product, not a process failure (unless a gate was asked for); a control that could
    # not run is.
    if counts["error"]:
        raise typer.Exit(1)
    if gate_failed:
        raise typer.Exit(4)
    raise typer.Exit(3 if fail_on_unknown and counts["unknown"] else 0)


def _print_table(report: dict) -> None:
    rows = []
    for c in report["controls"]:
        first = {k: c[k] for k in ("id", "severity", "status", "evaluated", "failed", "unknown")}
        lines = [dict(f) for f in c["findings"]]
        if c["unknowns"]:  # one line per control: the assets are in --format json / csv / sarif
            missing = sorted({p for u in c["unknowns"] for p in u["missing"]})
            lines.append(
                {
                    "asset_id": f"{c['unknown']} asset(s)",
                    "state": "unknown",
                    "reason": f"not collected: {', '.join(missing)}",
                }
            )
        if c["status"] == "error":
            lines.insert(0, {"asset_id": "", "state": "error", "reason": c["error"] or ""})
        rows += [{**(first if i == 0 else {}), **f} for i, f in enumerate(lines)] or [first]
    render_table(
        rows,
        [
            Col("control", "id", is_id=True),
            Col("severity", "severity"),
            Col("status", "status"),
            Col("evaluated", "evaluated", numeric=True),
            Col("failed", "failed", numeric=True),
            Col("unknown", "unknown", numeric=True),
            Col("asset", "asset_id", is_id=True),
            Col("state", "state"),
            Col("reason", "reason"),
        ],
    )


def _suppress(kind: str, finding_id: str, reason: str, author: str, until: str) -> None:
    from queries.findings import suppress

    try:
        day = date.fromisoformat(until)
        row = suppress(finding_id, kind, reason, author, day)
    except (ValueError, LookupError) as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{kind} {row['id']} ({row['control_id']} / {row['asset_id']}) until {day.isoformat()}")


Reason = Annotated[str, typer.Option(help="Why (required).")]
Author = Annotated[str, typer.Option(help="Who decided (required).")]
Until = Annotated[str, typer.Option(help="Expiry date YYYY-MM-DD (inclusive); the finding reverts after it.")]


@app.command()
def mute(
    finding_id: Annotated[str, typer.Argument(help="Finding id (sha256).")],
    reason: Reason,
    author: Author,
    until: Until,
) -> None:
    """Mute a finding until a date: kept across runs, shown as muted."""
    _suppress("muted", finding_id, reason, author, until)


@app.command()
def accept(
    finding_id: Annotated[str, typer.Argument(help="Finding id (sha256).")],
    reason: Reason,
    author: Author,
    until: Until,
) -> None:
    """Accept a finding's risk until a date: kept across runs, shown as accepted."""
    _suppress("accepted", finding_id, reason, author, until)


STATES = ("new", "open", "resolved", "reopened", "muted", "accepted")


@app.command()
def findings(
    control_id: Annotated[str | None, typer.Option("--id", help="Only this control.")] = None,
    state: Annotated[
        str | None, typer.Option(help="new, open, resolved, reopened, muted or accepted.")
    ] = None,
    fmt: FormatOption = ListFormat.table,
) -> None:
    """List stored findings with their ids (for mute / accept)."""
    from graph import driver

    if control_id is not None:
        _known(control_id)
    if state is not None and state not in STATES:
        raise unknown_id("state", state, STATES)
    rows = driver.read(
        """
        MATCH (f:Finding) WHERE $control IS NULL OR f.control_id = $control
        WITH f, coalesce(f.suppression, f.state) AS shown WHERE $state IS NULL OR shown = $state
        RETURN f.id AS id, f.control_id AS control, f.asset_id AS asset, shown AS state,
               toString(f.first_seen) AS first_seen, toString(f.last_seen) AS last_seen
        ORDER BY control, asset
        """,
        {"control": control_id, "state": state},
    )
    # ids are what `mute` / `accept` and `controls show` take: never cut (cli/output.py)
    emit(
        rows,
        [
            Col("control", "control", is_id=True),
            Col("asset", "asset", is_id=True),
            Col("state", "state"),
            Col("first seen", "first_seen"),
            Col("last seen", "last_seen"),
            Col("finding id", "id", is_id=True),
        ],
        fmt,
    )
