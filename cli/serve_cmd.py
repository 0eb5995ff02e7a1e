"""`invgraph serve`: the HTTP API under uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer


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

        from api.settings import get_api_settings

        s = get_api_settings()
        uvicorn.run(
            "api.app:create_app",
            factory=True,
            host=host or s.host,
            port=port or s.port,
            workers=workers or s.workers,
            log_level="info",
        )
