"""What the generators of docs/controls.md and docs/investigations.md share: table cells, and the one way a
generated page is written or checked (`--check` exits 1 when the committed copy differs)."""

from __future__ import annotations

import sys
from pathlib import Path


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell: a `|` would end the cell, a newline the row."""
    return text.replace("|", "\\|").replace("\n", " ")


def write_or_check(doc: Path, text: str, command: str, argv: list[str] | None = None) -> int:
    """Write `text` to `doc`, or with `--check` compare only; `command` is how to regenerate it."""
    argv = sys.argv[1:] if argv is None else argv
    if "--check" in argv:
        if not doc.is_file() or doc.read_text() != text:
            print(f"{doc} is out of date: run {command}", file=sys.stderr)
            return 1
        return 0
    doc.write_text(text)
    print(f"wrote {doc}")
    return 0
