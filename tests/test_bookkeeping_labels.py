"""The one registry of bookkeeping labels (graph/schema/bookkeeping.py) and the table docs/schema.md shows."""

from __future__ import annotations

import re
from pathlib import Path

from graph.schema.bookkeeping import BOOKKEEPING_LABELS
from graph.schema.labels import schema_labels

REPO = Path(__file__).resolve().parents[1]
ROW = re.compile(r"^\| `(\w+)` \| `([\w/.]+)` \|$")


def test_docs_schema_table_equals_the_registry() -> None:
    text = (REPO / "docs" / "schema.md").read_text()
    section = text.split("## Bookkeeping labels", 1)[1].split("\n## ", 1)[0]
    rows = [m.groups() for line in section.splitlines() if (m := ROW.match(line))]
    assert rows == list(BOOKKEEPING_LABELS.items()), (
        "docs/schema.md 'Bookkeeping labels' differs from graph/schema/bookkeeping.py; rows should be:\n"
        + "\n".join(f"| `{label}` | `{owner}` |" for label, owner in BOOKKEEPING_LABELS.items())
    )


def test_each_owner_names_its_label() -> None:
    for label, owner in BOOKKEEPING_LABELS.items():
        assert label in (REPO / owner).read_text(), f"{owner} does not mention {label}"


def test_no_asset_schema_uses_a_bookkeeping_label() -> None:
    labels = set(schema_labels()) | {x for extra in schema_labels().values() for x in extra}
    assert labels & set(BOOKKEEPING_LABELS) == set()
