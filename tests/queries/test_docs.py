"""docs/controls.md is generated from the catalogue and must match it."""

from __future__ import annotations

from queries.catalogue import load_catalogue
from queries.docs import DOC, render


def test_controls_reference_is_in_sync() -> None:
    assert DOC.read_text() == render(load_catalogue()), (
        "docs/controls.md is stale: run python -m queries.docs"
    )


def test_every_control_is_documented() -> None:
    text = DOC.read_text()
    assert all(f"`{c.id}`" in text for c in load_catalogue())
