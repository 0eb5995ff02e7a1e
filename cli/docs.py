"""Generate docs/cli.md from the Typer app: every command and every option, with its help text.

`python -m cli.docs > docs/cli.md`; tests/unit/test_cli_docs.py fails when the file is out of date.
"""

from __future__ import annotations

from typing import Any

import typer

from cli.main import app


def _walk(cmd: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    out = [(path, cmd)]
    if hasattr(cmd, "commands"):
        for name in sorted(cmd.commands):
            out += _walk(cmd.commands[name], [*path, name])
    return out


def _param_line(p: Any) -> str:
    # Typer's parameter classes are its own; tell arguments from options by click's type name.
    if p.param_type_name == "argument":
        return f"| `{(p.name or '').upper()}` (argument) | {getattr(p, 'help', '') or ''} | required |"
    names = ", ".join(f"`{n}`" for n in [*p.opts, *getattr(p, "secondary_opts", [])])
    default = "" if p.default is None or getattr(p, "is_flag", False) and not p.default else f"`{p.default}`"
    help_text = getattr(p, "help", None) or ""
    return f"| {names} | {help_text.replace('|', '/')} | {default} |"


def render() -> str:
    root = typer.main.get_command(app)
    lines = [
        "# Command line reference",
        "",
        "Generated from the code by `python -m cli.docs`; a test keeps it in sync.",
        "",
    ]
    for path, cmd in _walk(root, ["invgraph"]):
        params = [p for p in cmd.params if p.name not in ("help", "install_completion", "show_completion")]
        if hasattr(cmd, "commands") and len(path) > 1 and not params:
            lines += [f"## `{' '.join(path)}`", "", (cmd.help or "").strip().splitlines()[0], ""]
            continue
        lines += [f"### `{' '.join(path)}`", "", (cmd.help or "").strip(), ""]
        if params:
            lines += [
                "| option | meaning | default |",
                "|---|---|---|",
                *(_param_line(p) for p in params),
                "",
            ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")
