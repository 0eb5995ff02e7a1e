"""Shared set-up for the network / compute / ELBv2 / EKS integration tests (real Neo4j, real sync code).

Each test copies the hand-written day-1 snapshot (unmodified AWS CLI output) into a temporary folder,
edits the few files its case needs, and runs the registered modules exactly as the runner does.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph import driver
from graph.schema import loader
from graph.schema.model import NodeSchema, P
from ingest.aws import account as account_module
from ingest.aws.modules_network import NETWORK_MODULES
from ingest.core import ModuleResult, RunContext
from ingest.module import GLOBAL, Module, Scope
from ingest.sources.snapshot import Snapshot

REPO = Path(__file__).resolve().parents[3]
DAY1 = REPO / "tests" / "data" / "snapshots" / "handwritten" / "day1"
ACCOUNT = "123456789012"
REGION = "us-east-1"

# Stand-in for the IAM module's node (same label and key): the instance module only MERGEs the edge.
INSTANCE_PROFILE = NodeSchema("AWSInstanceProfile", {"id": P("id"), "arn": P("arn", index=True)})
PROFILES = [f"arn:aws:iam::{ACCOUNT}:instance-profile/{n}" for n in ("bastion-role", "eks-node-role")]


def copy_day1(dest: Path, services: Iterable[str] = ("ec2", "elbv2", "eks"), region: str = REGION) -> Path:
    src = DAY1 / "aws" / ACCOUNT / REGION
    for service in services:
        shutil.copytree(src / service, dest / "aws" / ACCOUNT / region / service)
    return dest


def path_of(
    root: Path,
    service: str,
    command: str,
    resource: str | None = None,
    account: str = ACCOUNT,
    region: str = REGION,
) -> Path:
    base = root / "aws" / account / region / service
    return base / command / f"{resource}.json" if resource else base / f"{command}.json"


def edit(
    root: Path,
    service: str,
    command: str,
    change: Callable[[Any], Any],
    resource: str | None = None,
    account: str = ACCOUNT,
    region: str = REGION,
) -> None:
    """Rewrite one CLI output file through ``change`` (which may mutate in place and return None)."""
    path = path_of(root, service, command, resource, account, region)
    data = json.loads(path.read_text())
    out = change(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data if out is None else out, indent=2))


def write(
    root: Path,
    service: str,
    command: str,
    data: Any,
    resource: str | None = None,
    account: str = ACCOUNT,
    region: str = REGION,
) -> None:
    path = path_of(root, service, command, resource, account, region)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2))


def run(
    root: Path, tag: int, modules: Iterable[Module] = NETWORK_MODULES, profiles: bool = True
) -> dict[tuple[str, str, str], ModuleResult]:
    """Sync every account/region of the folder like the runner; results keyed by (account, region, module)."""
    modules = list(modules)
    snap = Snapshot(root)
    ctx = RunContext(f"test-{tag}", tag, datetime.now(UTC))
    loader.ensure_indexes(
        [INSTANCE_PROFILE, *account_module.MODULE.schemas, *(s for m in modules for s in m.schemas)]
    )
    if profiles:
        loader.load(INSTANCE_PROFILE, [{"id": a, "arn": a} for a in PROFILES], tag)
    out = {}
    for account in snap.aws_accounts():
        assert account_module.MODULE.sync(snap, ctx, Scope(account, GLOBAL)).status == "ok"
        for region in snap.aws_regions(account):
            for mod in modules:
                out[(account, region, mod.name)] = mod.sync(snap, ctx, Scope(account, region))
    return out


def statuses(results: dict[tuple[str, str, str], ModuleResult]) -> dict[str, str]:
    return {f"{a}/{r}/{m}": res.status.value for (a, r, m), res in results.items()}


def ids(label: str) -> set[str]:
    return {r["id"] for r in driver.read(f"MATCH (n:{label}) RETURN n.id AS id")}


def rels(rel_type: str, start: str = "", end: str = "") -> set[tuple[str, str]]:
    s, e = f":{start}" if start else "", f":{end}" if end else ""
    rows = driver.read(f"MATCH (a{s})-[:{rel_type}]->(b{e}) RETURN a.id AS a, b.id AS b")
    return {(r["a"], r["b"]) for r in rows}


def props(label: str, node_id: str) -> dict[str, Any]:
    rows = driver.read(
        f"MATCH (n:{label} {{id: $id}}) RETURN properties(n) AS p, labels(n) AS l", {"id": node_id}
    )
    assert rows, f"no {label} {node_id}"
    return {**rows[0]["p"], "_labels": set(rows[0]["l"])}


def graph_state() -> tuple[set, set]:
    """Every node and relationship with its properties, bookkeeping stripped — for idempotence checks."""
    skip = {"lastupdated", "firstseen"}
    nodes = driver.read("MATCH (n) RETURN labels(n) AS l, properties(n) AS p")
    edges = driver.read("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p")
    return (
        {
            (tuple(sorted(n["l"])), tuple(sorted((k, str(v)) for k, v in n["p"].items() if k not in skip)))
            for n in nodes
        },
        {
            (e["a"], e["t"], e["b"], tuple(sorted((k, str(v)) for k, v in e["p"].items() if k not in skip)))
            for e in edges
        },
    )
