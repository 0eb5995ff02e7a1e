"""`invgraph collect gcp --out DIR` and `invgraph ingest gcp`: the live GCP path (Cloud Asset Inventory, then
the usage inputs: IAM policy insights and Activity Analyzer — ingest/gcp/collect_usage.py).

`ingest gcp` is `collect gcp` into a temporary snapshot folder followed by `ingest snapshot` of it, so the
live and offline paths share one reader, transform and load. Exit codes as `ingest snapshot`: 0 ok,
2 partial (a content type was refused or a module was partial), 1 failed.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.ingest_cmd import Format, collect_then_ingest

if TYPE_CHECKING:
    from ingest.gcp.collect import GcpCollectReport

Organization = Annotated[str | None, typer.Option("--organization", help="Organization id (digits).")]
Project = Annotated[str | None, typer.Option("--project", help="Project id.")]


def _collect(out: Path, organization: str | None, project: str | None) -> GcpCollectReport:
    try:
        from google.auth.exceptions import GoogleAuthError

        from ingest.gcp.collect import collect_gcp
    except ImportError as exc:
        typer.echo("error: install the GCP extra: pip install 'invgraph[gcp]'", err=True)
        raise typer.Exit(1) from exc
    try:
        return collect_gcp(out, organization=organization, project=project)
    except (ValueError, FileExistsError, GoogleAuthError) as exc:  # bad arguments, --out, credentials
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc


def _print_errors(report: GcpCollectReport) -> None:
    for error in report.errors:
        typer.echo(f"not collected: {error}", err=True)


def register(collect_app: typer.Typer, ingest_app: typer.Typer) -> None:
    @collect_app.command("gcp")
    def collect_gcp_cmd(
        out: Annotated[
            Path, typer.Option("--out", help="Snapshot folder to write (gcp/<id>/ must be empty).")
        ],
        organization: Organization = None,
        project: Project = None,
    ) -> None:
        """Write a snapshot folder from Cloud Asset Inventory, IAM policy insights and Activity Analyzer.
        Exit 0 ok, 2 partial (an input was refused: not collected), 1 failed."""
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
        report = _collect(out, organization, project)
        _print_errors(report)
        typer.echo(f"{report.status}: {report.files_written} files for {report.scope} in {out}")
        raise typer.Exit(report.exit_code)

    @ingest_app.command("gcp")
    def ingest_gcp_cmd(
        organization: Organization = None,
        project: Project = None,
        fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    ) -> None:
        """Collect from Cloud Asset Inventory and the usage APIs, ingest as one run. Exit 0 ok, 2 partial,
        1 failed."""

        def collect(tmp: Path) -> GcpCollectReport:
            report = _collect(tmp, organization, project)
            _print_errors(report)
            return report

        collect_then_ingest("gcp", collect, lambda r: not r.files_written, fmt)
