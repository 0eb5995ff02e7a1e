"""RDS, Lambda and Secrets Manager modules on a real Neo4j with the hand-written day-1 snapshot."""

from __future__ import annotations

from pathlib import Path

from aws_data_support import ACCOUNT, REGION, copy_day1, data, iam, ids, nodes, path_of, prop, rels, statuses

from graph.schema import loader
from graph.schema.model import NodeSchema, P

# Stand-ins for the network modules' nodes (same labels and keys): RDS only MATCHes them.
SUBNET = NodeSchema("EC2Subnet", {"id": P("id")})
SECURITY_GROUP = NodeSchema("EC2SecurityGroup", {"id": P("id")})
SUBNETS = [
    "subnet-0a1f2e3d4c5b6a701",
    "subnet-0b2e3d4c5b6a70812",
    "subnet-0c3d4c5b6a7081923",
    "subnet-0d4c5b6a708192a34",
]
FN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function"


def _setup(root: Path) -> Path:
    services = ("rds", "lambda", "secretsmanager", "kms")
    copy_day1(root, parts=("global/iam", *(f"{REGION}/{s}" for s in services)))
    loader.ensure_indexes([SUBNET, SECURITY_GROUP])
    loader.load(SUBNET, [{"id": s} for s in SUBNETS], 1)
    loader.load(SECURITY_GROUP, [{"id": "sg-0a2b3c4d5e6f7a8b9"}, {"id": "sg-0b3c4d5e6f7a8b9c0"}], 1)
    return root


def _data(root: Path, tag: int) -> dict:
    return {k: v for k, v in data(root, tag).items() if not k.startswith("s3")}


def test_rds_instances_subnets_and_security_groups(neo4j: str, tmp_path: Path) -> None:
    root = _setup(tmp_path)
    assert statuses(_data(root, 1)) == {
        "account": "ok",
        f"rds/{REGION}": "ok",
        f"lambda/{REGION}": "ok",
        f"secretsmanager/{REGION}": "ok",
        f"kms/{REGION}": "ok",
    }
    orders, billing = (f"arn:aws:rds:{REGION}:{ACCOUNT}:db:{n}" for n in ("orders-db", "billing-db"))
    assert nodes(
        "RDSInstance",
        "db_instance_identifier",
        "publicly_accessible",
        "storage_encrypted",
        "endpoint_port",
        "engine",
        "region",
    ) == {
        (orders, "orders-db", True, False, 5432, "postgres", REGION),
        (billing, "billing-db", False, True, 5432, "postgres", REGION),
    }
    assert prop("RDSInstance", orders, "endpoint_address").startswith("orders-db.")
    assert rels("MEMBER_OF_EC2_SECURITY_GROUP") == {
        (orders, "sg-0a2b3c4d5e6f7a8b9"),
        (billing, "sg-0b3c4d5e6f7a8b9c0"),
    }
    group = f"arn:aws:rds:{REGION}:{ACCOUNT}:subgrp"
    assert rels("MEMBER_OF_DB_SUBNET_GROUP") == {
        (orders, f"{group}:orders-public-subnets"),
        (billing, f"{group}:billing-private-subnets"),
    }
    assert rels("RESOURCE", "DBSubnetGroup", "EC2Subnet") == {
        (f"{group}:orders-public-subnets", SUBNETS[0]),
        (f"{group}:orders-public-subnets", SUBNETS[1]),
        (f"{group}:billing-private-subnets", SUBNETS[2]),
        (f"{group}:billing-private-subnets", SUBNETS[3]),
    }


def test_lambda_role_and_function_url(neo4j: str, tmp_path: Path) -> None:
    root = _setup(tmp_path)
    iam(root, 1)
    _data(root, 1)
    assert nodes("AWSLambda", "function_url_auth_type", "runtime") == {
        (f"{FN}:public-fn", "NONE", "python3.12"),
        (f"{FN}:private-fn", "AWS_IAM", "python3.12"),
    }
    roles = {(f"{FN}:{n}", f"arn:aws:iam::{ACCOUNT}:role/{n}-role") for n in ("public-fn", "private-fn")}
    assert rels("STS_ASSUMEROLE_ALLOW", "AWSLambda") == roles == rels("ASSUMES", "AWSLambda")
    # A missing URL file keeps the previous URL; the idempotent re-run reports no change.
    path_of(root, REGION, "lambda", "list-function-url-configs", "public-fn").unlink()
    second = _data(root, 2)
    assert second[f"lambda/{REGION}"].status.value == "ok"
    assert prop("AWSLambda", f"{FN}:public-fn", "function_url").startswith("https://4w7z")
    assert [c.id for r in second.values() if r.name != "aws.account" for c in r.changes] == []


def test_secrets_and_region_scoped_cleanup(neo4j: str, tmp_path: Path) -> None:
    root = _setup(tmp_path)
    _data(root, 1)
    secret = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:prod/db-password-Xy12Ab"
    assert nodes("SecretsManagerSecret", "name", "region", "rotation_enabled") == {
        (secret, "prod/db-password", REGION, None)
    }
    assert isinstance(prop("SecretsManagerSecret", secret, "last_accessed_date"), int)
    # Another region without the secret sweeps nothing in us-east-1.
    other = root / "aws" / ACCOUNT / "eu-west-1" / "secretsmanager"
    other.mkdir(parents=True)
    (other / "list-secrets.json").write_text('{"SecretList": []}')
    data(root, 2, regions=("eu-west-1",))
    assert ids("SecretsManagerSecret") == {secret}
    assert ids("RDSInstance") and ids("AWSLambda")
