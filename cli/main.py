"""The `invgraph` command: one Typer app, one sub-app per area (neo4j, ingest, controls, …)."""

from __future__ import annotations

import re
from typing import Annotated

import typer
from pydantic import ValidationError

from cli import (
    analyze_cmd,
    apikey_cmd,
    aws_cmd,
    ci_cmd,
    controls_cmd,
    drift_cmd,
    export_cmd,
    exposure_cmd,
    gcp_cmd,
    history_cmd,
    ingest_cmd,
    k8s_cmd,
    neo4j_cmd,
    privileges_cmd,
    query_cmd,
    report_cmd,
    roadmap_cmd,
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
    wait: Annotated[
        float | None,
        typer.Option(
            "--wait",
            min=0,
            metavar="SECONDS",
            help="Keep trying to reach Neo4j this long before giving up (env NEO4J_CONNECT_WAIT; "
            "default 0: an unreachable Neo4j is reported within 5 s).",
        ),
    ] = None,
) -> None:
    """Connection options apply to every sub-command; they override the environment."""
    from config import Settings, set_settings

    given = {
        "uri": neo4j_uri,
        "user": neo4j_user,
        "password": neo4j_password,
        "database": neo4j_database,
        "connect_wait": wait,
    }
    # Built and validated here, once, with the options passed explicitly (never written to os.environ);
    # every layer below reads them through config.get_settings().
    set_settings(Settings(neo4j={k: v for k, v in given.items() if v is not None}))


app.add_typer(neo4j_cmd.app, name="neo4j")
app.add_typer(ingest_cmd.app, name="ingest")
collect_app = typer.Typer(help="Write a snapshot folder from live APIs.", no_args_is_help=True)
app.add_typer(collect_app, name="collect")
aws_cmd.register(collect_app, ingest_cmd.app)
k8s_cmd.register(collect_app, ingest_cmd.app)
gcp_cmd.register(collect_app, ingest_cmd.app)
app.add_typer(apikey_cmd.app, name="apikey")
app.add_typer(controls_cmd.app, name="controls")
export_cmd.register(controls_cmd.app)
app.add_typer(exposure_cmd.app, name="exposure")
app.add_typer(history_cmd.app, name="history")
app.add_typer(privileges_cmd.app, name="privileges")
app.add_typer(query_cmd.app, name="query")
app.add_typer(report_cmd.app, name="report")
app.add_typer(roadmap_cmd.app, name="roadmap")
schedule_cmd.register(app)
drift_cmd.register(app)
ingest_cmd.register_runs(app)
sample_cmd.register(app)
serve_cmd.register(app)
analyze_cmd.register(app)
ci_cmd.register(app)


def _quiet_libraries() -> None:
    """Library warnings and log chatter (Cartography's Python-version warning, the driver's "will be
    retried" lines) are not for a user's terminal: the outcome is reported once, by us."""
    import logging

    logging.captureWarnings(True)
    for name in ("py.warnings", "neo4j"):
        lib = logging.getLogger(name)
        lib.addHandler(logging.NullHandler())
        lib.propagate = False


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _unreachable_reason(exc: Exception) -> str:
    # The driver nests the socket error in a multi-line message; its last "reason …" is the useful part.
    text = _one_line(exc)
    found = re.findall(r"reason ([^()]+)", text)
    return found[-1].strip() if found else text


def _settings_error(exc: ValidationError) -> str:
    """One line naming each bad setting by its environment variable (loc is (section, field, …))."""
    from config import env_name

    parts = []
    for e in exc.errors():
        msg = str(e["msg"]).removeprefix("Value error, ")
        loc = [str(x) for x in e["loc"]]
        if exc.title == "Settings" and len(loc) >= 2:
            field = env_name(loc[0], loc[1])
        else:  # a section-wide check (its message names the variables) or another model
            field = "_".join(loc[1:] if exc.title == "Settings" else loc).upper()
        parts.append(msg if not field or field in msg else f"{field}: {msg}")
    return _one_line("; ".join(parts))


def main() -> None:
    """Console entry point: a bad setting, an unreachable or refusing Neo4j is one line, not a traceback."""
    from neo4j.exceptions import AuthError, ConfigurationError, ServiceUnavailable

    _quiet_libraries()
    try:
        app()
    except ValidationError as exc:
        typer.echo(f"error: {_settings_error(exc)}", err=True)
        raise SystemExit(1) from None
    except ServiceUnavailable as exc:
        from config import get_settings

        uri = get_settings().neo4j.uri
        typer.echo(
            f"error: cannot reach Neo4j at {uri} ({_unreachable_reason(exc)}). Start it with "
            "`invgraph neo4j start`, point --neo4j-uri / NEO4J_URI at a running server, or pass "
            "--wait SECONDS to keep trying.",
            err=True,
        )
        raise SystemExit(1) from None
    except AuthError as exc:
        typer.echo(
            f"error: Neo4j refused the credentials (NEO4J_USER / NEO4J_PASSWORD): {_one_line(exc)}", err=True
        )
        raise SystemExit(1) from None
    except ConfigurationError as exc:
        typer.echo(f"error: invalid Neo4j connection setting: {_one_line(exc)}", err=True)
        raise SystemExit(1) from None
