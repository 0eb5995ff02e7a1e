"""Helpers for the GCP integration tests: snapshot folders built from the hand-written org snapshot."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from graph import driver
from pipeline.run import RunReport, ingest_snapshot

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "data" / "snapshots" / "handwritten-gcp"
ORG = "734561238901"
PROD, PROD_NUMBER, DEV, DEV_NUMBER = "acme-prod", "502837461928", "acme-dev", "602837461929"


def source(day: str = "day1") -> Path:
    return FIXTURES / day / "gcp" / ORG / "cloudasset"


def read(day: str, content_type: str) -> list[dict[str, Any]]:
    return json.loads((source(day) / f"{content_type}.json").read_text())


def make_snapshot(
    root: Path, day: str = "day1", jsonl: bool = False, collected_at: str | None = None
) -> Path:
    """The org snapshot of ``day``; ``jsonl`` rewrites the files as ``gcloud asset export`` writes them."""
    root.mkdir(parents=True, exist_ok=True)
    meta = json.loads((FIXTURES / day / "snapshot.json").read_text())
    (root / "snapshot.json").write_text(json.dumps({"collected_at": collected_at or meta["collected_at"]}))
    dest = root / "gcp" / ORG / "cloudasset"
    if not jsonl:
        shutil.copytree(source(day), dest)
        return root
    dest.mkdir(parents=True)
    for content_type in ("resource", "iam-policy"):
        lines = [json.dumps(a) for a in read(day, content_type)]
        (dest / f"{content_type}.jsonl").write_text("\n".join(lines) + "\n")
    return root


def project_snapshot(
    root: Path, projects: dict[str, str], collected_at: str = "2026-11-20T06:00:00Z", edit: Any = None
) -> Path:
    """Project-scope folders ``gcp/<project id>/`` holding the day-1 assets below each project number."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "snapshot.json").write_text(json.dumps({"collected_at": collected_at}))
    for project, number in projects.items():
        dest = root / "gcp" / project / "cloudasset"
        dest.mkdir(parents=True)
        for content_type in ("resource", "iam-policy"):
            assets = [a for a in read("day1", content_type) if f"projects/{number}" in a.get("ancestors", [])]
            if edit:
                assets = edit(project, content_type, assets)
            (dest / f"{content_type}.json").write_text(json.dumps(assets, indent=2))
    return root


def run(root: Path) -> RunReport:
    return ingest_snapshot(root)


# Optional inputs the hand-written GCP days do not hold (org policies, deny policies): "not collected".
OPTIONAL = ("gcp.org_policies", "gcp.deny_policies", "gcp.groups", "gcp.iam_usage")


def statuses(report: RunReport) -> dict[str, str]:
    return {f"{m.scope} {m.name}": m.status.value for m in report.modules}


def required_statuses(report: RunReport) -> dict[str, str]:
    """``statuses`` of the modules every hand-written GCP day feeds (the optional ones: not collected)."""
    optional = {k: v for k, v in statuses(report).items() if k.split()[-1] in OPTIONAL}
    assert set(optional.values()) <= {"not collected"}, optional
    return {k: v for k, v in statuses(report).items() if k not in optional}


def ids(label: str, prop: str = "id") -> set[Any]:
    return {r["v"] for r in driver.read(f"MATCH (n:{label}) RETURN n.{prop} AS v")}


def rels(rel_type: str, start: str, end: str, a: str = "id", b: str = "id") -> set[tuple[Any, Any]]:
    rows = driver.read(f"MATCH (x:{start})-[:{rel_type}]->(y:{end}) RETURN x.{a} AS a, y.{b} AS b")
    return {(r["a"], r["b"]) for r in rows}


def props(label: str, node_id: str) -> dict[str, Any]:
    rows = driver.read(f"MATCH (n:{label} {{id: $id}}) RETURN properties(n) AS p", {"id": node_id})
    return rows[0]["p"] if rows else {}


def graph_state() -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """Every GCP node (labels, id) and relationship (start, type, end), for idempotence checks."""
    nodes = driver.read(
        "MATCH (n) WHERE any(l IN labels(n) WHERE l STARTS WITH 'GCP' OR l = 'GKECluster') "
        "RETURN labels(n) AS l, n.id AS id"
    )
    edges = driver.read(
        "MATCH (a)-[r]->(b) WHERE any(l IN labels(a) WHERE l STARTS WITH 'GCP' OR l = 'GKECluster') "
        "RETURN a.id AS a, type(r) AS t, b.id AS b"
    )
    return ({(tuple(sorted(r["l"])), r["id"]) for r in nodes}, {(r["a"], r["t"], r["b"]) for r in edges})
