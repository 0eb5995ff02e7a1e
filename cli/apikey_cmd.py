"""`invgraph apikey create|list|revoke`: manage API keys in the graph (secrets are printed once)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console

from cli.output import Col, FormatOption, ListFormat, emit, unknown_id

app = typer.Typer(help="Manage API keys for the HTTP API.", no_args_is_help=True)
console = Console(stderr=True)


class Role(StrEnum):
    viewer = "viewer"
    analyst = "analyst"
    admin = "admin"


def _audit(action: str, detail: str) -> None:
    from graph import audit

    # Actions at the console are audited like API ones, attributed to the CLI rather than a key.
    audit.record(audit.AuditEvent(key_id="cli", key_name="invgraph cli", action=action, outcome="ok",
                                  detail=detail))


@app.command("create")
def create(
    name: Annotated[str, typer.Option("--name", help="Who or what uses the key (e.g. 'grafana').")],
    role: Annotated[Role, typer.Option("--role", help="viewer < analyst < admin.")],
) -> None:
    """Create a key and print it once (stdout); only its sha256 is stored."""
    from graph import apikeys

    key, secret = apikeys.create_key(name, role.value)
    _audit("apikey.create", f"id={key.id} name={key.name} role={key.role}")
    console.print(f"created key [bold]{key.id}[/bold] ({key.role}); store it now, it is not shown again:")
    typer.echo(secret)


@app.command("list")
def list_(
    as_json: Annotated[
        bool, typer.Option("--json", help="JSON instead of a table (same as --format json).")
    ] = False,
    fmt: FormatOption = ListFormat.table,
) -> None:
    """List keys (never secrets)."""
    from dataclasses import asdict

    from graph import apikeys

    rows = [asdict(k) for k in apikeys.list_keys()]
    emit(rows, [Col("id", "id", is_id=True), Col("name", "name"), Col("role", "role"),
                Col("prefix", "prefix", is_id=True), Col("created", "created_at"),
                Col("revoked", "revoked_at")], ListFormat.json if as_json else fmt)


@app.command("revoke")
def revoke(key_id: Annotated[str, typer.Argument(help="Key id (from `invgraph apikey list`).")]) -> None:
    """Revoke a key. Running API processes stop accepting it within INVGRAPH_KEY_CACHE_TTL_S."""
    from graph import apikeys

    key = apikeys.revoke_key(key_id)
    if key is None:
        raise unknown_id("API key", key_id, (k.id for k in apikeys.list_keys()))
    _audit("apikey.revoke", f"id={key.id} name={key.name}")
    console.print(f"revoked {key.id} ({key.name}) at {key.revoked_at}")
