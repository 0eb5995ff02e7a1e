"""Acceptance: the hand-written day-1 snapshot loads with every listed resource and link.

Expected ids come from the fixture files (read with plain ``json``), README.md and EXPECTED.json, following
the id rules of docs/schema/*.md — never from invgraph's transforms. Assertions compare sets of
(label, id) and (start id, type, end id).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from config import set_settings
from pipeline.run import RunReport, ingest_snapshot
from tests.acceptance.support import (
    ACCOUNT,
    AWS1,
    CLUSTER,
    DAY1,
    K8S1,
    REGION,
    all_property_values,
    ids,
    k8s_items,
    props,
    raw,
    rels,
)
from tests.conftest import _wipe

EC2 = AWS1 / REGION / "ec2"
ELB = AWS1 / REGION / "elbv2"
IAM = AWS1 / "global" / "iam"
S3 = AWS1 / "global" / "s3api"
AUTH = raw(IAM / "get-account-authorization-details.json")
INSTANCES = [i for r in raw(EC2 / "describe-instances.json")["Reservations"] for i in r["Instances"]]
SGS = raw(EC2 / "describe-security-groups.json")["SecurityGroups"]
KUBE_SYSTEM_UID = next(
    n["metadata"]["uid"] for n in k8s_items("namespaces") if n["metadata"]["name"] == "kube-system"
)

# The five links the ingestion issue names, written out from README.md / EXPECTED.json.
BASTION, APP_PRIVATE = "i-0b45a1c2d3e4f5061", "i-0c56b2d3e4f506172"
WORKERS = {
    "ip-10-0-10-55.ec2.internal": "i-0e78d4f5061728394",
    "ip-10-0-11-66.ec2.internal": "i-0f89e5061728394a5",
}
ALB_DNS = "web-alb-1234567890.us-east-1.elb.amazonaws.com"
IRSA_SA = f"{CLUSTER}/payments/payments-api"
IRSA_ROLE = f"arn:aws:iam::{ACCOUNT}:role/payments-irsa"


@pytest.fixture(scope="module")
def day1(neo4j_uri: str) -> Iterator[RunReport]:
    set_settings(None)
    _wipe()
    report = ingest_snapshot(DAY1)
    yield report
    _wipe()


def _meta_ids(resource: str) -> set[str]:
    return {i["metadata"]["uid"] for i in k8s_items(resource)}


def _ns_name_ids(resource: str) -> set[str]:
    return {f"{CLUSTER}/{i['metadata']['namespace']}/{i['metadata']['name']}" for i in k8s_items(resource)}


def _cluster_name_ids(resource: str) -> set[str]:
    return {f"{CLUSTER}/{i['metadata']['name']}" for i in k8s_items(resource)}


def _statement_ids(policy_id: str, document: dict[str, Any]) -> set[str]:
    statements = document["Statement"]
    statements = statements if isinstance(statements, list) else [statements]
    out, n = set(), 0
    for s in statements:
        if "Sid" in s:
            out.add(f"{policy_id}/statement/{s['Sid']}")
        else:
            n += 1
            out.add(f"{policy_id}/statement/{n}")
    return out


def _principals_trusted(document: dict[str, Any]) -> set[str]:
    out: set[str] = set()
    for s in document["Statement"]:
        if s["Effect"] != "Allow":
            continue
        principal = s["Principal"]
        if principal == "*":
            out.add("*")
            continue
        for kind, values in principal.items():
            for v in values if isinstance(values, list) else [values]:
                out.add(f"arn:aws:iam::{v}:root" if kind == "AWS" and v.isdigit() else v)
    return out


def test_run_is_ok_and_every_module_ok(day1: RunReport) -> None:
    assert day1.status == "ok", day1.as_json()
    # The account is not an organization's administrator: organizations are not collected (and said so).
    # Nor does this snapshot hold usage inputs (credential report, audit log): not collected, said so.
    not_here = {"aws.organizations", "aws.iam.credential_report", "k8s.audit_log"}
    optional = {m.name: m.status.value for m in day1.modules if m.name in not_here}
    assert optional == dict.fromkeys(not_here, "not collected")
    assert {m.status.value for m in day1.modules if m.name not in optional} == {"ok"}, [
        m.as_json() for m in day1.modules if m.status != "ok"
    ]
    assert day1.skipped == [] and day1.exit_code == 0


def test_aws_network(day1: RunReport) -> None:
    vpcs = raw(EC2 / "describe-vpcs.json")["Vpcs"]
    subnets = raw(EC2 / "describe-subnets.json")["Subnets"]
    igws = raw(EC2 / "describe-internet-gateways.json")["InternetGateways"]
    rtbs = raw(EC2 / "describe-route-tables.json")["RouteTables"]
    nacls = raw(EC2 / "describe-network-acls.json")["NetworkAcls"]
    assert ids("AWSAccount") >= {ACCOUNT}
    assert ids("AWSVpc") == {v["VpcId"] for v in vpcs} == {"vpc-0f3c9a8e21b7d4a56"}
    assert ids("EC2Subnet") == {s["SubnetId"] for s in subnets}
    assert ids("AWSInternetGateway") == {g["InternetGatewayId"] for g in igws} == {"igw-0e5f6a7b8c9d0e1f2"}
    assert ids("EC2RouteTable") == {t["RouteTableId"] for t in rtbs}
    assert ids("EC2Route") == {
        f"{t['RouteTableId']}|{r['DestinationCidrBlock']}" for t in rtbs for r in t["Routes"]
    }
    assert ids("EC2RouteTableAssociation") == {
        a["RouteTableAssociationId"] for t in rtbs for a in t["Associations"]
    }
    nacl_arn = f"arn:aws:ec2:{REGION}:{ACCOUNT}:network-acl/{{}}"
    assert ids("EC2NetworkAcl") == {nacl_arn.format(n["NetworkAclId"]) for n in nacls}
    assert ids("EC2NetworkAclRule") == {
        f"{n['NetworkAclId']}/{'egress' if e['Egress'] else 'inbound'}/{e['RuleNumber']}"
        for n in nacls
        for e in n["Entries"]
    }

    owned = rels("RESOURCE", "AWSAccount")
    for label in (
        "AWSVpc",
        "EC2Subnet",
        "AWSInternetGateway",
        "EC2RouteTable",
        "EC2NetworkAcl",
        "EC2SecurityGroup",
    ):
        assert {(ACCOUNT, "RESOURCE", i) for i in ids(label)} <= owned, label
    assert rels("MEMBER_OF_AWS_VPC", "EC2Subnet") == {
        (s["SubnetId"], "MEMBER_OF_AWS_VPC", s["VpcId"]) for s in subnets
    }
    assert rels("ATTACHED_TO", "AWSInternetGateway") == {
        (g["InternetGatewayId"], "ATTACHED_TO", a["VpcId"]) for g in igws for a in g["Attachments"]
    }
    assert rels("ASSOCIATED_SUBNET") == {
        (a["RouteTableAssociationId"], "ASSOCIATED_SUBNET", a["SubnetId"])
        for t in rtbs
        for a in t["Associations"]
        if "SubnetId" in a
    }
    assert rels("ROUTES_TO_GATEWAY") == {
        ("rtb-01a2b3c4d5e6f7081|0.0.0.0/0", "ROUTES_TO_GATEWAY", "igw-0e5f6a7b8c9d0e1f2")
    }
    assert rels("PART_OF_SUBNET", "EC2NetworkAcl") == {
        (nacl_arn.format(n["NetworkAclId"]), "PART_OF_SUBNET", a["SubnetId"])
        for n in nacls
        for a in n["Associations"]
    }
    deny22 = props("EC2NetworkAclRule", "acl-0b2c3d4e5f607890a/inbound/90")
    assert (deny22["ruleaction"], deny22["fromport"], deny22["toport"]) == ("deny", 22, 22)


def test_security_groups_rules_and_ranges(day1: RunReport) -> None:
    def rule_id(
        group: str, kind: str, p: dict[str, Any]
    ) -> str:  # Cartography's id (docs/schema/aws-network.md)
        return f"{group}/{kind}/{p.get('FromPort')}{p.get('ToPort')}{p['IpProtocol']}"

    rules, ranges, sg_refs = set(), set(), set()
    for g in SGS:
        for kind in ("IpPermissions", "IpPermissionsEgress"):
            for p in g[kind]:
                rid = rule_id(g["GroupId"], kind, p)
                rules.add((rid, "MEMBER_OF_EC2_SECURITY_GROUP", g["GroupId"]))
                ranges |= {(f"{rid}|{r['CidrIp']}", "MEMBER_OF_IP_RULE", rid) for r in p.get("IpRanges", [])}
                ranges |= {
                    (f"{rid}|{r['CidrIpv6']}", "MEMBER_OF_IP_RULE", rid) for r in p.get("Ipv6Ranges", [])
                }
                if kind == "IpPermissions":
                    sg_refs |= {
                        (g["GroupId"], "ALLOWS_TRAFFIC_FROM", u["GroupId"])
                        for u in p.get("UserIdGroupPairs", [])
                    }
    assert ids("EC2SecurityGroup") == {g["GroupId"] for g in SGS}
    assert rels("MEMBER_OF_EC2_SECURITY_GROUP", "IpRule") == rules
    assert rels("MEMBER_OF_IP_RULE") == ranges
    assert (
        "sg-0e1e2e3e4e5e6e7e8/IpPermissions/33893389tcp|::/0",
        "MEMBER_OF_IP_RULE",
        "sg-0e1e2e3e4e5e6e7e8/IpPermissions/33893389tcp",
    ) in ranges  # rdp-v6 (README)
    assert rels("ALLOWS_TRAFFIC_FROM") == sg_refs
    assert (
        "sg-0f1f2f3f4f5f6f7f8",
        "ALLOWS_TRAFFIC_FROM",
        "sg-0a1a2a3a4a5a6a7a8",
    ) in sg_refs  # app-from-alb ← web-sg
    assert props("IpRange", "sg-0e1e2e3e4e5e6e7e8/IpPermissions/33893389tcp|::/0")["range"] == "::/0"


def test_instances_enis_and_the_issue_links(day1: RunReport) -> None:
    enis = raw(EC2 / "describe-network-interfaces.json")["NetworkInterfaces"]
    assert (
        ids("EC2Instance")
        == {i["InstanceId"] for i in INSTANCES}
        == {BASTION, APP_PRIVATE, "i-0d67c3e4f50617283", *WORKERS.values()}
    )
    assert ids("NetworkInterface") == {n["NetworkInterfaceId"] for n in enis}
    assert rels("NETWORK_INTERFACE", "EC2Instance") == {
        (n["Attachment"]["InstanceId"], "NETWORK_INTERFACE", n["NetworkInterfaceId"])
        for n in enis
        if n.get("Attachment", {}).get("InstanceId")
    }
    assert {
        i: props("EC2Instance", i).get("publicipaddress")
        for i in (BASTION, "i-0d67c3e4f50617283", APP_PRIVATE)
    } == {BASTION: "54.210.33.17", "i-0d67c3e4f50617283": "3.91.44.120", APP_PRIVATE: None}
    assert rels("PART_OF_SUBNET", "EC2Instance") == {
        (i["InstanceId"], "PART_OF_SUBNET", i["SubnetId"]) for i in INSTANCES
    }

    # security group → instance
    assert rels("MEMBER_OF_EC2_SECURITY_GROUP", "EC2Instance") == {
        (i["InstanceId"], "MEMBER_OF_EC2_SECURITY_GROUP", g["GroupId"])
        for i in INSTANCES
        for g in i["SecurityGroups"]
    }
    assert {
        (BASTION, "MEMBER_OF_EC2_SECURITY_GROUP", "sg-0b1b2b3b4b5b6b7b8"),
        (APP_PRIVATE, "MEMBER_OF_EC2_SECURITY_GROUP", "sg-0f1f2f3f4f5f6f7f8"),
    } <= rels("MEMBER_OF_EC2_SECURITY_GROUP", "EC2Instance")

    # instance → instance profile → role
    profiles = {p["Arn"]: r["Arn"] for r in AUTH["RoleDetailList"] for p in r["InstanceProfileList"]}
    assert ids("AWSInstanceProfile") == set(profiles)
    assert rels("ASSOCIATED_WITH", "AWSInstanceProfile") == {
        (p, "ASSOCIATED_WITH", r) for p, r in profiles.items()
    }
    assert rels("INSTANCE_PROFILE") == {
        (i["InstanceId"], "INSTANCE_PROFILE", i["IamInstanceProfile"]["Arn"])
        for i in INSTANCES
        if "IamInstanceProfile" in i
    }
    bastion_profile = f"arn:aws:iam::{ACCOUNT}:instance-profile/bastion-role"
    assert (BASTION, "INSTANCE_PROFILE", bastion_profile) in rels("INSTANCE_PROFILE")
    assert (bastion_profile, "ASSOCIATED_WITH", f"arn:aws:iam::{ACCOUNT}:role/bastion-role") in rels(
        "ASSOCIATED_WITH", "AWSInstanceProfile", "AWSRole"
    )

    # K8s node → EC2 instance (providerID)
    from_provider_id = {
        f"{CLUSTER}/{n['metadata']['name']}": n["spec"]["providerID"].rsplit("/", 1)[1]
        for n in k8s_items("nodes")
    }
    assert from_provider_id == {f"{CLUSTER}/{k}": v for k, v in WORKERS.items()}
    assert rels("IS_INSTANCE", "KubernetesNode", "EC2Instance") == {
        (n, "IS_INSTANCE", i) for n, i in from_provider_id.items()
    }


def test_elbv2_listeners_target_groups_and_expose(day1: RunReport) -> None:
    lbs = raw(ELB / "describe-load-balancers.json")["LoadBalancers"]
    tgs = raw(ELB / "describe-target-groups.json")["TargetGroups"]
    listeners = raw(ELB / "describe-listeners" / "web-alb.json")["Listeners"]
    health = raw(ELB / "describe-target-health" / "web-tg.json")["TargetHealthDescriptions"]
    assert ids("LoadBalancerV2") == {lb["DNSName"].lower() for lb in lbs} == {ALB_DNS}
    assert ids("ELBV2Listener") == {x["ListenerArn"] for x in listeners}
    assert ids("ELBV2TargetGroup") == {t["TargetGroupArn"] for t in tgs}
    assert rels("ELBV2_LISTENER") == {(ALB_DNS, "ELBV2_LISTENER", x["ListenerArn"]) for x in listeners}
    assert rels("ELBV2_TARGET_GROUP") == {(ALB_DNS, "ELBV2_TARGET_GROUP", t["TargetGroupArn"]) for t in tgs}
    # load balancer → target instance
    assert (
        rels("EXPOSE")
        == {(ALB_DNS, "EXPOSE", d["Target"]["Id"]) for d in health}
        == {(ALB_DNS, "EXPOSE", APP_PRIVATE)}
    )
    from graph import driver

    assert driver.read("MATCH (:LoadBalancerV2)-[r:EXPOSE]->(:EC2Instance) RETURN r.port AS port") == [
        {"port": 8080}
    ]
    assert props("ELBV2Listener", listeners[0]["ListenerArn"])["port"] == 443
    assert props("LoadBalancerV2", ALB_DNS)["scheme"] == "internet-facing"


def test_s3_buckets_and_their_per_bucket_properties(day1: RunReport) -> None:
    buckets = {b["Name"] for b in raw(S3 / "list-buckets.json")["Buckets"]}
    assert (
        ids("S3Bucket")
        == buckets
        == {"acme-public-assets", "acme-acl-public", "acme-blocked", "acme-customer-data"}
    )
    assert {(ACCOUNT, "RESOURCE", b) for b in buckets} <= rels("RESOURCE", "AWSAccount", "S3Bucket")
    # policy: the stored JSON is the file's Policy string, parsed
    for bucket in ("acme-public-assets", "acme-blocked", "acme-customer-data"):
        expected = json.loads(raw(S3 / "get-bucket-policy" / f"{bucket}.json")["Policy"])
        assert json.loads(props("S3Bucket", bucket)["policy"]) == expected, bucket
    assert props("S3Bucket", "acme-public-assets")["anonymous_access"] is True
    assert props("S3Bucket", "acme-customer-data").get("anonymous_access") is False
    # ACL: AllUsers READ on acme-acl-public only; every bucket has its ACL nodes
    acl = {b: props("S3Bucket", b)["acl_grants_all_users"] for b in buckets}
    assert acl == {b: b == "acme-acl-public" for b in buckets}
    assert {b for _, _, b in rels("APPLIES_TO", "S3Acl", "S3Bucket")} == buckets
    # public access block (absent file for acme-public-assets = never set)
    pab = {b: props("S3Bucket", b).get("block_public_policy") for b in buckets}
    assert pab == {
        "acme-public-assets": None,
        "acme-acl-public": False,
        "acme-blocked": True,
        "acme-customer-data": True,
    }
    # encryption
    enc = {b: props("S3Bucket", b)["encryption_algorithm"] for b in buckets}
    expected_enc = {
        b: raw(S3 / "get-bucket-encryption" / f"{b}.json")["ServerSideEncryptionConfiguration"]["Rules"][0][
            "ApplyServerSideEncryptionByDefault"
        ]["SSEAlgorithm"]
        for b in buckets
    }
    assert enc == expected_enc and enc["acme-customer-data"] == "aws:kms"
    assert all(props("S3Bucket", b)["default_encryption"] is True for b in buckets)


def test_iam_principals_policies_statements_keys_mfa_and_trust(day1: RunReport) -> None:
    users = {u["Arn"]: u for u in AUTH["UserDetailList"]}
    groups = {g["Arn"]: g for g in AUTH["GroupDetailList"]}
    roles = {r["Arn"]: r for r in AUTH["RoleDetailList"]}
    assert (
        ids("AWSUser")
        == set(users)
        == {f"arn:aws:iam::{ACCOUNT}:user/{n}" for n in ("alice", "bob", "ci-bot", "dave")}
    )
    assert ids("AWSGroup") == set(groups)
    assert ids("AWSRole") == set(roles)

    managed = {
        p["Arn"]: next(v["Document"] for v in p["PolicyVersionList"] if v["IsDefaultVersion"])
        for p in AUTH["Policies"]
    }
    inline: dict[str, dict[str, Any]] = {}
    attachments: set[tuple[str, str, str]] = set()
    for arn, principal in [*users.items(), *groups.items(), *roles.items()]:
        for key in ("UserPolicyList", "GroupPolicyList", "RolePolicyList"):
            for p in principal.get(key, []):
                pid = f"{arn}/inline_policy/{p['PolicyName']}"
                inline[pid] = p["PolicyDocument"]
                attachments.add((arn, "POLICY", pid))
        attachments |= {(arn, "POLICY", p["PolicyArn"]) for p in principal.get("AttachedManagedPolicies", [])}
    assert ids("AWSPolicy") == set(managed) | set(inline)
    assert {i for i in ids("AWSInlinePolicy")} == set(
        inline
    ) and inline  # payments-irsa + vendor-audit inline
    assert rels("POLICY") == attachments
    statements = {s for pid, doc in {**managed, **inline}.items() for s in _statement_ids(pid, doc)}
    assert ids("AWSPolicyStatement") == statements
    assert {(s.split("/statement/")[0], "STATEMENT", s) for s in statements} == rels("STATEMENT")
    read_customer = props(
        "AWSPolicyStatement", f"{IRSA_ROLE}/inline_policy/payments-data-access/statement/ReadCustomerData"
    )
    assert read_customer["effect"] == "Allow" and "s3:GetObject" in read_customer["action"]

    assert rels("MEMBER_AWS_GROUP") == {
        (u, "MEMBER_AWS_GROUP", f"arn:aws:iam::{ACCOUNT}:group/{g}")
        for u, d in users.items()
        for g in d["GroupList"]
    }

    keys = {
        (k["AccessKeyId"], f"arn:aws:iam::{ACCOUNT}:user/{k['UserName']}")
        for f in (IAM / "list-access-keys").glob("*.json")
        for k in raw(f)["AccessKeyMetadata"]
    }
    assert ids("AccountAccessKey") == {k for k, _ in keys} == {"AKIAQX7BOB0LDKEY0001", "AKIAQX7CIBOTNEWKEY02"}
    assert rels("AWS_ACCESS_KEY") == {(u, "AWS_ACCESS_KEY", k) for k, u in keys}
    mfa = {
        (d["SerialNumber"], f"arn:aws:iam::{ACCOUNT}:user/{d['UserName']}")
        for f in (IAM / "list-mfa-devices").glob("*.json")
        for d in raw(f)["MFADevices"]
    }
    assert ids("AWSMfaDevice") == {s for s, _ in mfa}
    assert rels("MFA_DEVICE") == {(u, "MFA_DEVICE", s) for s, u in mfa}

    trusts = {
        (arn, "TRUSTS_AWS_PRINCIPAL", p)
        for arn, r in roles.items()
        for p in _principals_trusted(r["AssumeRolePolicyDocument"])
    }
    assert rels("TRUSTS_AWS_PRINCIPAL") == trusts
    assert {
        (f"arn:aws:iam::{ACCOUNT}:role/anyone-role", "TRUSTS_AWS_PRINCIPAL", "*"),
        (
            f"arn:aws:iam::{ACCOUNT}:role/vendor-audit",
            "TRUSTS_AWS_PRINCIPAL",
            "arn:aws:iam::999988887777:root",
        ),
    } <= trusts


def test_rds_lambda_eks(day1: RunReport) -> None:
    dbs = raw(AWS1 / REGION / "rds" / "describe-db-instances.json")["DBInstances"]
    assert (
        ids("RDSInstance")
        == {d["DBInstanceArn"] for d in dbs}
        == {f"arn:aws:rds:{REGION}:{ACCOUNT}:db:orders-db", f"arn:aws:rds:{REGION}:{ACCOUNT}:db:billing-db"}
    )
    assert rels("MEMBER_OF_EC2_SECURITY_GROUP", "RDSInstance") == {
        (d["DBInstanceArn"], "MEMBER_OF_EC2_SECURITY_GROUP", g["VpcSecurityGroupId"])
        for d in dbs
        for g in d["VpcSecurityGroups"]
    }
    assert props("RDSInstance", f"arn:aws:rds:{REGION}:{ACCOUNT}:db:orders-db")["publicly_accessible"] is True

    fns = raw(AWS1 / REGION / "lambda" / "list-functions.json")["Functions"]
    assert ids("AWSLambda") == {f["FunctionArn"] for f in fns}
    public = props("AWSLambda", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:public-fn")
    assert (public["function_url"], public["function_url_auth_type"]) == (
        "https://4w7z2qxk3v5npl6ty8rs9abcde0fghij.lambda-url.us-east-1.on.aws/",
        "NONE",
    )
    assert (
        props("AWSLambda", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:private-fn")["function_url_auth_type"]
        == "AWS_IAM"
    )

    eks_arn = f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/{CLUSTER}"
    assert ids("EKSCluster") == {eks_arn}
    eks = props("EKSCluster", eks_arn)
    assert (
        eks["oidc_issuer"]
        == raw(AWS1 / REGION / "eks" / "describe-cluster" / f"{CLUSTER}.json")["cluster"]["identity"]["oidc"][
            "issuer"
        ]
    )
    assert rels("MAPS_TO") == {(eks_arn, "MAPS_TO", KUBE_SYSTEM_UID)}
    assert rels("MEMBER_OF_EKS_CLUSTER") == {(i, "MEMBER_OF_EKS_CLUSTER", eks_arn) for i in WORKERS.values()}
    assert ids("SecretsManagerSecret") == {
        f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:prod/db-password-Xy12Ab"
    }


def test_kubernetes_objects(day1: RunReport) -> None:
    assert ids("KubernetesCluster") == {KUBE_SYSTEM_UID}
    assert ids("KubernetesNamespace") == _meta_ids("namespaces")
    assert {n["metadata"]["name"] for n in k8s_items("namespaces")} == {
        "default",
        "kube-system",
        "kube-public",
        "kube-node-lease",
        "payments",
        "web",
    }
    assert ids("KubernetesNode") == _cluster_name_ids("nodes")
    pods = k8s_items("pods")
    assert ids("KubernetesPod") == {p["metadata"]["uid"] for p in pods}
    containers = {
        (p["metadata"]["uid"], "CONTAINS", f"{p['metadata']['uid']}-{c['name']}")
        for p in pods
        for c in [*p["spec"]["containers"], *p["spec"].get("initContainers", [])]
    }
    assert ids("KubernetesContainer") == {c for _, _, c in containers}
    assert rels("CONTAINS", "KubernetesPod", "KubernetesContainer") == containers
    assert rels("RUNS_ON") == {
        (p["metadata"]["uid"], "RUNS_ON", f"{CLUSTER}/{p['spec']['nodeName']}") for p in pods
    }
    for resource, label in (
        ("deployments", "KubernetesDeployment"),
        ("daemonsets", "KubernetesDaemonSet"),
        ("statefulsets", "KubernetesStatefulSet"),
        ("services", "KubernetesService"),
        ("ingresses", "KubernetesIngress"),
        ("networkpolicies", "KubernetesNetworkPolicy"),
        ("secrets", "KubernetesSecret"),
    ):
        assert ids(label) == _meta_ids(resource), label
    assert ids("KubernetesServiceAccount") == _ns_name_ids("serviceaccounts")
    assert ids("KubernetesRole") == _ns_name_ids("roles")
    assert ids("KubernetesRoleBinding") == _ns_name_ids("rolebindings")
    assert ids("KubernetesClusterRole") == _cluster_name_ids("clusterroles")
    assert ids("KubernetesClusterRoleBinding") == _cluster_name_ids("clusterrolebindings")
    every = set().union(
        *(
            ids(label)
            for label in (
                "KubernetesNamespace",
                "KubernetesNode",
                "KubernetesPod",
                "KubernetesContainer",
                "KubernetesService",
                "KubernetesSecret",
                "KubernetesServiceAccount",
                "KubernetesRole",
                "KubernetesClusterRoleBinding",
            )
        )
    )
    assert {(KUBE_SYSTEM_UID, "RESOURCE", i) for i in every} <= rels("RESOURCE", "KubernetesCluster")

    # workload parents: pods of the payments-api Deployment, the StatefulSet and the aws-node DaemonSet
    uid = {
        (i["metadata"]["namespace"], i["metadata"]["name"]): i["metadata"]["uid"]
        for r in ("deployments", "daemonsets", "statefulsets")
        for i in k8s_items(r)
    }
    parents = rels("WORKLOAD_PARENT", "KubernetesPod")
    assert (
        "bd4e5f60-7182-4394-a5a6-d7e8f9a0b1c2",
        "WORKLOAD_PARENT",
        uid[("payments", "payments-api")],
    ) in parents
    assert (
        "24b5c6d7-e8f9-4a0b-9c1d-4e5f60718293",
        "WORKLOAD_PARENT",
        uid[("kube-system", "aws-node")],
    ) in parents
    assert (
        "9b2c3d4e-f5a6-4172-8384-b5c6d7e8f9ab",
        "WORKLOAD_PARENT",
        uid[("payments", "payments-cache")],
    ) in parents

    # services → pods: selector ⊆ pod labels, same namespace
    expected_targets = {
        (s["metadata"]["uid"], "TARGETS", p["metadata"]["uid"])
        for s in k8s_items("services")
        if s["spec"].get("selector")
        for p in pods
        if p["metadata"]["namespace"] == s["metadata"]["namespace"]
        and s["spec"]["selector"].items() <= p["metadata"].get("labels", {}).items()
    }
    assert rels("TARGETS", "KubernetesService", "KubernetesPod") == expected_targets
    assert (
        "d4f6b8c0-3e5a-4c9d-9f4b-6d8f0b2c4e5a",
        "TARGETS",
        "bd4e5f60-7182-4394-a5a6-d7e8f9a0b1c2",
    ) in expected_targets
    web_ingress = k8s_items("ingresses")[0]["metadata"]["uid"]
    web_svc = next(
        s["metadata"]["uid"] for s in k8s_items("services") if s["metadata"]["name"] == "web-frontend"
    )
    assert rels("TARGETS", "KubernetesIngress") == {(web_ingress, "TARGETS", web_svc)}
    policy = k8s_items("networkpolicies")[0]["metadata"]["uid"]
    assert rels("APPLIES_TO", "KubernetesNetworkPolicy") == {
        (policy, "APPLIES_TO", p["metadata"]["uid"]) for p in pods if p["metadata"]["namespace"] == "web"
    }

    # service account → IAM role (IRSA)
    assert rels("ASSUMES_ROLE", "KubernetesServiceAccount", "AWSRole") == {
        (IRSA_SA, "ASSUMES_ROLE", IRSA_ROLE)
    }
    assert ("bd4e5f60-7182-4394-a5a6-d7e8f9a0b1c2", "USES_SERVICE_ACCOUNT", IRSA_SA) in rels(
        "USES_SERVICE_ACCOUNT"
    )

    # RBAC: every binding's roleRef and subjects
    role_refs, subjects = set(), set()
    for kind in ("rolebindings", "clusterrolebindings"):
        for b in k8s_items(kind):
            m = b["metadata"]
            bid = (
                f"{CLUSTER}/{m['namespace']}/{m['name']}"
                if kind == "rolebindings"
                else f"{CLUSTER}/{m['name']}"
            )
            ref = b["roleRef"]
            role_refs.add(
                (
                    bid,
                    "ROLE_REF",
                    f"{CLUSTER}/{m['namespace']}/{ref['name']}"
                    if ref["kind"] == "Role"
                    else f"{CLUSTER}/{ref['name']}",
                )
            )
            for s in b.get("subjects", []):
                sid = (
                    f"{CLUSTER}/{s['namespace']}/{s['name']}"
                    if s["kind"] == "ServiceAccount"
                    else f"{CLUSTER}/{s['name']}"
                )
                subjects.add((bid, "SUBJECT", sid))
    assert rels("ROLE_REF") == role_refs
    assert rels("SUBJECT") == subjects
    assert ("prod-eks/dev-admin", "ROLE_REF", "prod-eks/cluster-admin") in role_refs


def _assert_no_value_anywhere(values: set[str]) -> None:
    leaks = [
        (owner, key)
        for owner, key, v in all_property_values()
        if any(s in (json.dumps(v, default=str) if not isinstance(v, str) else v) for s in values)
    ]
    assert leaks == [], f"secret values stored in {leaks}"


def test_secrets_are_metadata_only(day1: RunReport) -> None:
    secrets = k8s_items("secrets")
    assert all("data" not in s and "stringData" not in s for s in secrets)  # the fixture carries none
    for s in secrets:
        p = props("KubernetesSecret", s["metadata"]["uid"])
        assert p["composite_id"] == f"{CLUSTER}/{s['metadata']['namespace']}/{s['metadata']['name']}"
        assert not {"data", "stringData", "string_data"} & set(p)


SECRET_PLAINTEXT = "hunter2-acceptance-Pl41nT3xt"
SECRET_B64 = "aHVudGVyMi1hY2NlcHRhbmNlLVBsNDFuVDN4dA=="  # base64 of the plaintext
SECRET_STRINGDATA = "stringdata-acceptance-9f8e7d"
SECRET_ANNOTATED = "last-applied-acceptance-c0ffee"


def test_secret_values_in_the_input_never_reach_the_graph(day1: RunReport, tmp_path: Path) -> None:
    """A snapshot whose secrets.json carries data / stringData and a last-applied annotation holding them."""
    snap = tmp_path / "snap"
    (snap / "k8s").mkdir(parents=True)
    shutil.copy(DAY1 / "snapshot.json", snap / "snapshot.json")
    shutil.copytree(K8S1, snap / "k8s" / CLUSTER)
    doc = raw(K8S1 / "secrets.json")
    for s in doc["items"]:
        s["data"] = {"password": SECRET_B64}
        s["stringData"] = {"token": SECRET_STRINGDATA}
        manifest = {"apiVersion": "v1", "kind": "Secret", "stringData": {"token": SECRET_ANNOTATED}}
        s["metadata"].setdefault("annotations", {})["kubectl.kubernetes.io/last-applied-configuration"] = (
            json.dumps(manifest)
        )
    (snap / "k8s" / CLUSTER / "secrets.json").write_text(json.dumps(doc, indent=4, sort_keys=True))
    report = ingest_snapshot(snap)
    assert report.status == "ok", report.as_json()
    assert ids("KubernetesSecret") == {s["metadata"]["uid"] for s in doc["items"]}
    _assert_no_value_anywhere({SECRET_PLAINTEXT, SECRET_B64, SECRET_STRINGDATA, SECRET_ANNOTATED})
