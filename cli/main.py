"""The `invgraph` command: one Typer app, one sub-app per area (neo4j, ingest, controls, …)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from cli import (
    apikey_cmd,
    aws_cmd,
    controls_cmd,
    drift_cmd,
    exposure_cmd,
    gcp_cmd,
    history_cmd,
    ingest_cmd,
    k8s_cmd,
    neo4j_cmd,
    privileges_cmd,
    report_cmd,
    sample_cmd,
    schedule_cmd,
    serve_cmd,
)

app = typer.Typer(
    name="invgraph",
    help="Asset-inventory graph and query service for cloud security teams.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def _connection(
    neo4j_uri: Annotated[str | None, typer.Option(help="Neo4j URI (env NEO4J_URI).")] = None,
    neo4j_user: Annotated[str | None, typer.Option(help="Neo4j user (env NEO4J_USER).")] = None,
    neo4j_password: Annotated[str | None, typer.Option(help="Neo4j password (env NEO4J_PASSWORD).")] = None,
    neo4j_database: Annotated[str | None, typer.Option(help="Neo4j database (env NEO4J_DATABASE).")] = None,
) -> None:
    """Connection options apply to every sub-command; they override the environment."""
    from graph.settings import get_neo4j_settings

    for name, value in (
        ("NEO4J_URI", neo4j_uri), ("NEO4J_USER", neo4j_user),
        ("NEO4J_PASSWORD", neo4j_password), ("NEO4J_DATABASE", neo4j_database),
    ):
        if value is not None:
            os.environ[name] = value
    get_neo4j_settings.cache_clear()


app.add_typer(neo4j_cmd.app, name="neo4j")
app.add_typer(ingest_cmd.app, name="ingest")
collect_app = typer.Typer(help="Write a snapshot folder from live APIs.", no_args_is_help=True)
app.add_typer(collect_app, name="collect")
aws_cmd.register(collect_app, ingest_cmd.app)
k8s_cmd.register(collect_app, ingest_cmd.app)
gcp_cmd.register(collect_app, ingest_cmd.app)
app.add_typer(apikey_cmd.app, name="apikey")
app.add_typer(controls_cmd.app, name="controls")
app.add_typer(exposure_cmd.app, name="exposure")
app.add_typer(history_cmd.app, name="history")
app.add_typer(privileges_cmd.app, name="privileges")
app.add_typer(report_cmd.app, name="report")
schedule_cmd.register(app)
drift_cmd.register(app)
ingest_cmd.register_runs(app)
sample_cmd.register(app)
serve_cmd.register(app)


def main() -> None:
    """Console entry point: an unreachable or refusing Neo4j is one line naming the URI, not a traceback."""
    from neo4j.exceptions import AuthError, ServiceUnavailable

    try:
        app()
    except ServiceUnavailable as exc:
        from graph.settings import get_neo4j_settings

        uri = get_neo4j_settings().uri
        typer.echo(
            f"error: cannot reach Neo4j at {uri} ({exc}). Start it with `invgraph neo4j start` "
            "or point --neo4j-uri / NEO4J_URI at a running server.",
            err=True,
        )
        raise SystemExit(1) from None
    except AuthError as exc:
        typer.echo(f"error: Neo4j refused the credentials (NEO4J_USER / NEO4J_PASSWORD): {exc}", err=True)
        raise SystemExit(1) from None
