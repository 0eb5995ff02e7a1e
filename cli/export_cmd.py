"""`invgraph controls export --format ocsf|asff|scc`: a control run's findings for other systems."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer


class ExportFormat(StrEnum):
    ocsf = "ocsf"
    asff = "asff"
    scc = "scc"


def securityhub_client(region: str) -> Any:
    """A boto3 Security Hub client (credentials from the usual AWS chain: env, profile, role)."""
    import boto3

    return boto3.client("securityhub", region_name=region)


def _fail(message: str, code: int) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def register(controls: typer.Typer) -> None:
    @controls.command("export")
    def export(
        fmt: Annotated[
            ExportFormat,
            typer.Option(
                "--format",
                help="ocsf: OCSF 1.x Compliance Finding events; asff: Security Hub BatchImportFindings "
                "body; scc: Security Command Center findings (docs/finding-exports.md).",
            ),
        ],
        control_run: Annotated[
            str | None, typer.Option("--run", help="Control run id (default: the latest).")
        ] = None,
        output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
        region: Annotated[
            str | None, typer.Option(help="asff: the Security Hub region (e.g. eu-west-1).")
        ] = None,
        aws_account_id: Annotated[
            str | None,
            typer.Option(
                help="asff: the importing account (product ARN; findings not scoped to an AWS account)."
            ),
        ] = None,
        send: Annotated[
            bool,
            typer.Option(
                "--send", help="asff: also call BatchImportFindings through boto3 (AWS credentials)."
            ),
        ] = False,
        scc_source: Annotated[
            str | None,
            typer.Option(help="scc: the custom source, organizations/ORG_ID/sources/SOURCE_ID."),
        ] = None,
    ) -> None:
        """Export a control run's findings (open, muted, and those it resolved) with stable ids.

        Exit codes: 0 written (and sent); 1 no such control run, or Security Hub refused some findings
        (each listed); 2 bad options.
        """
        from queries.catalogue import load_catalogue
        from queries.export import asff, ocsf, scc
        from queries.export.records import collect

        if send and fmt is not ExportFormat.asff:
            _fail("--send works with --format asff only", 2)
        if fmt is ExportFormat.asff and (not region or not aws_account_id):
            _fail("--format asff needs --region and --aws-account-id", 2)
        if fmt is ExportFormat.scc and not scc_source:
            _fail("--format scc needs --scc-source organizations/ORG_ID/sources/SOURCE_ID", 2)
        try:
            findings = collect(load_catalogue().controls, control_run)
        except LookupError as exc:
            _fail(str(exc), 1)
        doc: Any
        try:
            if fmt is ExportFormat.ocsf:
                doc = ocsf.to_ocsf(findings)
            elif fmt is ExportFormat.asff:
                doc = asff.to_asff(findings, region or "", aws_account_id or "")
            else:
                doc = scc.to_scc(findings, scc_source or "")
        except (asff.AsffOptionsError, scc.SccOptionsError) as exc:
            _fail(str(exc), 2)
        text = json.dumps(doc, indent=2, default=str)
        if output:
            output.write_text(text + "\n")
        else:
            typer.echo(text)
        count = len(
            doc["Findings"]
            if fmt is ExportFormat.asff
            else doc["findings"]
            if fmt is ExportFormat.scc
            else doc
        )
        run_id = findings[0].run_id if findings else control_run or "latest"
        typer.echo(f"{count} finding(s) of control run {run_id} as {fmt.value}", err=True)
        if fmt is ExportFormat.scc and doc["skipped"]:
            typer.echo(
                f"{len(doc['skipped'])} finding(s) not on GCP resources left out (listed in 'skipped')",
                err=True,
            )
        if send:
            imported, failed = asff.send(securityhub_client(region or ""), doc)
            typer.echo(f"Security Hub imported {imported} finding(s), refused {len(failed)}", err=True)
            for f in failed:
                typer.secho(
                    f"refused {f['Id']}: {f['ErrorCode']}: {f['ErrorMessage']}", fg=typer.colors.RED, err=True
                )
            if failed:
                raise typer.Exit(1)
