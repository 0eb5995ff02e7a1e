"""`invgraph query list|run`: the investigation library from the command line (same answers as the API).

`run` goes through `api.investigations.run_investigation`, the function `POST /api/v1/queries/{id}/run`
calls: same parameter checks, guard, plan check, timeout and row / byte limits (the API settings).
"""

from __future__ import annotations

import json
import time
from typing import Annotated, Any

import typer

from cli.output import Col, FormatOption, ListFormat, emit, unknown_id

app = typer.Typer(help="Saved, parameterised investigations (the library of docs/investigations.md).")


@app.command("list")
def list_cmd(fmt: FormatOption = ListFormat.table) -> None:
    """List the library: id, title, parameters (json: the GET /api/v1/queries shape)."""
    from api.routers.queries import library_listing

    doc = library_listing().model_dump()
    rows = [
        {
            "id": q["id"],
            "title": q["title"],
            "parameters": [
                f"{p['name']}: {p['type']}" + ("" if p["required"] else f" = {p['default']}")
                for p in q["parameters"]
            ],
            "providers": ", ".join(q["providers"]),
        }
        for q in doc["queries"]
    ]
    cols = [
        Col("id", "id", is_id=True),
        Col("title", "title"),
        Col("parameters", "parameters"),
        Col("providers", "providers"),
    ]
    emit(rows, cols, fmt, json_doc=doc)


def _cell(value: Any) -> str:
    """A short text for tables and CSV: nodes as (:Label {id}), relationships as [:TYPE], else JSON."""
    if isinstance(value, dict) and "labels" in value and "properties" in value:
        props = value["properties"]
        ident = props.get("id", props.get("name", value["element_id"]))
        return f"(:{':'.join(value['labels'])} {ident})"
    if isinstance(value, dict) and "type" in value and "start" in value and "properties" in value:
        return f"[:{value['type']}]"
    if isinstance(value, dict) and "nodes" in value and "relationships" in value:
        return " ".join(_cell(n) for n in value["nodes"])
    if isinstance(value, dict | list) and not (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    ):
        return json.dumps(value, sort_keys=True, default=str)
    return value  # type: ignore[no-any-return]  # strings, numbers, lists of strings: the table prints them


def _parse_params(inv: Any, given: list[str]) -> dict[str, Any]:
    from queries.library import ParameterError, parse_text

    declared = {p.name: p for p in inv.meta.parameters}
    out: dict[str, Any] = {}
    for item in given:
        name, sep, text = item.partition("=")
        if not sep:
            raise ParameterError([f"--param {item!r} must be NAME=VALUE"])
        # An undeclared name is passed through as text: bind() then reports it with the declared ones.
        out[name] = parse_text(declared[name], text) if name in declared else text
    return out


@app.command("run")
def run_cmd(
    query_id: Annotated[str, typer.Argument(metavar="ID", help="A library id (invgraph query list).")],
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", metavar="NAME=VALUE", help="A parameter value; repeat for several."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="Rows (default and cap: the API settings).")
    ] = None,
    fmt: FormatOption = ListFormat.table,
) -> None:
    """Run one investigation. Exit 0 with rows, 1 refused / timed out / failed, 2 bad id or parameters."""
    from api.cypher_guard import CypherRefused
    from api.errors import ApiError
    from api.investigations import library, run_investigation
    from config import get_settings
    from queries.library import ParameterError

    inv = library().get(query_id)
    if inv is None:
        raise unknown_id("investigation", query_id, (i.id for i in library()), code=2)
    start = time.perf_counter()
    try:
        result = run_investigation(inv, _parse_params(inv, param or []), get_settings().api, limit)
    except ParameterError as err:
        typer.echo(f"error: {query_id}: {err}", err=True)
        raise typer.Exit(2) from err
    except ApiError as err:
        typer.echo(f"error: {err.message}", err=True)
        raise typer.Exit(2 if err.status == 422 else 1) from err
    except CypherRefused as err:
        typer.echo(f"error: query refused ({err.rule}): {err.message}", err=True)
        raise typer.Exit(1) from err
    doc = {
        "columns": result.columns,
        "rows": result.rows,
        "truncated": result.truncated,
        "truncated_by": result.truncated_by,
        "row_count": len(result.rows),
        "elapsed_ms": round((time.perf_counter() - start) * 1000, 3),
    }
    rows = [{c: _cell(v) for c, v in zip(result.columns, row, strict=True)} for row in result.rows]
    # A column whose every value is one word (ARNs, ids, names) is an id column: printed whole, never
    # wrapped; the table falls back to one block per row when those do not fit the terminal.
    cols = [
        Col(c, c, is_id=all(" " not in str(r[c]) and "\n" not in str(r[c]) for r in rows))
        for c in result.columns
    ]
    emit(rows, cols, fmt, title=inv.meta.title, json_doc=doc)
    if result.truncated and fmt is ListFormat.table:
        typer.echo(f"(truncated by {result.truncated_by}: raise --limit or narrow the parameters)", err=True)
