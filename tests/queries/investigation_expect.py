"""Check a library investigation's answer against its `expected.yaml` (the planted answer on the sample).

Format::

    cases:
      - parameters: {name: value}          # "{prod}" etc.: filled from the sample's manifest
        contains: [{column: value}]        # each must match at least one row
        excludes: [{column: value}]        # none may match any row (the sample's decoys)
        rows: 0                            # optional: exact row count
    graph: {nodes: …, rels: …}             # optional: run on this small graph instead of the sample,
                                           # for answers the sample lacks (graph_fixture.py format)

A row matches `{column: value}` when every named column equals the value; a dotted name reads into a node
or relationship object (`node.properties.id`); a scalar expected against a list column means membership.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

PLACEHOLDERS = ("prod", "shared", "vendor", "org", "project", "folder", "cluster")


def placeholders(manifest: dict[str, Any]) -> dict[str, str]:
    accounts = {a["name"]: a["account_id"] for a in manifest["accounts"]}
    gcp = manifest["gcp"]
    return {
        "prod": accounts["prod"],
        "shared": accounts["shared"],
        "vendor": manifest["external_accounts"][0]["account_id"],
        "org": gcp["scope"],
        "project": gcp["projects"][0]["project_id"],
        "folder": gcp["folder"].split("/")[-1],
        "cluster": manifest["clusters"][0]["name"],
    }


def fill(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format_map(values)
    if isinstance(value, list):
        return [fill(v, values) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, values) for k, v in value.items()}
    return value


def read_expected(folder: Path) -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load((folder / "expected.yaml").read_text())
    unknown = set(raw) - {"cases", "graph"}
    assert not unknown, f"{folder.name}: unknown keys {unknown} in expected.yaml"
    return raw


def read_cases(folder: Path, values: dict[str, str]) -> list[dict[str, Any]]:
    cases = read_expected(folder)["cases"]
    for case in cases:
        unknown = set(case) - {"parameters", "contains", "excludes", "rows"}
        assert not unknown, f"{folder.name}: unknown keys {unknown} in expected.yaml"
        assert case.get("contains") or "rows" in case, f"{folder.name}: a case checks nothing"
    return [fill(c, values) for c in cases]


def _read(row: dict[str, Any], name: str) -> Any:
    head, _, rest = name.partition(".")
    value = row.get(head)
    for part in rest.split(".") if rest else []:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def matches(row: dict[str, Any], want: dict[str, Any]) -> bool:
    for name, expected in want.items():
        got = _read(row, name)
        if isinstance(got, list) and not isinstance(expected, list):
            if expected not in got:
                return False
        elif got != expected:
            return False
    return True


def problems(columns: list[str], rows: list[list[Any]], case: dict[str, Any]) -> list[str]:
    """Every way the answer misses the case (empty: it holds)."""
    records = [dict(zip(columns, r, strict=True)) for r in rows]
    out = []
    for name in {k.partition(".")[0] for w in case.get("contains", []) + case.get("excludes", []) for k in w}:
        if name not in columns:
            out.append(f"no column {name!r} (columns: {columns})")
    for want in case.get("contains", []):
        if not any(matches(r, want) for r in records):
            out.append(f"no row matches {want}")
    for unwanted in case.get("excludes", []):
        if any(matches(r, unwanted) for r in records):
            out.append(f"a row matches excluded {unwanted}")
    if "rows" in case and len(records) != case["rows"]:
        out.append(f"{len(records)} rows, expected {case['rows']}")
    return out
