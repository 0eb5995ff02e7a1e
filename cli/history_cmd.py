"""`invgraph history …`: drift, asset timeline, snapshot pass for cartography graphs, retention."""

from __future__ import annotations

import json
from typing import Annotated

import typer

app = typer.Typer(
    help="Change history: drift between runs, asset timelines, retention.", no_args_is_help=True
)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


@app.command("drift")
def drift_cmd(
    from_: Annotated[
        str | None, typer.Option("--from", help="Run id or date (YYYY-MM-DD); default: the run before --to.")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Run id or date; default: the latest run.")] = None,
    account: Annotated[str | None, typer.Option(help="Only this AWS account id.")] = None,
    cluster: Annotated[str | None, typer.Option(help="Only this Kubernetes cluster name.")] = None,
    label: Annotated[str | None, typer.Option(help="Only assets with this node label.")] = None,
    severity: Annotated[str | None, typer.Option(help="Only findings of this severity.")] = None,
    project: Annotated[str | None, typer.Option(help="Only assets of this GCP project id.")] = None,
) -> None:
    """Print the drift between two retained runs as JSON (docs/history-and-drift.md); see `invgraph drift`."""
    from history.drift import DriftError, Filters, dumps
    from queries.drift import drift

    try:
        typer.echo(dumps(drift(from_, to, Filters(account, cluster, label, severity, project))))
    except DriftError as exc:
        raise _fail(str(exc)) from exc


@app.command("asset")
def asset_cmd(
    asset_id: Annotated[str, typer.Argument(help="The asset's id (ARN, instance id, uid, …).")],
) -> None:
    """Every recorded change of one asset across runs, oldest first, as JSON."""
    from history.timeline import asset_history

    entries = asset_history(asset_id)
    if not entries:
        raise _fail(f"no recorded changes for {asset_id!r}")
    typer.echo(json.dumps(entries, indent=2, default=str))


@app.command("snapshot")
def snapshot_cmd() -> None:
    """Full fingerprint pass over a graph loaded by another tool (cartography); records changes as a run."""
    from history.snapshot import snapshot_pass

    typer.echo(json.dumps(snapshot_pass(), indent=2))


@app.command("prune")
def prune_cmd(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show which runs would go; change nothing.")
    ] = False,
) -> None:
    """Apply retention (INVGRAPH_RETENTION_DAILY/_WEEKLY/_MONTHLY); pruned runs fold into the next kept."""
    from history.retention import dumps, prune

    typer.echo(dumps(prune(dry_run=dry_run)))
