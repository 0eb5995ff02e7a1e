"""Shape checks for the hand-written snapshot fixtures (tests/data/snapshots/handwritten).

Pure Python, no Neo4j. Every AWS file is checked against botocore's service model output shape for the
operation its path names (`<service>/<command>.json` or `<service>/<command>/<resource>.json`), recursively:
member names, container types and scalar types, and required members. Every Kubernetes file must be a
`kubectl get -o json` List whose items carry apiVersion/kind/metadata.uid. Also checks that each snapshot has
every file docs/snapshot-format.md lists, and that day1 -> day2 differs only in the documented files.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import botocore.session
import pytest
from botocore import xform_name

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "data" / "snapshots" / "handwritten"
DAYS = ("day1", "day2")
ACCOUNT = "123456789012"
CLUSTER = "prod-eks"

# CLI service name -> botocore service name (only s3api differs among the ones we use)
CLI_TO_BOTOCORE = {"s3api": "s3"}

# botocore shapes that the AWS CLI prints as a decoded JSON object although the model says string:
# botocore's IAM handler (json_decode_policies) URL-decodes and parses policy documents.
DECODED_DOCUMENT_SHAPES = {"policyDocumentType"}

# Values real services return that are outside botocore's enum for the shape. Kept in the fixtures on
# purpose: a reader that validates enums would reject real CLI output.
#  - IGW attachments print "available" (EC2 API reference, InternetGatewayAttachment; boto/boto3#3724).
#  - NAT gateway ENIs print InterfaceType "nat_gateway" (EC2 API reference lists it;
#    the model has "natGateway").
REAL_OFF_ENUM_VALUES = {("AttachmentStatus", "available"), ("NetworkInterfaceType", "nat_gateway")}

K8S_RESOURCES = {
    "namespaces": {"Namespace"},
    "nodes": {"Node"},
    "pods": {"Pod"},
    "deployments": {"Deployment"},
    "daemonsets": {"DaemonSet"},
    "statefulsets": {"StatefulSet"},
    "services": {"Service"},
    "ingresses": {"Ingress"},
    "serviceaccounts": {"ServiceAccount"},
    "roles": {"Role"},
    "clusterroles": {"ClusterRole"},
    "rolebindings": {"RoleBinding"},
    "clusterrolebindings": {"ClusterRoleBinding"},
    "networkpolicies": {"NetworkPolicy"},
    "secrets": {"Secret"},
}

# Files (relative to aws/<account>/) that docs/snapshot-format.md lists as single files.
REQUIRED_AWS_FILES = [
    "global/iam/get-account-authorization-details.json",
    "global/iam/get-account-summary.json",
    "global/s3api/list-buckets.json",
    "us-east-1/ec2/describe-vpcs.json",
    "us-east-1/ec2/describe-subnets.json",
    "us-east-1/ec2/describe-internet-gateways.json",
    "us-east-1/ec2/describe-route-tables.json",
    "us-east-1/ec2/describe-network-acls.json",
    "us-east-1/ec2/describe-security-groups.json",
    "us-east-1/ec2/describe-instances.json",
    "us-east-1/ec2/describe-network-interfaces.json",
    "us-east-1/ec2/describe-volumes.json",
    "us-east-1/elbv2/describe-load-balancers.json",
    "us-east-1/elbv2/describe-target-groups.json",
    "us-east-1/rds/describe-db-instances.json",
    "us-east-1/lambda/list-functions.json",
    "us-east-1/eks/list-clusters.json",
    "us-east-1/secretsmanager/list-secrets.json",
]

# Files that are allowed (and expected) to differ between day1 and day2; see README.md "Day 2 changes".
DAY2_CHANGED = {
    "snapshot.json",
    f"aws/{ACCOUNT}/us-east-1/ec2/describe-security-groups.json",
    f"aws/{ACCOUNT}/us-east-1/ec2/describe-instances.json",
    f"aws/{ACCOUNT}/us-east-1/ec2/describe-network-interfaces.json",
    f"aws/{ACCOUNT}/us-east-1/ec2/describe-volumes.json",
    f"aws/{ACCOUNT}/us-east-1/ec2/describe-subnets.json",
    f"aws/{ACCOUNT}/global/iam/get-account-authorization-details.json",
    f"aws/{ACCOUNT}/global/s3api/list-buckets.json",
    f"k8s/{CLUSTER}/namespaces.json",
    f"k8s/{CLUSTER}/serviceaccounts.json",
    f"k8s/{CLUSTER}/clusterrolebindings.json",
    f"k8s/{CLUSTER}/deployments.json",
    f"k8s/{CLUSTER}/pods.json",
}
DAY2_REMOVED = {
    f"aws/{ACCOUNT}/global/s3api/{cmd}/acme-acl-public.json"
    for cmd in ("get-bucket-location", "get-bucket-acl", "get-public-access-block", "get-bucket-encryption")
}

_session = botocore.session.get_session()
_models: dict[str, object] = {}


def _model(service: str):
    if service not in _models:
        _models[service] = _session.get_service_model(service)
    return _models[service]


def _camel(command: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in command.split("-"))


def _aws_files(day: str) -> list[Path]:
    root = FIXTURES / day / "aws"
    return sorted(p for p in root.rglob("*.json"))


def _operation_for(path: Path, day: str):
    """aws/<acct>/<region>/<service>/<command>.json or .../<service>/<command>/<resource>.json"""
    rel = path.relative_to(FIXTURES / day / "aws").parts
    assert rel[0] == ACCOUNT, rel
    if len(rel) == 4:
        _, region, service, fname = rel
        command = fname[: -len(".json")]
    elif len(rel) == 5:
        _, region, service, command, _resource = rel
    else:  # pragma: no cover - layout error
        raise AssertionError(f"unexpected layout: {path}")
    model = _model(CLI_TO_BOTOCORE.get(service, service))
    op_name = _camel(command)
    if op_name not in model.operation_names:
        # kebab -> CamelCase loses acronyms (list-mfa-devices is ListMFADevices); the CLI derives its command
        # names with botocore's xform_name, so map back through that.
        by_cli_name = {xform_name(op, "-"): op for op in model.operation_names}
        op_name = by_cli_name.get(command, op_name)
    assert op_name in model.operation_names, f"{path}: {op_name} is not an operation of {model.service_name}"
    return region, model.operation_model(op_name)


def _is_iso8601(value: str) -> bool:
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return "T" in value


def _check(value, shape, where: str, errors: list[str]) -> None:
    t = shape.type_name
    if value is None:
        # The CLI prints null only where the service returned an explicit empty value
        # (e.g. get-bucket-location's LocationConstraint in us-east-1).
        return
    if t == "structure":
        if not isinstance(value, dict):
            errors.append(f"{where}: expected object for {shape.name}, got {type(value).__name__}")
            return
        members = shape.members
        for key, sub in value.items():
            if key not in members:
                errors.append(f"{where}.{key}: not a member of {shape.name} (members: {sorted(members)})")
                continue
            _check(sub, members[key], f"{where}.{key}", errors)
        for req in getattr(shape, "required_members", []) or []:
            if req not in value:
                errors.append(f"{where}: required member {req} of {shape.name} missing")
    elif t == "list":
        if not isinstance(value, list):
            errors.append(f"{where}: expected list for {shape.name}, got {type(value).__name__}")
            return
        for i, item in enumerate(value):
            _check(item, shape.member, f"{where}[{i}]", errors)
    elif t == "map":
        if not isinstance(value, dict):
            errors.append(f"{where}: expected map for {shape.name}, got {type(value).__name__}")
            return
        enum = shape.key.enum
        for k, v in value.items():
            if enum and k not in enum:
                errors.append(f"{where}: map key {k!r} not in {shape.key.name} enum")
            _check(v, shape.value, f"{where}[{k!r}]", errors)
    elif t == "string":
        if shape.name in DECODED_DOCUMENT_SHAPES and isinstance(value, dict):
            return
        if not isinstance(value, str):
            errors.append(f"{where}: expected string for {shape.name}, got {type(value).__name__}")
            return
        if shape.enum and value not in shape.enum and (shape.name, value) not in REAL_OFF_ENUM_VALUES:
            errors.append(f"{where}: {value!r} not in enum of {shape.name}")
    elif t == "timestamp":
        if not (isinstance(value, str) and _is_iso8601(value)):
            errors.append(f"{where}: expected ISO-8601 timestamp string, got {value!r}")
    elif t in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(f"{where}: expected integer for {shape.name}, got {value!r}")
    elif t == "boolean":
        if not isinstance(value, bool):
            errors.append(f"{where}: expected boolean for {shape.name}, got {value!r}")
    elif t in ("double", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            errors.append(f"{where}: expected number for {shape.name}, got {value!r}")
    elif t == "blob":
        if not isinstance(value, str):
            errors.append(f"{where}: expected base64 string for blob {shape.name}")


ALL_AWS = [(day, p) for day in DAYS for p in _aws_files(day)]


@pytest.mark.parametrize(
    "day,path", ALL_AWS, ids=[f"{d}/{p.relative_to(FIXTURES / d / 'aws')}" for d, p in ALL_AWS]
)
def test_aws_file_matches_botocore_output_shape(day: str, path: Path) -> None:
    text = path.read_text()
    assert text.endswith("\n")
    data = json.loads(text)
    assert text.startswith('{\n    "'), "AWS CLI output is indented with 4 spaces"
    _region, op = _operation_for(path, day)
    assert isinstance(data, dict) and data, f"{path}: empty or not an object"
    assert "ResponseMetadata" not in data, "the CLI strips ResponseMetadata"
    errors: list[str] = []
    _check(data, op.output_shape, op.name, errors)
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("day", DAYS)
def test_aws_required_files_present(day: str) -> None:
    base = FIXTURES / day / "aws" / ACCOUNT
    missing = [f for f in REQUIRED_AWS_FILES if not (base / f).is_file()]
    assert not missing, missing
    # per-resource files must exist for every resource the list calls return
    load = lambda rel: json.loads((base / rel).read_text())  # noqa: E731
    buckets = [b["Name"] for b in load("global/s3api/list-buckets.json")["Buckets"]]
    for b in buckets:
        for cmd in ("get-bucket-location", "get-bucket-acl", "get-bucket-encryption"):
            assert (base / f"global/s3api/{cmd}/{b}.json").is_file(), (cmd, b)
    # no per-bucket file for a bucket that list-buckets does not return
    for f in (base / "global/s3api").glob("*/*.json"):
        assert f.stem in buckets, f
    gaad = load("global/iam/get-account-authorization-details.json")
    for u in gaad["UserDetailList"]:
        for cmd in ("list-access-keys", "list-mfa-devices"):
            assert (base / f"global/iam/{cmd}/{u['UserName']}.json").is_file(), (cmd, u["UserName"])
        keys = load(f"global/iam/list-access-keys/{u['UserName']}.json")["AccessKeyMetadata"]
        for k in keys:
            assert (base / f"global/iam/get-access-key-last-used/{k['AccessKeyId']}.json").is_file()
    for lb in load("us-east-1/elbv2/describe-load-balancers.json")["LoadBalancers"]:
        assert (base / f"us-east-1/elbv2/describe-listeners/{lb['LoadBalancerName']}.json").is_file()
    for tg in load("us-east-1/elbv2/describe-target-groups.json")["TargetGroups"]:
        assert (base / f"us-east-1/elbv2/describe-target-health/{tg['TargetGroupName']}.json").is_file()
    for fn in load("us-east-1/lambda/list-functions.json")["Functions"]:
        assert (base / f"us-east-1/lambda/list-function-url-configs/{fn['FunctionName']}.json").is_file()
    for c in load("us-east-1/eks/list-clusters.json")["clusters"]:
        assert (base / f"us-east-1/eks/describe-cluster/{c}.json").is_file()
    assert (base / "global/iam/get-service-last-accessed-details").is_dir()


@pytest.mark.parametrize("day", DAYS)
@pytest.mark.parametrize("resource", sorted(K8S_RESOURCES))
def test_k8s_file_is_a_kubectl_list(day: str, resource: str) -> None:
    path = FIXTURES / day / "k8s" / CLUSTER / f"{resource}.json"
    assert path.is_file(), path
    doc = json.loads(path.read_text())
    assert doc["apiVersion"] == "v1" and doc["kind"] == "List", path
    assert doc["metadata"] == {"resourceVersion": ""}
    assert isinstance(doc["items"], list) and doc["items"], f"{path}: no items"
    uids = set()
    for item in doc["items"]:
        assert isinstance(item.get("apiVersion"), str) and item["apiVersion"], item
        assert item.get("kind") in K8S_RESOURCES[resource], item.get("kind")
        md = item["metadata"]
        for key in ("name", "uid", "resourceVersion", "creationTimestamp"):
            assert md.get(key), (resource, md.get("name"), key)
        assert _is_iso8601(md["creationTimestamp"])
        assert md["uid"] not in uids, f"duplicate uid {md['uid']}"
        uids.add(md["uid"])
        cluster_scoped = resource in ("namespaces", "nodes", "clusterroles", "clusterrolebindings")
        assert ("namespace" in md) != cluster_scoped, (resource, md["name"])
        for ref in md.get("ownerReferences", []):
            assert {"apiVersion", "kind", "name", "uid"} <= set(ref)
        if resource == "secrets":
            assert "data" not in item and "stringData" not in item, "secret values must be stripped"
            assert "type" in item


@pytest.mark.parametrize("day", DAYS)
def test_k8s_uids_unique_across_cluster(day: str) -> None:
    seen: dict[str, str] = {}
    for resource in K8S_RESOURCES:
        doc = json.loads((FIXTURES / day / "k8s" / CLUSTER / f"{resource}.json").read_text())
        for item in doc["items"]:
            uid = item["metadata"]["uid"]
            assert uid not in seen, f"{uid} used by {seen[uid]} and {resource}/{item['metadata']['name']}"
            seen[uid] = f"{resource}/{item['metadata']['name']}"


@pytest.mark.parametrize("day", DAYS)
def test_pod_owner_references_resolve(day: str) -> None:
    base = FIXTURES / day / "k8s" / CLUSTER
    owners = {}
    for resource in ("deployments", "daemonsets", "statefulsets"):
        for item in json.loads((base / f"{resource}.json").read_text())["items"]:
            md = item["metadata"]
            owners[(item["kind"], md["namespace"], md["name"])] = md["uid"]
    for pod in json.loads((base / "pods.json").read_text())["items"]:
        for ref in pod["metadata"].get("ownerReferences", []):
            if ref["kind"] == "ReplicaSet":  # replicasets are not collected; name is <deployment>-<hash>
                dep = ref["name"].rsplit("-", 1)[0]
                assert ("Deployment", pod["metadata"]["namespace"], dep) in owners, ref
            else:
                assert owners.get((ref["kind"], pod["metadata"]["namespace"], ref["name"])) == ref["uid"], ref


@pytest.mark.parametrize("day", DAYS)
def test_nodes_point_at_collected_instances(day: str) -> None:
    base = FIXTURES / day
    inst = json.loads((base / f"aws/{ACCOUNT}/us-east-1/ec2/describe-instances.json").read_text())
    ids = {
        i["InstanceId"]: i["Placement"]["AvailabilityZone"]
        for r in inst["Reservations"]
        for i in r["Instances"]
    }
    for node in json.loads((base / f"k8s/{CLUSTER}/nodes.json").read_text())["items"]:
        provider = node["spec"]["providerID"]
        assert provider.startswith("aws:///")
        az, iid = provider[len("aws:///") :].split("/")
        assert ids.get(iid) == az, provider


def test_snapshot_json() -> None:
    day1 = json.loads((FIXTURES / "day1/snapshot.json").read_text())
    day2 = json.loads((FIXTURES / "day2/snapshot.json").read_text())
    assert day1 == {"collected_at": "2026-11-20T06:00:00Z"}
    assert day2 == {"collected_at": "2026-11-21T06:00:00Z"}


def test_day2_differs_only_in_documented_files() -> None:
    def files(day):
        root = FIXTURES / day
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*.json")}

    d1, d2 = files("day1"), files("day2")
    assert set(d1) - set(d2) == DAY2_REMOVED
    assert set(d2) - set(d1) == set()
    changed = {k for k in d1.keys() & d2.keys() if d1[k] != d2[k]}
    assert changed == DAY2_CHANGED


def test_expected_json_references_exist() -> None:
    expected = json.loads((FIXTURES / "EXPECTED.json").read_text())
    for key in (
        "exposed_assets",
        "decoys",
        "misconfigurations",
        "drift_day1_to_day2",
        "creep_day1_to_day2",
        "cross_layer_path",
    ):
        assert key in expected, key
    corpus = {day: "".join(p.read_text() for p in (FIXTURES / day).rglob("*.json")) for day in DAYS}

    def present(ref_id: str, day: str) -> bool:
        if ref_id in corpus[day]:
            return True
        # ARNs built from names (users/roles/buckets/policies) appear either whole or by their name
        return ref_id.rsplit("/", 1)[-1].rsplit(":", 1)[-1] in corpus[day]

    def ids(entries):
        for e in entries:
            for k in ("id", "asset_id", "principal_id"):
                if k in e:
                    yield e[k], e.get("days", ["day1"])[0]

    for section in ("exposed_assets", "decoys", "misconfigurations", "creep_day1_to_day2"):
        for ref_id, day in ids(expected[section]):
            assert present(ref_id, day), (section, ref_id, day)
    for node in expected["cross_layer_path"]["nodes"]:
        if node["label"] != "Internet":
            assert present(node["id"], "day1"), node
