"""Helpers for the Kubernetes integration tests: snapshot folders built from the day-1 cluster."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from graph import driver
from pipeline.run import RunReport, ingest_snapshot

REPO = Path(__file__).resolve().parents[3]
DAY1 = REPO / "tests" / "data" / "snapshots" / "handwritten" / "day1" / "k8s" / "prod-eks"
CLUSTER = "prod-eks"
KUBE_SYSTEM_UID = "3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f"
PAYMENTS_LB_DNS = "a3f9c1e7b5d24a6c8e0f1a2b3c4d5e6f-1837465029.us-east-1.elb.amazonaws.com"
_UID = re.compile(r'("uid": ")([0-9a-f])')


def make_snapshot(
    root: Path,
    clusters: dict[str, Path] | None = None,
    collected_at: str = "2026-11-20T06:00:00Z",
    drop: tuple[str, ...] = (),
) -> Path:
    """A snapshot folder with the given cluster folders (default: day-1 prod-eks), minus ``drop`` files."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "snapshot.json").write_text(json.dumps({"collected_at": collected_at}))
    for name, src in (clusters or {CLUSTER: DAY1}).items():
        dest = root / "k8s" / name
        shutil.copytree(src, dest)
        for resource in drop:
            (dest / f"{resource}.json").unlink()
    return root


def other_cluster(tmp: Path) -> Path:
    """Day-1 prod-eks with every uid rewritten (first hex digit + 1), so it is a distinct cluster."""
    out = tmp / "other-cluster-src"
    out.mkdir(parents=True, exist_ok=True)
    for f in DAY1.glob("*.json"):
        (out / f.name).write_text(
            _UID.sub(lambda m: m.group(1) + "%x" % ((int(m.group(2), 16) + 1) % 16), f.read_text())
        )
    return out


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def save(path: Path, doc: dict[str, Any]) -> None:
    path.write_text(json.dumps(doc, indent=2))


def edit_items(folder: Path, resource: str, keep: Any) -> None:
    """Keep only the items for which ``keep(item)`` is true."""
    doc = load(folder / f"{resource}.json")
    doc["items"] = [i for i in doc["items"] if keep(i)]
    save(folder / f"{resource}.json", doc)


def run(root: Path) -> RunReport:
    return ingest_snapshot(root)


def statuses(report: RunReport) -> dict[str, str]:
    return {f"{m.scope} {m.name}": m.status.value for m in report.modules}


# Inputs a kubectl snapshot may hold but these fixtures do not (the API-server audit log): not collected.
OPTIONAL = ("k8s.audit_log",)


def required_statuses(report: RunReport) -> dict[str, str]:
    """``statuses`` of the modules every fixture cluster feeds; the optional ones must say not collected."""
    optional = {k: v for k, v in statuses(report).items() if k.split()[-1] in OPTIONAL}
    assert set(optional.values()) <= {"not collected"}, optional
    return {k: v for k, v in statuses(report).items() if k not in optional}


def ids(label: str, prop: str = "id") -> set[Any]:
    return {r["v"] for r in driver.read(f"MATCH (n:{label}) RETURN n.{prop} AS v")}


def names(label: str) -> set[str]:
    """``namespace/name`` (or ``name``) of every node with the label."""
    rows = driver.read(f"MATCH (n:{label}) RETURN n.namespace AS ns, n.name AS name")
    return {f"{r['ns']}/{r['name']}" if r["ns"] else r["name"] for r in rows}


def _display(v: str) -> str:
    name = f"coalesce({v}.name, {v}.id)"
    return f"CASE WHEN {v}.namespace IS NULL THEN {name} ELSE {v}.namespace + '/' + {v}.name END"


def rels(rel_type: str, start: str, end: str) -> set[tuple[str, str]]:
    """(start, end) display names of every ``(:start)-[:rel_type]->(:end)``: namespace/name, else name/id."""
    rows = driver.read(
        f"MATCH (a:{start})-[:{rel_type}]->(b:{end}) RETURN {_display('a')} AS a, {_display('b')} AS b"
    )
    return {(r["a"], r["b"]) for r in rows}


def props(label: str, node_id: str) -> dict[str, Any]:
    rows = driver.read(f"MATCH (n:{label} {{id: $id}}) RETURN properties(n) AS p", {"id": node_id})
    return rows[0]["p"] if rows else {}


# Inventory nodes only: run history (IngestRun, AssetChange, …) is written by other parts of the runner.
def _ours(v: str) -> str:
    return (
        f"(any(l IN labels({v}) WHERE l STARTS WITH 'Kubernetes') OR {v}:EC2Instance OR {v}:AWSRole "
        f"OR {v}:LoadBalancerV2 OR {v}:EKSCluster)"
    )


def graph_state() -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """Every node (labels, id, properties minus bookkeeping) and relationship (start, type, end)."""
    nodes = driver.read(f"MATCH (n) WHERE {_ours('n')} RETURN labels(n) AS l, n.id AS id, properties(n) AS p")
    skip = {"lastupdated", "firstseen"}
    node_set = {
        (
            tuple(sorted(r["l"])),
            r["id"],
            json.dumps({k: v for k, v in r["p"].items() if k not in skip}, sort_keys=True, default=str),
        )
        for r in nodes
    }
    rows = driver.read(
        f"MATCH (a)-[r]->(b) WHERE {_ours('a')} AND {_ours('b')} RETURN a.id AS a, type(r) AS t, b.id AS b"
    )
    return node_set, {(r["a"], r["t"], r["b"]) for r in rows}


def aws_stubs() -> None:
    """The AWS nodes the Kubernetes modules link to (normally loaded by the AWS modules first)."""
    driver.write(
        "CREATE (:EC2Instance {id: 'i-0e78d4f5061728394'}), (:EC2Instance {id: 'i-0f89e5061728394a5'}), "
        "(:AWSRole {id: 'arn:aws:iam::123456789012:role/payments-irsa'}), "
        "(:EKSCluster {id: 'arn:aws:eks:us-east-1:123456789012:cluster/prod-eks', name: 'prod-eks'}), "
        f"(:LoadBalancerV2 {{id: '{PAYMENTS_LB_DNS}'}})"
    )
