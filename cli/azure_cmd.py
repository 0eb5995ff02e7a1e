"""`invgraph collect azure --out DIR` and `invgraph ingest azure`: the live Azure path (management APIs).

`ingest azure` is `collect azure` into a temporary snapshot folder followed by `ingest snapshot` of it, so the
live and offline paths share one reader, transform and load. Exit codes as `ingest snapshot`: 0 ok,
2 partial (a call was refused or a module was partial), 1 failed.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.ingest_cmd import Format, collect_then_ingest

if TYPE_CHECKING:
    from ingest.azure.collect import AzureCollectReport

Tenant = Annotated[
    str | None,
    typer.Option("--tenant", help="Tenant id (default: the tenant of the first visible subscription)."),
]
Subscriptions = Annotated[
    list[str] | None,
    typer.Option("--subscription", help="Subscription id; repeat for several (default: every visible one)."),
]


def _collect(out: Path, tenant: str | None, subscriptions: list[str] | None) -> AzureCollectReport:
    try:
        from azure.core.exceptions import AzureError, ClientAuthenticationError

        from ingest.azure.collect import collect_azure
    except ImportError as exc:
        typer.echo("error: install the Azure extra: pip install 'invgraph[azure]'", err=True)
        raise typer.Exit(1) from exc
    try:
        return collect_azure(out, tenant=tenant, subscriptions=subscriptions or None)
    except (ValueError, FileExistsError, ClientAuthenticationError, AzureError) as exc:
        typer.echo(f"error: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", err=True)
        raise typer.Exit(1) from exc


def _print_errors(report: AzureCollectReport) -> None:
    for error in report.errors:
        typer.echo(f"not collected: {error}", err=True)


def register(collect_app: typer.Typer, ingest_app: typer.Typer) -> None:
    @collect_app.command("azure")
    def collect_azure_cmd(
        out: Annotated[
            Path, typer.Option("--out", help="Snapshot folder to write (azure/<tenant>/ must not exist).")
        ],
        tenant: Tenant = None,
        subscription: Subscriptions = None,
    ) -> None:
        """Write a snapshot folder from the Azure management APIs (DefaultAzureCredential). Exit 0 ok, 2
        partial, 1 failed."""
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
        report = _collect(out, tenant, subscription)
        _print_errors(report)
        typer.echo(f"{report.status}: {report.files_written} files for tenant {report.scope} in {out}")
        raise typer.Exit(report.exit_code)

    @ingest_app.command("azure")
    def ingest_azure_cmd(
        tenant: Tenant = None,
        subscription: Subscriptions = None,
        fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    ) -> None:
        """Collect from the Azure management APIs and ingest as one run. Exit 0 ok, 2 partial, 1 failed."""

        def collect(tmp: Path) -> AzureCollectReport:
            report = _collect(tmp, tenant, subscription)
            _print_errors(report)
            return report

        collect_then_ingest("azure", collect, lambda r: not r.files_written, fmt)
