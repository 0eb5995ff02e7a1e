"""`invgraph collect k8s` (write a snapshot folder) and `invgraph ingest k8s` (collect live, then ingest)."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cli.ingest_cmd import Format, print_summary

console = Console(stderr=True)
ContextOpt = Annotated[
    str | None, typer.Option("--context", help="kubeconfig context (default: the current one).")
]


def _collect(out: Path, context: str | None) -> list[str]:
    from ingest.k8s.collect import CollectError, collect_k8s

    try:
        errors = collect_k8s(out, context)
    except CollectError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
    for err in errors:
        console.print(f"[yellow]not collected:[/yellow] {err}")
    return errors


def register(collect_app: typer.Typer, ingest_app: typer.Typer) -> None:
    @collect_app.command("k8s")
    def collect_k8s_cmd(
        out: Annotated[Path, typer.Option("--out", help="Snapshot folder to write into.")],
        context: ContextOpt = None,
    ) -> None:
        """Collect one cluster as `kubectl get <r> -A -o json` files. Exit 0 ok, 2 if some were denied."""
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
        out.mkdir(parents=True, exist_ok=True)
        errors = _collect(out, context)
        meta = out / "snapshot.json"
        if not meta.exists():  # an AWS collection into the same folder may have written it already
            meta.write_text(json.dumps({"collected_at": datetime.now(UTC).isoformat()}) + "\n")
        raise typer.Exit(2 if errors else 0)

    @ingest_app.command("k8s")
    def ingest_k8s_cmd(
        context: ContextOpt = None,
        fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    ) -> None:
        """Collect one cluster live into a temporary snapshot and ingest it. Exit 0 ok, 2 partial, 1 failed"""
        from ingest.sources.errors import InputError
        from pipeline.run import ingest_snapshot

        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
        tmp = Path(tempfile.mkdtemp(prefix="invgraph-k8s-"))
        try:
            (tmp / "snapshot.json").write_text(json.dumps({"collected_at": datetime.now(UTC).isoformat()}))
            errors = _collect(tmp, context)
            try:
                report = ingest_snapshot(tmp, show_progress=fmt is Format.table and console.is_terminal)
            except InputError as exc:
                console.print(f"[red]error:[/red] {exc}")
                raise typer.Exit(1) from exc
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        if fmt is Format.json:
            typer.echo(json.dumps({**report.as_json(), "collection_errors": errors}, indent=2))
        else:
            print_summary(report)
        # A denied resource kept its old data; that is a partial run even if every module loaded.
        raise typer.Exit(max(report.exit_code, 2) if errors and report.exit_code != 1 else report.exit_code)
