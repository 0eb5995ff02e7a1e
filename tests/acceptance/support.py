"""Helpers for the acceptance suite: graph dumps, CLI ingest, snapshot copies.

Nothing here computes an expected id through invgraph code: expectations are read from the fixture files
(plain ``json``) or written out in the tests, following docs/schema*.md.
"""

from __future__ import annotations

import json
import re
import shutil
import uuid
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from cli.main import app
from graph import driver
from graph.schema.bookkeeping import BOOKKEEPING_LABELS
from tests.conftest import DATA

HW = DATA / "snapshots" / "handwritten"
DAY1, DAY2 = HW / "day1", HW / "day2"
EXPECTED = json.loads((HW / "EXPECTED.json").read_text())
ACCOUNT = EXPECTED["account_id"]
REGION = EXPECTED["region"]
CLUSTER = EXPECTED["k8s_cluster"]
AWS1 = DAY1 / "aws" / ACCOUNT
K8S1 = DAY1 / "k8s" / CLUSTER

# Our own bookkeeping labels (graph/schema/bookkeeping.py): records about assets, never assets. Analysis
# *properties* on assets stay in the dumps.
_NOT_BOOKKEEPING = " AND ".join(f"NOT n:{label}" for label in BOOKKEEPING_LABELS)


def raw(path: Path) -> Any:
    return json.loads(path.read_text())


def k8s_items(resource: str, root: Path = K8S1) -> list[dict[str, Any]]:
    return raw(root / f"{resource}.json")["items"]


# -- graph reads ---------------------------------------------------------------------------------------


def ids(label: str) -> set[str]:
    return {r["id"] for r in driver.read(f"MATCH (n:`{label}`) RETURN n.id AS id")}


def rels(
    rel_type: str, start_label: str | None = None, end_label: str | None = None
) -> set[tuple[str, str, str]]:
    a = f":`{start_label}`" if start_label else ""
    b = f":`{end_label}`" if end_label else ""
    rows = driver.read(f"MATCH (a{a})-[r:`{rel_type}`]->(b{b}) RETURN a.id AS a, b.id AS b")
    return {(r["a"], rel_type, r["b"]) for r in rows}


def props(label: str, node_id: str) -> dict[str, Any]:
    rows = driver.read(f"MATCH (n:`{label}` {{id: $id}}) RETURN properties(n) AS p", {"id": node_id})
    assert len(rows) == 1, f"{label} {node_id}: {len(rows)} nodes"
    return rows[0]["p"]


def asset_node_ids() -> set[tuple[str, str]]:
    """(primary label, id) of every asset node (bookkeeping left out)."""
    rows = driver.read(f"MATCH (n) WHERE {_NOT_BOOKKEEPING} RETURN labels(n) AS l, n.id AS id")
    return {(lab, r["id"]) for r in rows for lab in r["l"]}


def _clean(p: dict[str, Any], drop: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in p.items() if k not in drop}


def node_dump(drop: tuple[str, ...] = ("lastupdated",)) -> dict[tuple[str, ...], dict[str, Any]]:
    """Every asset node keyed by (sorted labels..., id) with its properties minus ``drop``."""
    rows = driver.read(f"MATCH (n) WHERE {_NOT_BOOKKEEPING} RETURN labels(n) AS l, properties(n) AS p")
    out: dict[tuple[str, ...], dict[str, Any]] = {}
    for r in rows:
        key = (*sorted(r["l"]), str(r["p"].get("id")))
        assert key not in out, f"two nodes with the same labels and id: {key}"
        out[key] = _clean(r["p"], drop)
    return out


def rel_dump(drop: tuple[str, ...] = ("lastupdated",)) -> dict[tuple[str, str, str], list[str]]:
    """Every relationship between asset nodes: (start id, type, end id) → its properties minus ``drop``
    (JSON, sorted: parallel edges of one type — EXPOSE on two ports — stay distinguishable)."""
    rows = driver.read(
        f"MATCH (n)-[r]->(m) WHERE {_NOT_BOOKKEEPING} AND "
        + _NOT_BOOKKEEPING.replace("n:", "m:")
        + " RETURN n.id AS a, type(r) AS t, m.id AS b, properties(r) AS p"
    )
    out: dict[tuple[str, str, str], list[str]] = {}
    for r in rows:
        out.setdefault((r["a"], r["t"], r["b"]), []).append(
            json.dumps(_clean(r["p"], drop), sort_keys=True, default=str)
        )
    return {k: sorted(v) for k, v in out.items()}


def all_property_values() -> list[tuple[str, str, Any]]:
    """(labels, key, value) of every property of every node and relationship in the graph."""
    out: list[tuple[str, str, Any]] = []
    for r in driver.read("MATCH (n) RETURN labels(n) AS l, properties(n) AS p"):
        out += [(",".join(r["l"]), k, v) for k, v in r["p"].items()]
    for r in driver.read("MATCH ()-[x]->() RETURN type(x) AS t, properties(x) AS p"):
        out += [(r["t"], k, v) for k, v in r["p"].items()]
    return out


# -- CLI -----------------------------------------------------------------------------------------------


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


def cli_ingest(folder: Path) -> tuple[int, dict[str, Any]]:
    code, out = cli("ingest", "snapshot", str(folder), "--format", "json")
    start = out.index("{")  # warnings go to stderr; be tolerant of anything printed before the JSON
    return code, json.loads(out[start:])


def module_statuses(report: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {(m["name"], m["scope"]): m["status"] for m in report["modules"]}


# -- snapshot copies -----------------------------------------------------------------------------------


def copy_day1(dest: Path) -> Path:
    shutil.copytree(DAY1, dest)
    return dest


_AWS_ID = re.compile(
    r"\b(acl|aclassoc|ami|assoc|attach|dopt|eipalloc|eipassoc|eni|i|igw|lt|nat|r|rtb|rtbassoc|sg|snap|subnet"
    r"|terraform|vol|vpc)-0(?=[0-9a-f])"
)
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


def second_environment(text: str, account: str, cluster: str) -> str:
    """Day-1 content as another account + cluster would print it: every globally unique id differs.

    AWS resource ids, bucket names, access key ids, the ALB DNS name and Kubernetes uids are globally unique
    in reality, so a copy that only rewrote the account id would share nodes with the original.
    """
    text = text.replace(ACCOUNT, account).replace(CLUSTER, cluster)
    text = _AWS_ID.sub(lambda m: f"{m.group(1)}-b", text)
    text = _UUID.sub(lambda m: str(uuid.uuid5(uuid.NAMESPACE_OID, m.group(0))), text)
    return (
        text.replace("acme-", "acmeb-")
        .replace("AKIAQX7", "AKIAQX8")
        .replace("web-alb-1234567890", "webb-alb-1234567890")
    )


def copy_tree_rewritten(src: Path, dest: Path, rewrite) -> None:  # type: ignore[no-untyped-def]
    for path in sorted(src.rglob("*")):
        if path.is_file():
            target = dest / rewrite(str(path.relative_to(src)))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(rewrite(path.read_text()))
