"""docs/cli.md documents every command and option (regenerate with `python -m cli.docs > docs/cli.md`)."""

from pathlib import Path

from cli.docs import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_cli_reference_is_up_to_date() -> None:
    assert DOC.read_text() == render(), "docs/cli.md is stale: run `python -m cli.docs > docs/cli.md`"
