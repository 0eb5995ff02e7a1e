"""`invgraph apikey create|list|rotate|revoke`: manage API keys in the application database.

Secrets are printed once, on stdout alone (so `KEY=$(invgraph apikey create …)` works); everything else
goes to stderr.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console

from cli.output import Col, FormatOption, ListFormat, emit, unknown_id

app = typer.Typer(help="Manage API keys for the HTTP API.", no_args_is_help=True)
console = Console(stderr=True)
_SHORT = {"aws_accounts": "aws", "gcp_projects": "gcp", "clusters": "k8s", "azure_subscriptions": "azure"}


class Role(StrEnum):
    viewer = "viewer"
    analyst = "analyst"
    admin = "admin"


def _audit(action: str, detail: str) -> None:
    from appdb import audit

    # Actions at the console are audited like API ones, attributed to the CLI rather than a key.
    audit.record(
        audit.AuditEvent(key_id="cli", key_name="invgraph cli", action=action, outcome="ok", detail=detail)
    )


def _duration(option: str, text: str | None) -> timedelta | None:
    from appdb.keys import parse_duration

    if text is None:
        return None
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=option) from exc


def _ids(values: list[str] | None) -> list[str]:
    """Repeated options and comma-separated lists both work: --account 1 --account 2 / --account 1,2."""
    return [v.strip() for value in values or () for v in value.split(",") if v.strip()]


@app.command("create")
def create(
    name: Annotated[str, typer.Option("--name", help="Who or what uses the key (e.g. 'grafana').")],
    role: Annotated[Role, typer.Option("--role", help="viewer < analyst < admin.")],
    expires: Annotated[
        str | None, typer.Option("--expires", help="Lifetime: 12h, 90d, 2w … (default: never expires).")
    ] = None,
    accounts: Annotated[
        list[str] | None,
        typer.Option("--account", help="Limit the key to this AWS account (repeat or comma-separate)."),
    ] = None,
    projects: Annotated[
        list[str] | None,
        typer.Option("--project", help="Limit the key to this GCP project id (repeat or comma-separate)."),
    ] = None,
    clusters: Annotated[
        list[str] | None,
        typer.Option(
            "--cluster", help="Limit the key to this Kubernetes cluster (repeat or comma-separate)."
        ),
    ] = None,
    subscriptions: Annotated[
        list[str] | None,
        typer.Option(
            "--subscription",
            help="Limit the key to this Azure subscription id (repeat or comma-separate).",
        ),
    ] = None,
) -> None:
    """Create a key and print it once (stdout); only its sha256 is stored."""
    from appdb import keys as apikeys

    scopes = apikeys.Scopes.of(
        {
            "aws_accounts": _ids(accounts),
            "gcp_projects": _ids(projects),
            "clusters": _ids(clusters),
            "azure_subscriptions": _ids(subscriptions),
        }
    )
    key, secret = apikeys.create_key(name, role.value, _duration("--expires", expires), scopes)
    _audit("apikey.create", f"id={key.id} name={key.name} role={key.role}")
    limits = f", expires {key.expires_at}" if key.expires_at else ""
    limits += ", scoped" if key.scopes.limited else ""
    console.print(
        f"created key [bold]{key.id}[/bold] ({key.role}{limits}); store it now, it is not shown again:"
    )
    typer.echo(secret)


@app.command("list")
def list_(
    as_json: Annotated[
        bool, typer.Option("--json", help="JSON instead of a table (same as --format json).")
    ] = False,
    fmt: FormatOption = ListFormat.table,
) -> None:
    """List keys (never secrets): role, scopes, expiry, last use."""
    from dataclasses import asdict

    from appdb import keys as apikeys

    rows = []
    for k in apikeys.list_keys():
        if k.revoked_at:
            status = f"revoked {k.revoked_at[:10]}"
        elif k.expired():
            status = f"expired {(k.expires_at or '')[:10]}"
        else:
            status = f"until {k.expires_at[:10]}" if k.expires_at else "live"
        scopes = " ".join(f"{_SHORT[kind]}:{','.join(v)}" for kind, v in k.scopes.as_dict().items() if v)
        rows.append(
            {
                **asdict(k),
                "scopes": k.scopes.as_dict() if k.scopes.limited else None,
                "status": status,
                "scope_text": scopes or "all",
            }
        )
    # JSON keeps the shape scripts already read: the key's fields, scopes as a dict or null.
    doc = [{k: v for k, v in r.items() if k not in ("status", "scope_text")} for r in rows]
    emit(
        rows,
        [
            Col("id", "id", is_id=True),
            Col("name", "name"),
            Col("role", "role"),
            Col("prefix", "prefix", is_id=True),
            Col("created", "created_at"),
            Col("last used", "last_used_at"),
            Col("status", "status"),
            Col("scopes", "scope_text"),
        ],
        ListFormat.json if as_json else fmt,
        json_doc=doc,
    )


@app.command("rotate")
def rotate(
    key_id: Annotated[str, typer.Argument(help="Key id (from `invgraph apikey list`).")],
    grace: Annotated[
        str | None,
        typer.Option("--grace", help="Keep the old key working this long (e.g. 1h); default: revoke it now."),
    ] = None,
    expires: Annotated[
        str | None,
        typer.Option("--expires", help="Lifetime of the new key (default: the old key's lifetime)."),
    ] = None,
) -> None:
    """Replace a key by a new one with the same name, role and scopes; print the new key once (stdout)."""
    from appdb import keys as apikeys

    rotated = apikeys.rotate_key(key_id, _duration("--grace", grace), _duration("--expires", expires))
    if rotated is None:
        console.print(f"[red]error:[/red] no live API key with id {key_id!r}")
        raise typer.Exit(1)
    old, new, secret = rotated
    _audit("apikey.rotate", f"id={old.id} new_id={new.id} name={new.name}")
    ends = f"expires {old.expires_at}" if old.revoked_at is None else f"revoked {old.revoked_at}"
    console.print(
        f"rotated {old.id} ({old.name}): old key {ends}; new key [bold]{new.id}[/bold], "
        "store it now, it is not shown again:"
    )
    typer.echo(secret)


@app.command("revoke")
def revoke(key_id: Annotated[str, typer.Argument(help="Key id (from `invgraph apikey list`).")]) -> None:
    """Revoke a key. Running API processes stop accepting it within INVGRAPH_KEY_CACHE_TTL_S."""
    from appdb import keys as apikeys

    key = apikeys.revoke_key(key_id)
    if key is None:
        raise unknown_id("API key", key_id, (k.id for k in apikeys.list_keys()))
    _audit("apikey.revoke", f"id={key.id} name={key.name}")
    console.print(f"revoked {key.id} ({key.name}) at {key.revoked_at}")
