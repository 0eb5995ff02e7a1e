"""`invgraph neo4j install|start|status|stop`: the embedded Neo4j Community server."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from config import get_settings
from graph.embedded import server
from graph.embedded.install import EmbeddedError, ensure_installed

app = typer.Typer(help="Run the embedded Neo4j Community 5.26 server (loopback only).", no_args_is_help=True)

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir", help="Store folder (default ~/.local/share/invgraph/neo4j; env INVGRAPH_NEO4J_DATA)."
    ),
]


def _data_dir(value: Path | None) -> Path:
    return value or get_settings().embedded.data_dir()


def _fail(exc: EmbeddedError) -> None:
    typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


@app.command()
def install() -> None:
    """Download the Neo4j jars from Maven Central and compile the launcher (done once, cached)."""
    try:
        rt = ensure_installed()
    except EmbeddedError as exc:
        _fail(exc)
    typer.echo(f"Neo4j {server.NEO4J_VERSION} ready in {rt.lib_dir.parent} (Java {rt.java_major})")


@app.command()
def start(
    data_dir: DataDir = None,
    port: Annotated[int, typer.Option(help="Bolt port on 127.0.0.1.")] = 7687,
    heap: Annotated[str, typer.Option(help="JVM heap (-Xms/-Xmx).")] = "1g",
    pagecache: Annotated[str, typer.Option(help="Neo4j page cache size.")] = "512m",
    tx_timeout: Annotated[str, typer.Option(help="Server-side transaction timeout.")] = "120s",
    tx_memory: Annotated[str, typer.Option(help="Memory cap per transaction.")] = "1g",
    wait: Annotated[float, typer.Option(help="Seconds to wait for Bolt to answer.")] = 120.0,
) -> None:
    """Start Neo4j in the background; returns when Bolt answers."""
    began = time.monotonic()
    opts = server.ServerOptions(
        data_dir=_data_dir(data_dir),
        port=port,
        heap=heap,
        pagecache=pagecache,
        tx_timeout=tx_timeout,
        tx_memory_max=tx_memory,
        start_timeout=wait,
    )
    try:
        state = server.start(opts)
    except EmbeddedError as exc:
        _fail(exc)
    typer.echo(
        f"Neo4j {state.version} running: {state.uri} (pid {state.pid}, data {state.data_dir}, "
        f"log {state.log}, started in {time.monotonic() - began:.1f}s)"
    )


@app.command()
def status(data_dir: DataDir = None) -> None:
    """Say whether Neo4j runs for this data folder (exit 1 when it does not)."""
    state = server.read_state(_data_dir(data_dir).resolve())
    if not state:
        typer.echo(f"Neo4j is not running for {_data_dir(data_dir)}")
        raise typer.Exit(1)
    typer.echo(f"Neo4j {state.version} running: {state.uri} (pid {state.pid}, log {state.log})")


@app.command()
def stop(data_dir: DataDir = None) -> None:
    """Shut Neo4j down cleanly (SIGTERM, then wait)."""
    state = server.stop(_data_dir(data_dir))
    typer.echo(f"Neo4j stopped (pid {state.pid})" if state else "Neo4j was not running")
