"""Sample environment generator (`ingest.sample.generate`): determinism, shapes, planted items, days."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore import xform_name

from ingest.sample import generate

# --- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("sample")
    manifest = generate(out, days=4)
    return out, manifest


def read_tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def load(day: Path, rel: str) -> Any:
    return json.loads((day / rel).read_text())


def day(out: Path, n: int) -> Path:
    return out / f"day-{n:02d}"


def acct_path(manifest: dict[str, Any], i: int = 0) -> str:
    return f"aws/{manifest['accounts'][i]['account_id']}"


# --- botocore shape validation ----------------------------------------------------------------------

_SESSION = botocore.session.get_session()
_SERVICE = {"s3api": "s3"}
# botocore URL-decodes and JSON-parses IAM policy documents, so the CLI prints them as objects.
_DECODED_POLICY_MEMBERS = {"PolicyDocument", "AssumeRolePolicyDocument", "Document"}
_NULLABLE = {"LocationConstraint"}  # get-bucket-location prints null for us-east-1


def output_shape(service: str, command: str) -> Any:
    model = _SESSION.get_service_model(_SERVICE.get(service, service))
    ops = {xform_name(op, "-"): op for op in model.operation_names}
    return model.operation_model(ops[command]).output_shape


def check_shape(value: Any, shape: Any, where: str, errors: list[str]) -> None:
    """Every key must be a member of the botocore shape, recursively, with a compatible JSON type."""
    t = shape.type_name
    if t == "structure":
        if not isinstance(value, dict):
            errors.append(f"{where}: expected object")
            return
        for key, item in value.items():
            member = shape.members.get(key)
            if member is None:
                errors.append(f"{where}.{key}: not in {shape.name}")
            elif item is None and key in _NULLABLE:
                continue
            elif key in _DECODED_POLICY_MEMBERS and isinstance(item, dict):
                assert item.get("Version") == "2012-10-17", f"{where}.{key}"
            else:
                check_shape(item, member, f"{where}.{key}", errors)
    elif t == "list":
        if not isinstance(value, list):
            errors.append(f"{where}: expected list")
            return
        for i, item in enumerate(value[:50]):  # the first items are representative; keeps the test fast
            check_shape(item, shape.member, f"{where}[{i}]", errors)
    elif t == "map":
        if not isinstance(value, dict):
            errors.append(f"{where}: expected map")
            return
        for key, item in value.items():
            check_shape(item, shape.value, f"{where}[{key}]", errors)
    elif t in ("string", "blob"):
        if not isinstance(value, str):
            errors.append(f"{where}: expected string, got {type(value).__name__}")
    elif t == "timestamp":
        if not (isinstance(value, str) and re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", value)):
            errors.append(f"{where}: expected ISO-8601 timestamp, got {value!r}")
    elif t in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            errors.append(f"{where}: expected integer")
    elif t == "boolean":
        if not isinstance(value, bool):
            errors.append(f"{where}: expected boolean")
    elif t in ("double", "float") and not isinstance(value, (int, float)):
        errors.append(f"{where}: expected number")


def aws_command(rel: str) -> tuple[str, str]:
    parts = rel.split("/")  # aws/<acct>/<region>/<service>/<command>[.json | /<name>.json]
    return parts[3], parts[4].removesuffix(".json")


# --- tests ------------------------------------------------------------------------------------------


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, scale=0.5, days=2, seed=7)
    generate(b, scale=0.5, days=2, seed=7)
    generate(c, scale=0.5, days=2, seed=8)
    tree_a = read_tree(a)
    assert tree_a == read_tree(b)
    assert tree_a != read_tree(c)


def test_layout_and_every_file_parses(env: tuple[Path, dict[str, Any]]) -> None:
    out, manifest = env
    assert sorted(p.name for p in out.iterdir()) == ["day-01", "day-02", "day-03", "day-04", "planted.json"]
    assert json.loads((out / "planted.json").read_text()) == manifest
    layout = re.compile(
        r"snapshot\.json"
        r"|aws/\d{12}/(global|[a-z]{2}-[a-z]+-\d)/[a-z0-9]+/[a-z0-9-]+(\.json|/[^/]+\.json)"
        r"|k8s/[a-z0-9-]+/[a-z]+\.json"
    )
    for n in range(1, 5):
        folder = day(out, n)
        assert load(folder, "snapshot.json") == {"collected_at": f"2026-11-0{n}T06:00:00Z"}
        for rel, data in read_tree(folder).items():
            assert layout.fullmatch(rel), rel
            json.loads(data)
    k8s = read_tree(day(out, 1) / "k8s" / "prod-eks")
    assert sorted(name.removesuffix(".json") for name in k8s) == sorted(
        [
            "namespaces",
            "nodes",
            "pods",
            "deployments",
            "daemonsets",
            "statefulsets",
            "services",
            "ingresses",
            "serviceaccounts",
            "roles",
            "clusterroles",
            "rolebindings",
            "clusterrolebindings",
            "networkpolicies",
            "secrets",
        ]
    )
    for data in k8s.values():
        body = json.loads(data)
        assert (
            body["apiVersion"] == "v1"
            and body["kind"] == "List"
            and body["metadata"] == {"resourceVersion": ""}
        )
        for item in body["items"]:
            assert {"apiVersion", "kind", "metadata"} <= item.keys()
            assert {"uid", "name", "creationTimestamp", "resourceVersion"} <= item["metadata"].keys()


@pytest.mark.parametrize("n", [1, 2])
def test_aws_files_match_botocore_output_shapes(env: tuple[Path, dict[str, Any]], n: int) -> None:
    out, _ = env
    folder = day(out, n)
    errors: list[str] = []
    seen = set()
    for rel, data in read_tree(folder).items():
        if not rel.startswith("aws/"):
            continue
        service, command = aws_command(rel)
        seen.add(f"{service} {command}")
        check_shape(json.loads(data), output_shape(service, command), rel, errors)
    assert not errors, errors[:20]
    assert len(seen) >= 30  # every command of the snapshot contract (plus iam list-users)


def test_top_level_keys_are_output_members(env: tuple[Path, dict[str, Any]]) -> None:
    """The brief's minimal check, kept explicit: top-level keys ⊆ operation output members."""
    out, _ = env
    for rel, data in read_tree(day(out, 1)).items():
        if rel.startswith("aws/"):
            shape = output_shape(*aws_command(rel))
            assert set(json.loads(data)) <= set(shape.members), rel


def test_manifest_items_well_formed_and_cover_required_kinds(env: tuple[Path, dict[str, Any]]) -> None:
    _, m = env
    keys = {"id", "kind", "day_from", "day_to", "layer", "scope", "asset_id", "asset_name", "description"}
    ids = [i["id"] for i in m["planted"] + m["decoys"]]
    assert len(ids) == len(set(ids))
    for item in m["planted"] + m["decoys"]:
        assert keys <= item.keys(), item
        assert item["layer"] in ("aws", "k8s") and item["asset_id"]
    kinds = {i["kind"] for i in m["planted"]}
    required = {
        "ec2_instance_internet_exposed_admin_port",
        "elbv2_internet_facing_to_instance",
        "rds_instance_publicly_accessible",
        "lambda_function_url_public",
        "s3_bucket_public_by_policy",
        "s3_bucket_public_by_acl",
        "eks_cluster_public_endpoint_open",
        "ec2_sg_rdp_open_to_ipv6_internet",
        "ec2_default_security_group_has_rules",
        "rds_storage_unencrypted",
        "ebs_volume_unencrypted",
        "iam_user_console_without_mfa",
        "iam_access_key_older_than_90_days",
        "iam_access_key_never_used",
        "iam_root_access_keys_present",
        "iam_user_admin_policy_attached",
        "iam_role_trust_any_principal",
        "iam_role_cross_account_without_external_id",
        "iam_customer_policy_allows_all",
        "k8s_privileged_container",
        "k8s_hostpath_volume",
        "k8s_host_network",
        "k8s_host_pid",
        "k8s_container_runs_as_root",
        "k8s_cluster_admin_binding_non_system",
        "k8s_cluster_admin_binding_service_account",
        "k8s_role_wildcard_verbs_resources",
        "k8s_clusterrole_read_secrets_cluster_wide",
        "k8s_default_service_account_token_mounted",
        "k8s_namespace_lb_without_network_policy",
        "k8s_image_from_unapproved_registry",
        "k8s_image_latest_tag",
        "k8s_image_not_pinned_by_digest",
        "cross_layer_internet_to_data",
        "iam_user_admin_via_group",
        "iam_role_admin_policy_attached",
    }
    assert required <= kinds, required - kinds
    assert len(m["decoys"]) >= 6
    assert [(d["from_day"], d["to_day"]) for d in m["drift"]] == [(1, 2), (2, 3), (3, 4)]


def test_every_planted_and_decoy_asset_is_in_its_days(env: tuple[Path, dict[str, Any]]) -> None:
    out, m = env
    texts = {n: b"".join(read_tree(day(out, n)).values()).decode() for n in range(1, 5)}
    for item in m["planted"] + m["decoys"]:
        last = item["day_to"] or 4
        for n in range(item["day_from"], last + 1):
            assert json.dumps(item["asset_id"])[1:-1] in texts[n], (item["id"], n)


def test_planted_network_exposure(env: tuple[Path, dict[str, Any]]) -> None:
    out, m = env
    d1, base = day(out, 1), acct_path(m) + "/us-east-1/ec2/"
    sgs = {g["GroupName"]: g for g in load(d1, base + "describe-security-groups.json")["SecurityGroups"]}
    ssh = sgs["bastion-ssh-sg"]["IpPermissions"]
    assert {
        "IpProtocol": "tcp",
        "FromPort": 22,
        "ToPort": 22,
        "UserIdGroupPairs": [],
        "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
        "Ipv6Ranges": [],
        "PrefixListIds": [],
    } in ssh
    assert sgs["rdp-legacy-sg"]["IpPermissions"][0]["Ipv6Ranges"] == [{"CidrIpv6": "::/0"}]
    assert sgs["default"]["IpPermissions"]  # planted default SG keeps rules
    instances = [
        i for r in load(d1, base + "describe-instances.json")["Reservations"] for i in r["Instances"]
    ]
    bastion = next(i for i in instances if {"Key": "Name", "Value": "bastion-01"} in i["Tags"])
    assert bastion["PublicIpAddress"] and bastion["SecurityGroups"][0]["GroupName"] == "bastion-ssh-sg"
    assert bastion["LaunchTime"].endswith("+00:00")
    tables = load(d1, base + "describe-route-tables.json")["RouteTables"]
    table = next(
        t for t in tables if any(a.get("SubnetId") == bastion["SubnetId"] for a in t["Associations"])
    )
    assert any(
        r.get("GatewayId", "").startswith("igw-") and r["DestinationCidrBlock"] == "0.0.0.0/0"
        for r in table["Routes"]
    )
    # Decoy: the isolated instance's subnet has only the local route.
    iso = next(i for i in instances if {"Key": "Name", "Value": "isolated-builder"} in i["Tags"])
    table = next(t for t in tables if any(a.get("SubnetId") == iso["SubnetId"] for a in t["Associations"]))
    assert [r["GatewayId"] for r in table["Routes"]] == ["local"] and "PublicIpAddress" not in iso
    # Decoy: the sftp instance's NACL denies 22 before allowing everything.
    sftp = next(i for i in instances if {"Key": "Name", "Value": "sftp-01"} in i["Tags"])
    acl = next(
        a
        for a in load(d1, base + "describe-network-acls.json")["NetworkAcls"]
        if any(x["SubnetId"] == sftp["SubnetId"] for x in a["Associations"])
    )
    assert {
        "CidrBlock": "0.0.0.0/0",
        "Egress": False,
        "Protocol": "6",
        "PortRange": {"From": 22, "To": 22},
        "RuleAction": "deny",
        "RuleNumber": 90,
    } in acl["Entries"]
    # ALB chain: internet-facing LB → listener 443 → target group → web-01.
    elb = acct_path(m) + "/us-east-1/elbv2/"
    lb = next(
        x
        for x in load(d1, elb + "describe-load-balancers.json")["LoadBalancers"]
        if x["LoadBalancerName"] == "public-web-alb"
    )
    assert lb["Scheme"] == "internet-facing"
    listener = load(d1, elb + "describe-listeners/public-web-alb.json")["Listeners"][0]
    assert listener["Port"] == 443
    tg = next(
        t
        for t in load(d1, elb + "describe-target-groups.json")["TargetGroups"]
        if t["TargetGroupArn"] == listener["DefaultActions"][0]["TargetGroupArn"]
    )
    target = load(d1, elb + f"describe-target-health/{tg['TargetGroupName']}.json")[
        "TargetHealthDescriptions"
    ][0]
    assert any(i["InstanceId"] == target["Target"]["Id"] for i in instances)
    dbs = {
        d["DBInstanceIdentifier"]: d
        for d in load(d1, acct_path(m) + "/us-east-1/rds/describe-db-instances.json")["DBInstances"]
    }
    assert dbs["reporting-db"]["PubliclyAccessible"] and not dbs["orders-db"]["PubliclyAccessible"]
    assert dbs["analytics-replica"]["StorageEncrypted"] is False
    vols = load(d1, base + "describe-volumes.json")["Volumes"]
    assert sum(not v["Encrypted"] for v in vols) == 1


def test_planted_data_and_iam(env: tuple[Path, dict[str, Any]]) -> None:
    out, m = env
    d1, g = day(out, 1), acct_path(m) + "/global/"
    by_id = {p["id"]: p for p in m["planted"]}
    public = by_id["aws-s3-public-policy"]["asset_id"]
    policy = load(d1, g + f"s3api/get-bucket-policy/{public}.json")["Policy"]
    assert isinstance(policy, str) and json.loads(policy)["Statement"][0]["Principal"] == "*"
    acl_bucket = by_id["aws-s3-public-acl"]["asset_id"]
    grants = load(d1, g + f"s3api/get-bucket-acl/{acl_bucket}.json")["Grants"]
    assert {
        "Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
        "Permission": "READ",
    } in grants
    # "Absent configuration" is written as {} (snapshot-format.md), never as a missing file.
    assert load(d1, g + f"s3api/get-public-access-block/{acl_bucket}.json") == {}
    crown = next(p for p in by_id["xlayer-lb-to-crown-jewels"]["path"] if p["type"] == "S3Bucket")["id"]
    assert load(d1, g + f"s3api/get-bucket-policy/{crown}.json") == {}
    decoy = next(d for d in m["decoys"] if d["id"] == "decoy-s3-policy-blocked")["asset_id"]
    assert all(
        load(d1, g + f"s3api/get-public-access-block/{decoy}.json")["PublicAccessBlockConfiguration"].values()
    )
    assert load(d1, g + "iam/get-account-summary.json")["SummaryMap"]["AccountAccessKeysPresent"] == 1
    assert (
        load(day(out, 1), acct_path(m, 1) + "/global/iam/get-account-summary.json")["SummaryMap"][
            "AccountAccessKeysPresent"
        ]
        == 0
    )
    auth = load(d1, g + "iam/get-account-authorization-details.json")
    roles = {r["RoleName"]: r for r in auth["RoleDetailList"]}
    assert roles["public-trust-role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"AWS": "*"}
    assert "Condition" not in roles["vendor-audit-role"]["AssumeRolePolicyDocument"]["Statement"][0]
    jdoe = by_id["aws-iam-console-no-mfa"]
    assert load(d1, g + "iam/list-mfa-devices/jdoe.json")["MFADevices"] == []
    users = {u["UserName"]: u for u in load(d1, g + "iam/list-users.json")["Users"]}
    assert users["jdoe"]["Arn"] == jdoe["asset_id"] and "PasswordLastUsed" in users["jdoe"]
    unused = by_id["aws-iam-access-key-unused"]["asset_id"]
    assert (
        "LastUsedDate" not in load(d1, g + f"iam/get-access-key-last-used/{unused}.json")["AccessKeyLastUsed"]
    )
    fn = by_id["aws-lambda-url-public"]["asset_name"]
    urls = load(d1, acct_path(m) + f"/us-east-1/lambda/list-function-url-configs/{fn}.json")[
        "FunctionUrlConfigs"
    ]
    assert urls[0]["AuthType"] == "NONE"
    eks = load(d1, acct_path(m) + "/us-east-1/eks/describe-cluster/prod-eks.json")["cluster"]
    assert eks["resourcesVpcConfig"]["endpointPublicAccess"] and eks["resourcesVpcConfig"][
        "publicAccessCidrs"
    ] == ["0.0.0.0/0"]
    assert eks["identity"]["oidc"]["issuer"].startswith("https://oidc.eks.us-east-1.amazonaws.com/id/")


def test_cross_layer_path_and_node_link(env: tuple[Path, dict[str, Any]]) -> None:
    out, m = env
    d1 = day(out, 1)
    k = "k8s/prod-eks/"
    svc = next(s for s in load(d1, k + "services.json")["items"] if s["metadata"]["name"] == "payments-api")
    assert svc["spec"]["type"] == "LoadBalancer" and svc["status"]["loadBalancer"]["ingress"][0]["hostname"]
    assert not [
        p for p in load(d1, k + "networkpolicies.json")["items"] if p["metadata"]["namespace"] == "payments"
    ]
    pods = [
        p
        for p in load(d1, k + "pods.json")["items"]
        if p["metadata"]["namespace"] == "payments"
        and svc["spec"]["selector"].items() <= p["metadata"]["labels"].items()
    ]
    assert len(pods) == 2
    sa_name = pods[0]["spec"]["serviceAccountName"]
    sa = next(
        s
        for s in load(d1, k + "serviceaccounts.json")["items"]
        if s["metadata"]["name"] == sa_name and s["metadata"]["namespace"] == "payments"
    )
    role_arn = sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
    auth = load(d1, acct_path(m) + "/global/iam/get-account-authorization-details.json")
    role = next(r for r in auth["RoleDetailList"] if r["Arn"] == role_arn)
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Action"] == "sts:AssumeRoleWithWebIdentity"
    policy = next(p for p in auth["Policies"] if p["Arn"] == role["AttachedManagedPolicies"][0]["PolicyArn"])
    statements = policy["PolicyVersionList"][0]["Document"]["Statement"]
    bucket = statements[0]["Resource"].removeprefix("arn:aws:s3:::").removesuffix("/*")
    assert statements[0]["Action"] == "s3:GetObject"
    assert statements[1]["Action"] == "secretsmanager:GetSecretValue"
    buckets = load(d1, acct_path(m) + "/global/s3api/list-buckets.json")["Buckets"]
    assert bucket in {b["Name"] for b in buckets}
    path = next(p for p in m["planted"] if p["id"] == "xlayer-lb-to-crown-jewels")["path"]
    assert path[-2]["id"] == bucket
    # Nodes ↔ EC2 instances through providerID, with the node role's instance profile.
    instances = {
        i["InstanceId"]: i
        for r in load(d1, acct_path(m) + "/us-east-1/ec2/describe-instances.json")["Reservations"]
        for i in r["Instances"]
    }
    for node in load(d1, k + "nodes.json")["items"]:
        match = re.fullmatch(r"aws:///(us-east-1[a-z])/(i-[0-9a-f]{17})", node["spec"]["providerID"])
        assert match and match.group(2) in instances
        assert instances[match.group(2)]["IamInstanceProfile"]["Arn"].endswith("/prod-eks-node-role")
    for secret in load(d1, k + "secrets.json")["items"]:
        assert "data" not in secret and "stringData" not in secret and secret["type"]


def test_k8s_planted_properties(env: tuple[Path, dict[str, Any]]) -> None:
    out, m = env
    pods = {p["metadata"]["uid"]: p for p in load(day(out, 1), "k8s/prod-eks/pods.json")["items"]}
    by_kind = {p["kind"]: p for p in m["planted"] if p["layer"] == "k8s" and p["asset_id"] in pods}
    spec = lambda kind: pods[by_kind[kind]["asset_id"]]["spec"]  # noqa: E731
    assert spec("k8s_privileged_container")["containers"][0]["securityContext"]["privileged"] is True
    assert any("hostPath" in v for v in spec("k8s_hostpath_volume")["volumes"])
    assert spec("k8s_host_network")["hostNetwork"] is True
    assert spec("k8s_host_pid")["hostPID"] is True
    assert spec("k8s_container_runs_as_root")["containers"][0]["securityContext"]["runAsUser"] == 0
    assert spec("k8s_default_service_account_token_mounted")["serviceAccountName"] == "default"
    assert spec("k8s_image_latest_tag")["containers"][0]["image"].split("@")[0].endswith(":latest")
    assert "@sha256:" not in spec("k8s_image_not_pinned_by_digest")["containers"][0]["image"]
    assert spec("k8s_image_from_unapproved_registry")["containers"][0]["image"].startswith("quay.io/")
    # Every other pod follows the baseline: approved registry, pinned, not latest, no host namespaces.
    planted = {p["asset_id"] for p in m["planted"]}
    approved = (
        f"{m['accounts'][0]['account_id']}.dkr.ecr.us-east-1.amazonaws.com/",
        "registry.k8s.io/",
        "public.ecr.aws/",
    )
    for uid, pod in pods.items():
        if uid in planted:
            continue
        image = pod["spec"]["containers"][0]["image"]
        assert image.startswith(approved) and "@sha256:" in image and ":latest" not in image, image
        assert not pod["spec"].get("hostNetwork") and not pod["spec"].get("hostPID")


def test_untouched_files_identical_across_days(env: tuple[Path, dict[str, Any]]) -> None:
    out, m = env
    trees = {n: read_tree(day(out, n)) for n in range(1, 5)}
    a0 = acct_path(m)
    changed_day2 = {
        f"{a0}/us-east-1/ec2/describe-instances.json",
        f"{a0}/us-east-1/ec2/describe-network-interfaces.json",
        f"{a0}/us-east-1/ec2/describe-volumes.json",
        f"{a0}/us-east-1/ec2/describe-security-groups.json",
        f"{a0}/global/s3api/list-buckets.json",
        f"{a0}/global/iam/get-account-authorization-details.json",
        f"{a0}/us-east-1/eks/describe-cluster/prod-eks.json",  # the planted fix: control-plane logging on
        "k8s/prod-eks/deployments.json",
        "k8s/prod-eks/pods.json",
        "k8s/prod-eks/clusterrolebindings.json",
        "snapshot.json",
    }
    removed = {p for p in trees[1] if p not in trees[2]}
    assert removed and all("legacy-reports-2019" in p for p in removed)
    assert not set(trees[2]) - set(trees[1])
    diff = {p for p in trees[2] if trees[1][p] != trees[2][p]}
    assert diff == changed_day2
    sg_only = {f"{a0}/us-east-1/ec2/describe-security-groups.json", "snapshot.json"}
    assert {p for p in trees[3] if trees[2][p] != trees[3][p]} == sg_only
    assert {p for p in trees[4] if trees[3][p] != trees[4][p]} == sg_only
    # Day 3 reverts the day-2 port opening (so the finding resolves); day 4 re-opens it.
    assert trees[3][sorted(sg_only)[0]] == trees[1][sorted(sg_only)[0]]
    by_id = {p["id"]: p for p in m["planted"]}
    assert (
        by_id["aws-sg-reporting-app-mysql-open"]["day_from"],
        by_id["aws-sg-reporting-app-mysql-open"]["day_to"],
    ) == (2, 2)
    assert by_id["aws-sg-reporting-app-mysql-reopened-day4"]["day_from"] == 4
    assert {g["principal_name"] for g in m["creep"][0]["gains"]} == {
        "dev-carol",
        "ci-deployer",
        "ci/ci-runner",
    }
    changed = {c["property"] for c in m["drift"][0]["changed"]}
    assert {"IpPermissions", "Tags.Owner", "spec.template.spec.containers[0].image", "logging"} <= changed


def test_scale_grows_linearly_and_formatting(tmp_path: Path) -> None:
    small_m = generate(tmp_path / "s", scale=1, days=1)
    big_m = generate(tmp_path / "b", scale=4, days=1)
    small, big = small_m["counts"]["day-01"]["total"], big_m["counts"]["day-01"]["total"]
    assert 3.0 < big / small < 4.2
    # The planted set is the same at every scale (same ids and kinds).
    assert [(p["id"], p["kind"]) for p in small_m["planted"]] == [
        (p["id"], p["kind"]) for p in big_m["planted"]
    ]
    pretty = (tmp_path / "s" / "day-01" / "k8s" / "prod-eks" / "namespaces.json").read_text()
    assert pretty.startswith('{\n    "apiVersion": "v1",')  # kubectl: indent 4, sorted keys
    compact = generate(tmp_path / "c", scale=5.5, days=1, clusters=0, accounts=1)
    assert compact["counts"]["day-01"]["total"] > 0
    text = next((tmp_path / "c" / "day-01" / "aws").rglob("describe-vpcs.json")).read_text()
    assert text.startswith('{"Vpcs":[{') and text.endswith("}\n")


def test_one_day_has_no_changes(tmp_path: Path) -> None:
    m = generate(tmp_path / "one", scale=0.3, days=1)
    assert m["drift"] == [] and m["creep"] == []
    assert all(p["day_from"] == 1 and p["day_to"] is None for p in m["planted"])
