"""`invgraph collect aws --out DIR` and `invgraph ingest aws`: the live AWS path.

`ingest aws` is `collect aws` into a temporary snapshot folder followed by `ingest snapshot` of it, so the
live and offline paths share one reader, transform and load. Exit codes as `ingest snapshot`: 0 ok,
2 partial (a call failed or a module was partial), 1 failed.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.ingest_cmd import Format, collect_then_ingest

if TYPE_CHECKING:
    from ingest.aws.collect import CollectReport

Profile = Annotated[str | None, typer.Option("--profile", help="AWS profile (default: the standard chain).")]
Regions = Annotated[
    str | None,
    typer.Option(
        "--regions",
        help="Comma-separated regions (default: every enabled region, from ec2 describe-regions).",
    ),
]
AssumeRoles = Annotated[
    list[str] | None,
    typer.Option("--assume-role", help="Role ARN to assume into another account; repeat for more accounts."),
]
ExternalId = Annotated[str | None, typer.Option("--external-id", help="External id for --assume-role.")]


def _collect(
    out: Path, profile: str | None, regions: str | None, roles: list[str] | None, external_id: str | None
) -> CollectReport:
    from botocore.exceptions import BotoCoreError

    from ingest.aws.collect import collect_aws

    region_list = [r.strip() for r in regions.split(",") if r.strip()] if regions else None
    try:
        return collect_aws(
            out, profile=profile, regions=region_list, assume_roles=roles or [], external_id=external_id
        )
    except (FileExistsError, BotoCoreError) as exc:  # a bad --out or --profile: nothing was collected
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc


def _print_errors(report: CollectReport) -> None:
    # Plain lines on stderr (no rich wrapping): operators grep these for the resource and error code.
    for error in sorted(report.errors, key=str):
        typer.echo(f"not collected: {error}", err=True)


def register(collect_app: typer.Typer, ingest_app: typer.Typer) -> None:
    @collect_app.command("aws")
    def collect_aws_cmd(
        out: Annotated[Path, typer.Option("--out", help="Snapshot folder to write (aws/ must be empty).")],
        profile: Profile = None,
        regions: Regions = None,
        assume_role: AssumeRoles = None,
        external_id: ExternalId = None,
    ) -> None:
        """Write a snapshot folder from the live AWS APIs. Exit 0 ok, 2 some calls failed, 1 failed."""
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
        report = _collect(out, profile, regions, assume_role, external_id)
        _print_errors(report)
        typer.echo(
            f"{report.status}: {report.files_written} files for accounts "
            f"{', '.join(report.accounts) or 'none'} in {out}"
        )
        raise typer.Exit(report.exit_code)

    @ingest_app.command("aws")
    def ingest_aws_cmd(
        profile: Profile = None,
        regions: Regions = None,
        assume_role: AssumeRoles = None,
        external_id: ExternalId = None,
        fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    ) -> None:
        """Collect from the live AWS APIs and ingest as one run. Exit 0 ok, 2 partial, 1 failed."""

        def collect(tmp: Path) -> CollectReport:
            report = _collect(tmp, profile, regions, assume_role, external_id)
            _print_errors(report)
            return report

        collect_then_ingest("aws", collect, lambda r: not r.accounts, fmt)
