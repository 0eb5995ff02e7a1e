"""No false drift: a value that means the same never shows as a change (graph/schema/values.py).

Every property of every schema whose declared kind says it may arrive in several spellings — points in
time, numbers, order-free lists, JSON documents — is loaded into the real Neo4j in each spelling our
readers produce, one spelling per run, through the generic loader and the history writer. After the first
run: no fingerprint move, no history record, no drift. Then the reported case end to end: the sample's
EC2 instance whose LaunchTime is identical every day must not show ``launchtime`` as changed.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from neo4j.time import DateTime as Neo4jDateTime

from graph import driver
from graph.schema.loader import load
from graph.schema.model import NodeSchema
from graph.schema.values import Kind, canonical, normalise
from history.changes import change_rows, property_changes
from ingest.registry import aws_modules, gcp_modules, k8s_modules
from ingest.sample import generate
from pipeline.run import ingest_snapshot
from queries.drift import drift

_T = datetime(2024, 1, 1, 6, 0, tzinfo=UTC)
TIME_FORMS: list[Any] = [
    "2024-01-01T06:00:00.000Z",  # AWS CLI v2 text
    _T,  # boto3 / botocore datetime
    "2024-01-01T06:00:00+00:00",  # datetime.isoformat()
    Neo4jDateTime(2024, 1, 1, 6, 0, 0, 0, tzinfo=UTC),  # read back from Neo4j
    "2024-01-01T06:00:00Z",  # gcloud / kubectl, no fraction
    _T.astimezone(timezone(timedelta(hours=2))),  # same instant, another offset
    "2024-01-01T06:00:00.000000000+00:00",  # Neo4j's own text (nanoseconds)
    "2024-01-01 06:00:00+00:00",  # str(datetime)
]
FORMS: dict[Kind, list[Any]] = {
    Kind.TIME: TIME_FORMS,
    Kind.TIME_TEXT: TIME_FORMS,
    Kind.NUMBER: [443, "443", 443.0, " 443", "443.0"],
    Kind.SET: [
        ["10.0.0.0/8", "0.0.0.0/0", "b"],
        ["b", "0.0.0.0/0", "10.0.0.0/8"],
        ("0.0.0.0/0", "b", "10.0.0.0/8"),
        ["b", "b", "10.0.0.0/8", "0.0.0.0/0"],
    ],
    Kind.JSON: [
        '{"b":1,"a":{"y":[1,2],"x":"v"}}',
        '{"a": {"x": "v", "y": [1, 2]}, "b": 1}',
        {"a": {"y": [1, 2], "x": "v"}, "b": 1},
        '{\n  "b": 1,\n  "a": {"x": "v", "y": [1, 2]}\n}',
    ],
}


def _schemas() -> list[NodeSchema]:
    seen: dict[int, NodeSchema] = {}
    for module in (*aws_modules(), *k8s_modules(), *gcp_modules()):
        for schema in module.schemas:
            seen[id(schema)] = schema
    return list(seen.values())


def _declared() -> list[tuple[NodeSchema, str]]:
    return [
        (s, prop)
        for s in _schemas()
        for prop, ref in s.properties.items()
        if not ref.from_context and ref.kind is not Kind.PLAIN
    ]


def test_every_kind_is_declared_somewhere() -> None:
    kinds = {s.properties[p].kind for s, p in _declared()}
    assert kinds == set(FORMS), f"kinds without a declared property: {set(FORMS) - kinds}"
    # the reported case and the examples are among them
    names = {(s.label, p) for s, p in _declared()}
    for expected in [
        ("EC2Instance", "launchtime"),
        ("EC2Instance", "tags"),
        ("IpRule", "fromport"),
        ("AWSVpc", "cidr_blocks"),
        ("GCPFirewall", "source_ranges"),
        ("AWSPolicy", "document"),
    ]:
        assert expected in names, expected


def _row(schema: NodeSchema, prop: str, value: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        r.source: f"v-{r.source}" for r in schema.properties.values() if not r.from_context
    }
    row[schema.properties["id"].source] = f"eqtest-{schema.label}-{prop}"
    row[schema.properties[prop].source] = value
    return row


def _context(schema: NodeSchema) -> dict[str, Any]:
    keys = {r.source for r in schema.properties.values() if r.from_context}
    for rel in (schema.sub_resource, *schema.relationships):
        if rel is not None:
            keys |= {r.source for r in (*rel.target_key.values(), *rel.properties.values()) if r.from_context}
    return {k: f"ctx-{k}" for k in keys}


def test_each_spelling_on_successive_runs_is_no_change(neo4j: str) -> None:
    declared = _declared()
    assert len(declared) > 150  # every declared property of every schema, not a hand-picked few
    moved: list[str] = []
    by_schema: dict[int, tuple[NodeSchema, list[str]]] = {}
    for schema, prop in declared:
        by_schema.setdefault(id(schema), (schema, []))[1].append(prop)
    runs = max(len(f) for f in FORMS.values())
    for schema, props in by_schema.values():
        ctx = _context(schema)
        # One node per declared property, all loaded in one batch per run; run k carries spelling k.
        for run in range(runs):
            rows = [_row(schema, p, _form(schema, p, run)) for p in props]
            result = load(schema, rows, run + 1, **ctx)
            assert result.nodes == len(props)
            if run == 0:
                continue
            history = list(change_rows(f"run-{run}", "scope", result.changes))
            moved += [f"{schema.label} {c.id}: {c.before} -> {c.after}" for c in result.changes]
            moved += [f"{schema.label} history {h}" for h in history]
    assert not moved, "false changes:\n" + "\n".join(moved)


def _form(schema: NodeSchema, prop: str, run: int) -> Any:
    forms = FORMS[schema.properties[prop].kind]
    return forms[run % len(forms)]


def test_stored_forms_keep_their_types(neo4j: str) -> None:
    """TIME stays a datetime, TIME_TEXT text, NUMBER a number, SET a sorted list, JSON sorted keys."""
    from graph.schema.aws.iam import AWS_USER
    from graph.schema.aws.instance import EC2_INSTANCE

    ctx = {**_context(EC2_INSTANCE), "region": "us-east-1"}
    load(
        EC2_INSTANCE,
        [
            {
                **_row(EC2_INSTANCE, "launchtime", "2024-01-01T06:00:00.000Z"),
                "launchtimeunix": "1704088800",
                "tags": '{"b":"2","a":"1"}',
            }
        ],
        1,
        **ctx,
    )
    row = driver.read(
        "MATCH (n:EC2Instance {id: 'eqtest-EC2Instance-launchtime'}) "
        "RETURN n.launchtime AS t, n.launchtimeunix AS u, n.tags AS tags"
    )[0]
    assert isinstance(row["t"], Neo4jDateTime) and row["t"].to_native() == _T
    assert row["u"] == 1704088800 and row["tags"] == '{"a":"1","b":"2"}'
    load(AWS_USER, [_row(AWS_USER, "createdate", _T)], 1, **_context(AWS_USER))
    row = driver.read("MATCH (n:AWSUser {id: 'eqtest-AWSUser-createdate'}) RETURN n.createdate AS c")[0]
    assert row["c"] == "2024-01-01T06:00:00+00:00"


def test_real_differences_still_show(neo4j: str) -> None:
    """Normalising must not hide a change: another instant, another number, another member, another value."""
    for kind, a, b in [
        (Kind.TIME, "2024-01-01T06:00:00Z", "2024-01-01T06:00:01Z"),
        (Kind.TIME_TEXT, "2024-01-01T06:00:00.5Z", "2024-01-01T06:00:00Z"),
        (Kind.NUMBER, "443", "8443"),
        (Kind.SET, ["a", "b"], ["a", "c"]),
        (Kind.JSON, '{"a":1}', '{"a":2}'),
    ]:
        assert canonical(normalise(a, kind)) != canonical(normalise(b, kind)), (kind, a, b)
    # non-values are kept as sent, never dropped
    assert normalise("not-a-number", Kind.NUMBER) == "not-a-number"
    assert normalise("not json", Kind.JSON) == "not json"
    assert normalise("yesterday", Kind.TIME) == "yesterday"
    # history compares a Neo4j DateTime read back with the Python datetime it was written from
    before = {"launchtime": Neo4jDateTime(2024, 1, 1, 6, 0, 0, 0, tzinfo=UTC), "state": "running"}
    assert property_changes(before, {"launchtime": _T, "state": "running"}) == []
    assert property_changes(before, {"launchtime": _T, "state": "stopped"}) == [
        {"property": "state", "before": "running", "after": "stopped"}
    ]


@pytest.fixture(scope="module")
def two_sample_days(neo4j_uri: str) -> Any:
    from tests.conftest import _wipe

    _wipe()
    out = Path(tempfile.mkdtemp(prefix="invgraph-eqvalues-"))
    manifest = generate(out, scale=0.1, days=2, gcp_projects=1)
    runs = [ingest_snapshot(out / f"day-{d:02d}").run_id for d in (1, 2)]
    yield manifest, runs
    shutil.rmtree(out, ignore_errors=True)


def test_sample_launchtime_is_not_drift(two_sample_days: Any) -> None:
    """The reported case: legacy-etl-01's tag changes on day 2; its launchtime (same every day) does not."""
    manifest, runs = two_sample_days
    doc = drift(runs[0], runs[1])
    planted = {
        (c["asset_name"], c["property"]) for t in manifest["drift"] if t["to_day"] == 2 for c in t["changed"]
    }
    assert ("legacy-etl-01", "Tags.Owner") in planted
    changed = {(a["name"], c["property"]) for a in doc["assets"]["changed"] for c in a["changes"]}
    assert ("legacy-etl-01", "tags") in changed
    assert not {p for _, p in changed} & {"launchtime", "createdate", "creationdate", "update_time"}, changed
    # every listed property change is a planted one (tags, image / generation of the rolled deployment, the
    # EKS control-plane logging switched on by day 2's fix)
    planted_props = {"tags", "images", "generation", "audit_logging", "enabled_logging_types"}
    assert {p for _, p in changed} <= planted_props, changed
