"""S3 modules on a real Neo4j with the hand-written day-1 snapshot: detail groups, ACLs, partial inputs."""

from __future__ import annotations

from pathlib import Path

from aws_data_support import ACCOUNT, OTHER, copy_day1, data, edit, ids, nodes, path_of, prop, rels, statuses

PAB = ("block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets")
BUCKETS = {"acme-acl-public", "acme-blocked", "acme-customer-data", "acme-public-assets"}


def _s3(root: Path, tag: int, account: str = ACCOUNT) -> dict:
    results = data(root, tag, regions=(), account=account)
    return {k: v for k, v in results.items() if k.startswith(("s3", "account"))}


def test_buckets_details_and_acls(neo4j: str, tmp_path: Path) -> None:
    results = _s3(copy_day1(tmp_path), 1)
    assert statuses(results) == {"account": "ok", "s3/global": "ok", "s3_acl/global": "ok"}
    assert ids("S3Bucket") == ids("AWSS3Bucket") == BUCKETS
    assert {(ACCOUNT, b) for b in BUCKETS} <= rels("RESOURCE")
    assert nodes("S3Bucket", "region", "anonymous_access", "anonymous_actions", "acl_grants_all_users") == {
        ("acme-acl-public", "us-east-1", None, None, True),  # no policy file: policy never collected
        ("acme-blocked", "us-east-1", True, ("s3:GetObject",), False),
        ("acme-customer-data", "us-east-1", False, (), False),
        ("acme-public-assets", "us-east-1", True, ("s3:GetObject",), False),
    }
    assert nodes("S3Bucket", *PAB) == {
        ("acme-acl-public", False, False, False, False),
        ("acme-blocked", True, True, True, True),
        ("acme-customer-data", True, True, True, True),
        ("acme-public-assets", None, None, None, None),
    }
    assert nodes("S3Bucket", "encryption_algorithm", "bucket_key_enabled") >= {
        ("acme-customer-data", "aws:kms", True),
        ("acme-blocked", "AES256", False),
    }
    grants = {(n[1], n[2]) for n in nodes("S3Acl", "uri", "permission")}
    assert grants == {(None, "FULL_CONTROL"), ("http://acs.amazonaws.com/groups/global/AllUsers", "READ")}
    applies = {(prop("S3Acl", a, "permission"), b) for a, b in rels("APPLIES_TO")}
    assert applies == {("FULL_CONTROL", b) for b in BUCKETS} | {("READ", "acme-acl-public")}


def test_idempotent(neo4j: str, tmp_path: Path) -> None:
    root = copy_day1(tmp_path)
    _s3(root, 1)
    before = (nodes("S3Bucket", "policy", *PAB), rels("APPLIES_TO"), ids("S3Acl"))
    second = _s3(root, 2)
    assert (nodes("S3Bucket", "policy", *PAB), rels("APPLIES_TO"), ids("S3Acl")) == before
    assert [c.id for r in second.values() if r.name != "aws.account" for c in r.changes] == []


def test_missing_detail_file_keeps_previous_value(neo4j: str, tmp_path: Path) -> None:
    root = copy_day1(tmp_path)
    _s3(root, 1)
    path_of(root, "global", "s3api", "get-public-access-block", "acme-blocked").unlink()
    path_of(root, "global", "s3api", "get-bucket-policy", "acme-public-assets").unlink()
    results = _s3(root, 2)
    assert results["s3/global"].status.value == "ok"
    assert nodes("S3Bucket", *PAB) >= {("acme-blocked", True, True, True, True)}
    assert prop("S3Bucket", "acme-public-assets", "anonymous_access") is True
    assert prop("S3Bucket", "acme-public-assets", "lastupdated") == 2


def test_empty_detail_file_means_none_exists(neo4j: str, tmp_path: Path) -> None:
    # docs/snapshot-format.md "Absent configurations": {} records NoSuchBucketPolicy / NoSuch…Configuration.
    root = copy_day1(tmp_path)
    _s3(root, 1)
    for command in ("get-bucket-policy", "get-public-access-block", "get-bucket-encryption"):
        path_of(root, "global", "s3api", command, "acme-blocked").write_text("{}")
    assert _s3(root, 2)["s3/global"].status.value == "ok"
    assert nodes("S3Bucket", "policy", "anonymous_access", "default_encryption", *PAB) >= {
        ("acme-blocked", None, False, False, None, None, None, None)
    }


def test_invalid_policy_string_is_partial_and_names_the_file(neo4j: str, tmp_path: Path) -> None:
    root = copy_day1(tmp_path)
    _s3(root, 1)
    edit(root, "global", "s3api", "get-bucket-policy", lambda d: {"Policy": "{not json"}, "acme-blocked")
    edit(
        root,
        "global",
        "s3api",
        "get-public-access-block",
        lambda d: d["PublicAccessBlockConfiguration"].update(BlockPublicPolicy=False),
        "acme-blocked",
    )
    result = _s3(root, 2)["s3/global"]
    assert result.status.value == "partial"
    assert len(result.errors) == 1
    assert "get-bucket-policy/acme-blocked.json" in result.errors[0] and "'Policy'" in result.errors[0]
    assert prop("S3Bucket", "acme-blocked", "anonymous_access") is True  # the previous value stays
    assert prop("S3Bucket", "acme-blocked", "block_public_policy") is False  # its other details loaded
    assert prop("S3Bucket", "acme-customer-data", "lastupdated") == 2  # and the other buckets too


def test_deleted_bucket_swept_in_its_account_only(neo4j: str, tmp_path: Path) -> None:
    root = copy_day1(tmp_path)
    copy_day1(root, account=OTHER, parts=("global/s3api",))
    edit(
        root,
        "global",
        "s3api",
        "list-buckets",
        lambda d: d["Buckets"].__setitem__(
            slice(None), [dict(b, Name=b["Name"] + "-b") for b in d["Buckets"]]
        ),
        account=OTHER,
    )
    for cmd in (
        "get-bucket-location",
        "get-bucket-policy",
        "get-bucket-acl",
        "get-public-access-block",
        "get-bucket-encryption",
    ):
        for f in path_of(root, "global", "s3api", cmd, account=OTHER).with_suffix("").glob("*.json"):
            f.rename(f.with_name(f.stem + "-b.json"))
    _s3(root, 1)
    _s3(root, 1, account=OTHER)
    edit(
        root,
        "global",
        "s3api",
        "list-buckets",
        lambda d: d.update(Buckets=[b for b in d["Buckets"] if b["Name"] != "acme-acl-public"]),
    )
    results = _s3(root, 2)
    assert statuses(results) == {"account": "ok", "s3/global": "ok", "s3_acl/global": "ok"}
    assert ids("S3Bucket") == (BUCKETS - {"acme-acl-public"}) | {b + "-b" for b in BUCKETS}
    # The AllUsers grant of the deleted bucket is gone from this account; account B's identical one stays.
    public = [a for a, b in rels("APPLIES_TO") if b == "acme-acl-public-b"]
    assert len(public) == 2 and all(a in ids("S3Acl") for a in public)
