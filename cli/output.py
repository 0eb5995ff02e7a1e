"""How every list-like command prints: one table / JSON / CSV helper, and one "unknown id" error.

Tables follow the terminal width (or COLUMNS) and never cut an identifier: id columns keep their full
width and are never wrapped, text columns wrap (folding words longer than the column). When the id
columns alone do not fit the terminal, each row is printed as a block of `name: value` lines instead, so
an id is always one whole, copyable line.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOption = Annotated[ListFormat, typer.Option("--format", help="table (default), json or csv.")]


@dataclass(frozen=True)
class Col:
    """One output column. ``key`` reads the row (a dict key, or a function of the row)."""

    header: str
    key: str | Callable[[dict[str, Any]], Any]
    is_id: bool = False  # never wrapped, never truncated
    numeric: bool = False

    def value(self, row: dict[str, Any]) -> Any:
        return self.key(row) if callable(self.key) else row.get(self.key)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "\n".join(_text(v) for v in value)
    return str(value)


def _csv_text(value: Any) -> str:
    # Lists become one cell; "; " keeps spreadsheets and `cut` happy where a newline would not.
    return "; ".join(_text(v) for v in value) if isinstance(value, list | tuple) else _text(value)


def render_table(
    rows: Sequence[dict[str, Any]],
    cols: Sequence[Col],
    title: str | None = None,
    console: Console | None = None,
) -> None:
    """Print rows as a table sized to the terminal; see the module docstring for the id rule."""
    console = console or Console()
    cells = [[_text(c.value(r)) for c in cols] for r in rows]
    widths = [
        max([len(c.header), *(len(line) for row in cells for line in row[i].splitlines())])
        for i, c in enumerate(cols)
    ]
    # Rich's frame: one border column plus " x │" (3 characters) per column; text columns may shrink to 8.
    needed = 1 + sum(w + 3 if c.is_id else min(w, 8) + 3 for c, w in zip(cols, widths, strict=True))
    if rows and needed > console.width:
        _render_records(cells, cols, title, console)
        return
    fitted = _fit(widths, [c.is_id for c in cols], console.width - 1 - 3 * len(cols))
    table = Table(title=title)
    for c, w in zip(cols, fitted, strict=True):
        table.add_column(
            c.header,
            width=w,
            no_wrap=c.is_id,
            overflow="ignore" if c.is_id else "fold",
            justify="right" if c.numeric else "left",
        )
    for row in cells:
        # Text, not str: ids and reasons are data, a "[bold]" in a name must print as typed.
        table.add_row(*(Text(v) for v in row))
    console.print(table, crop=False)
    if not rows:
        console.print("(none)", markup=False, highlight=False, emoji=False)


def _fit(widths: list[int], is_id: list[bool], room: int) -> list[int]:
    """Column widths for ``room`` characters of content: ids get their full width; the rest is shared
    among text columns, narrow ones keeping their natural width and wide ones splitting what is left."""
    fitted = list(widths)
    text = [i for i, flag in enumerate(is_id) if not flag]
    left = room - sum(w for w, flag in zip(widths, is_id, strict=True) if flag)
    while text:
        share = max(left // len(text), 1)
        narrow = [i for i in text if widths[i] <= share]
        if not narrow:
            for n, i in enumerate(sorted(text, key=lambda i: widths[i])):
                fitted[i] = max(share + (1 if n < left - share * len(text) else 0), 1)
            break
        for i in narrow:
            left -= widths[i]
            text.remove(i)
    return fitted


def _render_records(cells: list[list[str]], cols: Sequence[Col], title: str | None, console: Console) -> None:
    if title:
        console.print(title, markup=False, highlight=False, emoji=False)
    width = max(len(c.header) for c in cols)
    for row in cells:
        for c, value in zip(cols, row, strict=True):
            lines = value.splitlines() or [""]
            # emoji off too: ":secret:" inside a Secrets Manager ARN must not become a pictogram.
            console.print(
                f"{c.header:>{width}}: {lines[0]}",
                markup=False,
                highlight=False,
                emoji=False,
                crop=False,
                soft_wrap=c.is_id,
            )
            for line in lines[1:]:
                console.print(
                    f"{'':>{width}}  {line}", markup=False, highlight=False, emoji=False, soft_wrap=c.is_id
                )
        console.print("")


def to_csv(rows: Sequence[dict[str, Any]], cols: Sequence[Col]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.header for c in cols])
    for r in rows:
        writer.writerow([_csv_text(c.value(r)) for c in cols])
    return out.getvalue()


def emit(
    rows: Sequence[dict[str, Any]],
    cols: Sequence[Col],
    fmt: str,
    *,
    title: str | None = None,
    json_doc: Any = None,
) -> None:
    """Print rows in ``fmt``. JSON prints ``json_doc`` when given (a command's documented JSON shape),
    else the rows themselves, every field kept; CSV and the table print ``cols``."""
    if fmt == ListFormat.json:
        typer.echo(json.dumps(rows if json_doc is None else json_doc, indent=2, default=str))
    elif fmt == ListFormat.csv:
        typer.echo(to_csv(rows, cols), nl=False)
    else:
        render_table(rows, cols, title)


def nearest(value: str, known: Iterable[str], n: int = 3) -> list[str]:
    """Known ids closest to ``value``: spelling neighbours first, then ids containing all its words."""
    known = list(dict.fromkeys(known))
    close = difflib.get_close_matches(value, known, n=n, cutoff=0.5)
    words = {w for w in value.lower().replace("-", "_").split("_") if w}
    if words:
        close += [k for k in known if k not in close and words <= set(k.lower().replace("-", "_").split("_"))]
    return close[:n]


def unknown_id(kind: str, value: str, known: Iterable[str], code: int = 1) -> typer.Exit:
    """Print `error: unknown <kind> <value>; did you mean …?` on stderr; the caller raises the result
    (exit ``code``: 1, or a command's documented code for bad input such as `controls run`'s 2)."""
    close = nearest(value, known)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    typer.echo(f"error: unknown {kind} {value}{hint}", err=True)
    return typer.Exit(code)
