"""Acceptance: a corpus of broken copies of day 1, ingested through the CLI on top of a clean day-1 graph.

For every broken file: the error names the file (and the field where there is one), the rest of the
snapshot still loads (every other module ok), the run is ``partial`` with a non-zero exit code, and nothing
already in the graph is lost or changed (the broken module's nodes keep every property).

To keep the suite's run time reasonable the cases are grouped into three corpora, each breaking files of
*independent* modules (none MATCHes nodes only another broken module would create), so each case's
assertions still isolate it: its module's status and error, and every module no case touches is ``ok``.
Unknown files and odd-but-valid names go in a corpus of their own that must stay ``ok`` (exit code 0):
docs/snapshot-format.md "Rules" says unknown files are listed as skipped and do not change the exit code.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from config import set_settings
from tests.acceptance.support import (
    ACCOUNT,
    CLUSTER,
    DAY1,
    REGION,
    asset_node_ids,
    cli_ingest,
    copy_day1,
    module_statuses,
    node_dump,
    props,
    raw,
    rel_dump,
)
from tests.conftest import _wipe

A = f"aws/{ACCOUNT}"
R = f"{A}/{REGION}"
K = f"k8s/{CLUSTER}"
SIZE_LIMIT = 120_000  # above every day-1 file (pods.json is ~85 kB)


def _rewrite(rel: str, change: Callable[[Any], Any]) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / rel
        path.write_text(json.dumps(change(raw(path)), indent=4))

    return apply


def _text(rel: str, change: Callable[[str], str]) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / rel
        path.write_text(change(path.read_text()))

    return apply


def _set(path: tuple[Any, ...], value: Any) -> Callable[[Any], Any]:
    def change(doc: Any) -> Any:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return doc

    return change


@dataclass(frozen=True)
class Case:
    id: str
    corpus: str
    file: str  # relative to the snapshot root
    mutate: Callable[[Path], None]
    module: str  # as the run report names it
    scope: str
    status: str  # the broken module's status
    message: str  # a fragment the error must contain
    field: str | None = None
    labels: tuple[str, ...] = ()  # node labels the module owns (must keep their properties)
    # per-resource files the failed module never got to read; the runner lists them in skipped_files
    unread: tuple[str, ...] = ()


CASES = [
    # -- corpus "unreadable": the file cannot be parsed or read at all -------------------------------------
    Case(
        "truncated-json",
        "unreadable",
        f"{R}/ec2/describe-instances.json",
        _text(f"{R}/ec2/describe-instances.json", lambda t: t[: len(t) // 2]),
        "aws.instance",
        f"{ACCOUNT}/{REGION}",
        "failed",
        "invalid JSON",
        labels=("EC2Instance", "EC2Reservation"),
    ),
    Case(
        "invalid-json",
        "unreadable",
        f"{K}/ingresses.json",
        _text(f"{K}/ingresses.json", lambda t: t.replace('"items": [', '"items": [,', 1)),
        "k8s.ingresses",
        CLUSTER,
        "failed",
        "invalid JSON",
        labels=("KubernetesIngress",),
    ),
    Case(
        "empty-file",
        "unreadable",
        f"{R}/lambda/list-functions.json",
        _text(f"{R}/lambda/list-functions.json", lambda t: ""),
        "aws.lambda",
        f"{ACCOUNT}/{REGION}",
        "failed",
        "empty file",
        labels=("AWSLambda",),
        unread=(
            f"{R}/lambda/list-function-url-configs/private-fn.json",
            f"{R}/lambda/list-function-url-configs/public-fn.json",
        ),
    ),
    Case(
        "over-size-limit",
        "unreadable",
        f"{R}/ec2/describe-volumes.json",
        _text(f"{R}/ec2/describe-volumes.json", lambda t: t + " " * SIZE_LIMIT),
        "aws.ebs_volume",
        f"{ACCOUNT}/{REGION}",
        "failed",
        "INVGRAPH_MAX_INPUT_BYTES",
        labels=("EBSVolume",),
    ),
    # -- corpus "shape": readable JSON of the wrong shape or with wrong types ------------------------------
    Case(
        "list-not-object",
        "shape",
        f"{R}/ec2/describe-security-groups.json",
        _rewrite(f"{R}/ec2/describe-security-groups.json", lambda d: d["SecurityGroups"]),
        "aws.security_group",
        f"{ACCOUNT}/{REGION}",
        "failed",
        "expected a JSON object",
        labels=("EC2SecurityGroup", "IpRule", "IpRange"),
    ),
    Case(
        "other-command",
        "shape",
        f"{R}/ec2/describe-subnets.json",
        lambda root: (root / f"{R}/ec2/describe-subnets.json").write_text(
            (root / f"{R}/ec2/describe-vpcs.json").read_text()
        ),
        "aws.subnet",
        f"{ACCOUNT}/{REGION}",
        "failed",
        "Subnets",
        labels=("EC2Subnet",),
    ),
    Case(
        "string-for-bool",
        "shape",
        f"{R}/rds/describe-db-instances.json",
        _rewrite(
            f"{R}/rds/describe-db-instances.json", _set(("DBInstances", 0, "PubliclyAccessible"), "true")
        ),
        "aws.rds",
        f"{ACCOUNT}/{REGION}",
        "failed",
        "expected true/false",
        field="DBInstances[0].PubliclyAccessible",
        labels=("RDSInstance", "DBSubnetGroup"),
    ),
    Case(
        "string-for-int",
        "shape",
        f"{R}/elbv2/describe-target-groups.json",
        _rewrite(f"{R}/elbv2/describe-target-groups.json", _set(("TargetGroups", 0, "Port"), "8080")),
        "aws.elbv2_target_group",
        f"{ACCOUNT}/{REGION}",
        "failed",
        "expected an integer",
        field="TargetGroups[0].Port",
        labels=("ELBV2TargetGroup",),
        unread=(f"{R}/elbv2/describe-target-health/web-tg.json",),
    ),
    Case(
        "bad-timestamp",
        "shape",
        f"{A}/global/iam/list-access-keys/bob.json",
        _rewrite(
            f"{A}/global/iam/list-access-keys/bob.json",
            _set(("AccessKeyMetadata", 0, "CreateDate"), "last tuesday"),
        ),
        "aws.iam.keys",
        ACCOUNT,
        "partial",
        "not a timestamp",
        field="AccessKeyMetadata[0].CreateDate",
        labels=("AccountAccessKey", "AWSMfaDevice"),
        unread=(f"{A}/global/iam/get-access-key-last-used/AKIAQX7BOB0LDKEY0001.json",),
    ),
    Case(
        "kubectl-without-items",
        "shape",
        f"{K}/networkpolicies.json",
        _rewrite(f"{K}/networkpolicies.json", lambda d: {k: v for k, v in d.items() if k != "items"}),
        "k8s.networkpolicies",
        CLUSTER,
        "failed",
        "items",
        field="items",
        labels=("KubernetesNetworkPolicy",),
    ),
    Case(
        "bucket-policy-not-json",
        "shape",
        f"{A}/global/s3api/get-bucket-policy/acme-public-assets.json",
        _rewrite(
            f"{A}/global/s3api/get-bucket-policy/acme-public-assets.json",
            _set(("Policy",), '{"Version": "2012-10-17", "Statement": ['),
        ),
        "aws.s3",
        ACCOUNT,
        "partial",
        "JSON",
        field="Policy",
        labels=("S3Bucket",),
    ),
]
BROKEN_CORPORA = ("unreadable", "shape")

# -- corpus "names": odd but valid names and unknown files; must load ok with exit code 0 -----------------
DOTTED = "acme.logs.2026-eu"
UNKNOWN = [
    "notes for the auditor ü.txt",
    f"{R}/ec2/describe-flow-logs.json",
    f"{A}/global/s3api/get-bucket-acl/bücket with spaces.json",
    f"{R}/elbv2/describe-listeners/web alb (copy).json",
]
UNICODE_NAME = "Bastion – Zugang für Админ 🛡"


def _names_corpus(root: Path) -> None:
    s3 = root / A / "global" / "s3api"
    _rewrite(
        f"{A}/global/s3api/list-buckets.json",
        lambda d: {
            **d,
            "Buckets": [*d["Buckets"], {"Name": DOTTED, "CreationDate": "2026-01-02T03:04:05+00:00"}],
        },
    )(root)
    for command in (
        "get-bucket-location",
        "get-bucket-acl",
        "get-bucket-encryption",
        "get-public-access-block",
    ):
        (s3 / command / f"{DOTTED}.json").write_text((s3 / command / "acme-customer-data.json").read_text())
    (s3 / "get-bucket-policy" / f"{DOTTED}.json").write_text(json.dumps({}))  # NoSuchBucketPolicy
    for rel in UNKNOWN:
        (root / rel).write_text(json.dumps({"unknown": True}))

    def rename(doc: Any) -> Any:
        for r in doc["Reservations"]:
            for i in r["Instances"]:
                if i["InstanceId"] == "i-0b45a1c2d3e4f5061":
                    i["Tags"] = [
                        t if t["Key"] != "Name" else {"Key": "Name", "Value": UNICODE_NAME} for t in i["Tags"]
                    ]
        return doc

    _rewrite(f"{R}/ec2/describe-instances.json", rename)(root)


@pytest.fixture(scope="module")
def baseline(neo4j_uri: str) -> Iterator[dict[str, Any]]:
    set_settings(None)
    _wipe()
    code, report = cli_ingest(DAY1)
    assert (code, report["status"]) == (0, "ok"), report
    yield {"nodes": node_dump(drop=()), "statuses": module_statuses(report)}
    _wipe()


_RUNS: dict[str, dict[str, Any]] = {}


def _ingest_corpus(
    name: str,
    baseline: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, Any]:
    if name == "names":  # it adds nodes: the broken corpora must see a clean day 1 first
        for other in BROKEN_CORPORA:
            _ingest_corpus(other, baseline, tmp_path_factory, monkeypatch)
    if name not in _RUNS:
        root = copy_day1(tmp_path_factory.mktemp(f"corpus-{name}") / "snap")
        if name == "names":
            _names_corpus(root)
        for case in CASES:
            if case.corpus == name:
                case.mutate(root)
        monkeypatch.setenv("INVGRAPH_MAX_INPUT_BYTES", str(SIZE_LIMIT))  # the CLI reads it when it starts
        before = {"ids": asset_node_ids(), "nodes": node_dump(drop=()), "rels": rel_dump(drop=())}
        # the graph is a clean day 1 before every corpus: same nodes, same properties but lastupdated
        assert _strip_nodes(before["nodes"]) == _strip_nodes(baseline["nodes"])
        code, report = cli_ingest(root)
        monkeypatch.delenv("INVGRAPH_MAX_INPUT_BYTES")
        set_settings(None)  # the CLI installed settings with the small limit; later tests read their own
        _RUNS[name] = {
            "root": root,
            "code": code,
            "report": report,
            "before": before,
            "after": {"ids": asset_node_ids(), "nodes": node_dump(drop=()), "rels": rel_dump(drop=())},
        }
    return _RUNS[name]


@pytest.fixture(scope="module", params=BROKEN_CORPORA)
def broken(
    request: pytest.FixtureRequest, baseline: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    with pytest.MonkeyPatch.context() as mp:
        yield {"name": request.param, **_ingest_corpus(request.param, baseline, tmp_path_factory, mp)}


def test_the_run_is_partial_and_the_exit_code_non_zero(broken: dict[str, Any]) -> None:
    assert broken["report"]["status"] == "partial"
    assert broken["code"] == 2


def test_every_other_module_still_loads(broken: dict[str, Any], baseline: dict[str, Any]) -> None:
    touched = {(c.module, c.scope) for c in CASES if c.corpus == broken["name"]}
    statuses = module_statuses(broken["report"])
    assert set(statuses) == set(baseline["statuses"])
    # Every other module ends as it did on the clean snapshot (ok, or "not collected" for optional inputs
    # the snapshot does not have, such as the organizations files of a member account).
    assert {k: v for k, v in statuses.items() if k not in touched} == {
        k: v for k, v in baseline["statuses"].items() if k not in touched
    }
    assert set(baseline["statuses"].values()) <= {"ok", "not collected"}
    # Files a failed module never read are listed as skipped too: the table prints them as "not read
    # (unknown file, or its module failed first)".
    assert set(broken["report"]["skipped_files"]) == {
        f for c in CASES if c.corpus == broken["name"] for f in c.unread
    }


def test_nothing_in_the_graph_is_lost_or_changed(broken: dict[str, Any]) -> None:
    before, after = broken["before"], broken["after"]
    assert after["ids"] >= before["ids"]
    assert _strip_nodes(after["nodes"]) == _strip_nodes(before["nodes"])
    assert _strip_rels(after["rels"]) == _strip_rels(before["rels"])


def _strip_nodes(dump: dict[Any, dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    return {k: {p: v for p, v in props.items() if p != "lastupdated"} for k, props in dump.items()}


def _strip_rels(dump: dict[tuple[str, str, str], list[str]]) -> dict[tuple[str, str, str], list[str]]:
    return {
        k: sorted(
            json.dumps({p: v for p, v in json.loads(x).items() if p != "lastupdated"}, sort_keys=True)
            for x in xs
        )
        for k, xs in dump.items()
    }


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_the_error_names_the_file_and_field(
    case: Case, baseline: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    with pytest.MonkeyPatch.context() as mp:
        run = _ingest_corpus(case.corpus, baseline, tmp_path_factory, mp)
    module = next(m for m in run["report"]["modules"] if (m["name"], m["scope"]) == (case.module, case.scope))
    assert module["status"] == case.status, module
    errors = [e for e in module["errors"] if case.file in e]
    assert errors, f"no error of {case.module} names {case.file}: {module['errors']}"
    assert any(case.message in e for e in errors), errors
    if case.field:
        assert any(f"field {case.field!r}" in e for e in errors), errors
    # the broken module's nodes keep their properties (all of them when it failed; but lastupdated when a
    # partial module reloaded its good rows)
    keys = [k for k in run["before"]["nodes"] if set(case.labels) & set(k[:-1])]
    assert keys, case.labels
    drop = {"lastupdated"} if case.status == "partial" else set()
    for key in keys:
        b = {p: v for p, v in run["before"]["nodes"][key].items() if p not in drop}
        a = {p: v for p, v in run["after"]["nodes"][key].items() if p not in drop}
        assert a == b, key


def test_the_broken_bucket_policy_keeps_its_old_value_and_other_buckets_reload(
    baseline: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    with pytest.MonkeyPatch.context() as mp:
        run = _ingest_corpus("shape", baseline, tmp_path_factory, mp)
    key = next(k for k in run["after"]["nodes"] if "S3Bucket" in k and k[-1] == "acme-public-assets")
    assert json.loads(run["after"]["nodes"][key]["policy"]) == json.loads(
        raw(DAY1 / A / "global/s3api/get-bucket-policy/acme-public-assets.json")["Policy"]
    )
    tag = {k[-1]: v["lastupdated"] for k, v in run["after"]["nodes"].items() if "S3Bucket" in k}
    old = {k[-1]: v["lastupdated"] for k, v in run["before"]["nodes"].items() if "S3Bucket" in k}
    assert all(tag[b] > old[b] for b in tag)  # the good rows (every bucket's other groups) were reloaded


def test_odd_names_load_and_unknown_files_are_skipped_without_changing_the_exit_code(
    baseline: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    with pytest.MonkeyPatch.context() as mp:
        run = _ingest_corpus("names", baseline, tmp_path_factory, mp)
    assert (run["code"], run["report"]["status"]) == (0, "ok"), run["report"]
    assert set(run["report"]["skipped_files"]) == set(UNKNOWN)
    assert run["after"]["ids"] >= run["before"]["ids"] | {("S3Bucket", DOTTED)}
    bucket = props("S3Bucket", DOTTED)
    assert (bucket["block_public_policy"], bucket["encryption_algorithm"], bucket.get("policy")) == (
        True,
        "aws:kms",
        None,
    )
    assert props("EC2Instance", "i-0b45a1c2d3e4f5061")["name"] == UNICODE_NAME
