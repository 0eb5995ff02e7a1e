"""Shared set-up for the IAM / S3 / RDS / Lambda / secrets integration tests (real Neo4j, real sync code).

Each test copies the hand-written day-1 snapshot (unmodified AWS CLI output) into a temporary folder, edits
the few files its case needs, and runs the registered modules exactly as the runner does.
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
from ingest.aws import account as account_module
from ingest.aws.modules_data import DATA_MODULES
from ingest.aws.modules_iam import IAM_MODULES
from ingest.core import ModuleResult, RunContext
from ingest.module import GLOBAL, Module, Scope
from ingest.sources.snapshot import Snapshot

REPO = Path(__file__).resolve().parents[3]
DAY1 = REPO / "tests" / "data" / "snapshots" / "handwritten" / "day1"
ACCOUNT = "123456789012"
OTHER = "210987654321"
REGION = "us-east-1"


def copy_day1(
    dest: Path, account: str = ACCOUNT, parts: Iterable[str] = ("global/iam", "global/s3api")
) -> Path:
    for part in parts:
        shutil.copytree(DAY1 / "aws" / ACCOUNT / part, dest / "aws" / account / part)
    return dest


def path_of(
    root: Path, region: str, service: str, command: str, resource: str | None = None, account: str = ACCOUNT
) -> Path:
    base = root / "aws" / account / region / service
    return base / command / f"{resource}.json" if resource else base / f"{command}.json"


def edit(
    root: Path,
    region: str,
    service: str,
    command: str,
    change: Callable[[Any], Any],
    resource: str | None = None,
    account: str = ACCOUNT,
) -> None:
    """Rewrite one CLI output file through ``change`` (which may mutate in place and return None)."""
    path = path_of(root, region, service, command, resource, account)
    data = json.loads(path.read_text())
    out = change(data)
    path.write_text(json.dumps(data if out is None else out, indent=4))


def run(
    root: Path,
    tag: int,
    modules: Iterable[Module],
    account: str = ACCOUNT,
    regions: Iterable[str] = ("global",),
) -> dict[str, ModuleResult]:
    """The account module, then ``modules`` for ``account``, as the runner calls them."""
    mods = list(modules)
    loader.ensure_indexes([s for m in (account_module.MODULE, *mods) for s in m.schemas])
    snap = Snapshot(root)
    ctx = RunContext(f"run-{tag}", tag, datetime(2026, 11, 20, tzinfo=UTC))
    results = {"account": account_module.MODULE.sync(snap, ctx, Scope(account, GLOBAL))}
    for mod in mods:
        for region in ["global"] if not mod.regional else [r for r in regions if r != "global"]:
            results[f"{mod.name}/{region}"] = mod.sync(snap, ctx, Scope(account, region))
    return results


def iam(root: Path, tag: int, account: str = ACCOUNT) -> dict[str, ModuleResult]:
    return run(root, tag, IAM_MODULES, account)


def data(
    root: Path, tag: int, regions: Iterable[str] = (REGION,), account: str = ACCOUNT
) -> dict[str, ModuleResult]:
    return run(root, tag, DATA_MODULES, account, regions)


def statuses(results: dict[str, ModuleResult]) -> dict[str, str]:
    return {k: v.status.value for k, v in results.items()}


def nodes(label: str, *props: str) -> set[tuple[Any, ...]]:
    fields = ", ".join(f"n.{p} AS {p}" for p in ("id", *props))
    rows = driver.read(f"MATCH (n:{label}) RETURN {fields}")
    return {tuple(_hashable(r[p]) for p in ("id", *props)) for r in rows}


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def ids(label: str) -> set[str]:
    return {r["id"] for r in driver.read(f"MATCH (n:{label}) RETURN n.id AS id")}


def rels(rel_type: str, start_label: str = "", end_label: str = "") -> set[tuple[str, str]]:
    a = f":{start_label}" if start_label else ""
    b = f":{end_label}" if end_label else ""
    rows = driver.read(f"MATCH (a{a})-[:{rel_type}]->(b{b}) RETURN a.id AS a, b.id AS b")
    return {(r["a"], r["b"]) for r in rows}


def prop(label: str, node_id: str, name: str) -> Any:
    rows = driver.read(f"MATCH (n:{label} {{id: $id}}) RETURN n[$name] AS v", {"id": node_id, "name": name})
    return rows[0]["v"] if rows else KeyError(node_id)
