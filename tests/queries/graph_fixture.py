"""Load a control's tiny YAML graph fixture into Neo4j with parameterised Cypher only.

Format (``queries/controls/<id>/fixtures/{fail,pass}.yaml``)::

    expect: [asset ids the control must return]      # [] in pass.yaml
    now: 1795154400                                  # optional, epoch seconds
    params: {name: value}                            # optional overrides of the control's defaults
    nodes:
      ref: {labels: [Label, ...], prop: value, ...}
    rels:
      - [from_ref, REL_TYPE, to_ref]                 # optional 4th item: relationship properties
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from graph import driver

# 2026-11-20T06:00:00Z, the collection time of the hand-written day-1 snapshot.
FIXTURE_NOW = 1795154400


@dataclass
class GraphFixture:
    expect: list[str]
    nodes: dict[str, dict[str, Any]]
    rels: list[list[Any]]
    now: int = FIXTURE_NOW
    params: dict[str, Any] = field(default_factory=dict)


def read_fixture(path: Path) -> GraphFixture:
    raw = yaml.safe_load(path.read_text()) or {}
    unknown = set(raw) - {"expect", "now", "params", "nodes", "rels"}
    if unknown:
        raise ValueError(f"{path}: unknown fixture keys {sorted(unknown)}")
    return GraphFixture(
        expect=[str(x) for x in raw.get("expect") or []],
        nodes=raw.get("nodes") or {},
        rels=raw.get("rels") or [],
        now=int(raw.get("now", FIXTURE_NOW)),
        params=raw.get("params") or {},
    )


def load_graph(fx: GraphFixture) -> None:
    nodes = []
    for ref, spec in fx.nodes.items():
        props = dict(spec)
        labels = props.pop("labels")
        if "id" not in props:
            raise ValueError(f"fixture node {ref!r} has no id")
        nodes.append({"ref": ref, "labels": labels, "props": props})
    for rel in fx.rels:
        for end in rel[0], rel[2]:
            if end not in fx.nodes:
                raise ValueError(f"relationship {rel} names an unknown node {end!r}")
    rels = [{"from": r[0], "type": r[1], "to": r[2], "props": r[3] if len(r) > 3 else {}} for r in fx.rels]
    driver.write(
        """
        UNWIND $nodes AS n
        // MERGE on the id: two fixtures loaded together share nodes such as the account, and a graph that
        // ingestion left behind has uniqueness constraints on (label, id).
        MERGE (x:$(n.labels) {id: n.props.id}) SET x += n.props, x.fixture_ref = n.ref
        """,
        {"nodes": nodes},
    )
    driver.write(
        """
        UNWIND $rels AS r
        MATCH (a {fixture_ref: r.from}), (b {fixture_ref: r.to})
        CREATE (a)-[e:$(r.type)]->(b) SET e = r.props
        """,
        {"rels": rels},
    )
    driver.write("MATCH (n) WHERE n.fixture_ref IS NOT NULL REMOVE n.fixture_ref")
