"""`invgraph serve`: the HTTP API under uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from config import Neo4jSettings, env_name, get_settings


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: Annotated[
            str | None, typer.Option(help="Bind address (env INVGRAPH_HOST, default 127.0.0.1).")
        ] = None,
        port: Annotated[int | None, typer.Option(help="Port (env INVGRAPH_PORT, default 8000).")] = None,
        workers: Annotated[int | None, typer.Option(help="Worker processes (env INVGRAPH_WORKERS).")] = None,
    ) -> None:
        """Serve the API and the dashboard."""
        import uvicorn

        settings = get_settings()
        s = settings.api
        n = workers or s.workers
        if n > 1:
            _hand_to_workers(settings.neo4j)
        uvicorn.run(
            "api.app:create_app",
            factory=True,
            host=host or s.host,
            port=port or s.port,
            workers=n,
            log_level="info",
        )


def _hand_to_workers(neo4j: Neo4jSettings) -> None:
    """uvicorn starts each worker as a fresh interpreter that reads its settings from the environment: the
    connection options given on the command line reach the workers only there."""
    import os

    for name in neo4j.model_fields_set:
        os.environ[env_name("neo4j", name)] = str(getattr(neo4j, name))
