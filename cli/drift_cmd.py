"""`invgraph drift`: asset and finding drift between two runs, as JSON, Markdown or HTML.

The same document as ``invgraph history drift`` (which keeps printing JSON) and ``GET /api/v1/drift``; the
Markdown and HTML renderings are the nightly report's drift sections (analysis/report/).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class DriftFormat(StrEnum):
    json = "json"
    markdown = "markdown"
    html = "html"


def register(app: typer.Typer) -> None:
    @app.command("drift")
    def drift_cmd(
        from_: Annotated[
            str | None,
            typer.Option("--from", help="Run id or date (YYYY-MM-DD); default: the run before --to."),
        ] = None,
        to: Annotated[
            str | None, typer.Option("--to", help="Run id or date; default: the latest run.")
        ] = None,
        account: Annotated[str | None, typer.Option(help="Only this AWS account id.")] = None,
        cluster: Annotated[str | None, typer.Option(help="Only this Kubernetes cluster name.")] = None,
        project: Annotated[str | None, typer.Option(help="Only assets of this GCP project id.")] = None,
        label: Annotated[str | None, typer.Option(help="Only assets with this node label.")] = None,
        severity: Annotated[str | None, typer.Option(help="Only findings of this severity.")] = None,
        fmt: Annotated[
            DriftFormat, typer.Option("--format", help="json, markdown or html.")
        ] = DriftFormat.json,
        out: Annotated[
            Path | None, typer.Option("--out", help="Write to this file instead of stdout.")
        ] = None,
    ) -> None:
        """Assets added / removed / changed and findings new / resolved / reopened between two runs."""
        from analysis.report.nightly import build
        from analysis.report.output import render
        from history.drift import DriftError, Filters, dumps
        from queries.drift import drift

        filters = Filters(account, cluster, label, severity, project)
        try:
            if fmt is DriftFormat.json:
                text = dumps(drift(from_, to, filters)) + "\n"
            else:
                text = render(build(from_, to, filters, drift_only=True), fmt.value)
        except DriftError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from exc
        if out is None:
            typer.echo(text, nl=False)
        else:
            out.write_text(text, encoding="utf-8")
            typer.echo(f"wrote {out}", err=True)
