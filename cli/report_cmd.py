"""`invgraph report nightly`: drift since the previous run and finding changes, as markdown / HTML / JSON."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Reports.", no_args_is_help=True)


class Fmt(StrEnum):
    markdown = "markdown"
    html = "html"
    json = "json"


@app.command("nightly")
def nightly(
    fmt: Annotated[Fmt, typer.Option("--format", help="Output format.")] = Fmt.markdown,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of stdout.")] = None,
    webhook: Annotated[
        str | None,
        typer.Option(
            "--webhook", help="POST a Slack-compatible summary here.", envvar="INVGRAPH_REPORT_WEBHOOK"
        ),
    ] = None,
    from_: Annotated[
        str | None, typer.Option("--from", help="Run id or date; default: the run before --to.")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Run id or date; default: the latest run.")] = None,
) -> None:
    """Build the nightly report. Exit 1 when there is nothing to compare or the webhook fails (3 attempts)."""
    from analysis.report.nightly import build
    from analysis.report.output import deliver
    from analysis.report.webhook import WebhookError
    from history.drift import DriftError

    try:
        report = build(from_, to)
        text = deliver(report, fmt.value, out, webhook)
    except (DriftError, WebhookError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    if out is None:
        typer.echo(text, nl=False)
    else:
        typer.echo(f"wrote {out}", err=True)
