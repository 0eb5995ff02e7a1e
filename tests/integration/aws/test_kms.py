"""KMS keys (list-keys + describe-key / get-key-policy / get-key-rotation-status per key) on a real Neo4j.

Fixtures: tests/data/aws-kms/kms, AWS CLI v2 output for account 111122223333 in us-east-1.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from aws_network_support import edit, ids, path_of, props, run, statuses

from graph import driver
from ingest.aws import kms

ACCOUNT, REGION = "111122223333", "us-east-1"
FIXTURES = Path(__file__).resolve().parents[2] / "data" / "aws-kms" / "kms"
LISTED = [k["KeyId"] for k in json.loads((FIXTURES / "list-keys.json").read_text())["Keys"]]
ROTATED, PUBLIC, MANAGED, SIGNING, VIA_EBS = LISTED


def _snapshot(dest: Path) -> Path:
    shutil.copytree(FIXTURES, dest / "aws" / ACCOUNT / REGION / "kms")
    return dest


def _sync(root: Path, tag: int) -> str:
    result = run(root, tag, [kms.MODULE], profiles=False)[(ACCOUNT, REGION, "kms")]
    assert result.name == kms.MODULE.id
    return result.status.value


def test_keys_with_cartography_properties_and_rotation(neo4j: str, tmp_path: Path) -> None:
    assert _sync(_snapshot(tmp_path), 1) == "ok"
    assert ids("AWSKMSKey") == set(LISTED)
    rows = driver.read(
        "MATCH (a:AWSAccount)-[:RESOURCE]->(k:AWSKMSKey:KMSKey:EncryptionKey) RETURN a.id AS a, k.id AS id, "
        "k.key_manager AS manager, k.key_rotation_enabled AS rotation, k.anonymous_access AS public, "
        "k.region AS region"
    )
    assert {(r["a"], r["id"], r["manager"], r["rotation"], r["public"], r["region"]) for r in rows} == {
        (ACCOUNT, ROTATED, "CUSTOMER", True, False, REGION),
        (ACCOUNT, PUBLIC, "CUSTOMER", False, True, REGION),
        (ACCOUNT, MANAGED, "AWS", True, False, REGION),
        (ACCOUNT, SIGNING, "CUSTOMER", None, False, REGION),  # asymmetric: AWS has no automatic rotation
        (ACCOUNT, VIA_EBS, "CUSTOMER", False, False, REGION),  # `*` limited by kms:CallerAccount
    }
    key = props("AWSKMSKey", PUBLIC)
    meta = json.loads((FIXTURES / "describe-key" / f"{PUBLIC}.json").read_text())["KeyMetadata"]
    assert (key["arn"], key["key_id"], key["key_usage"], key["key_spec"]) == (
        meta["Arn"],
        meta["KeyId"],
        "ENCRYPT_DECRYPT",
        "SYMMETRIC_DEFAULT",
    )
    assert key["creation_date"] == 1748882401  # 2025-06-02T16:40:01Z as epoch seconds (Cartography)
    assert sorted(key["anonymous_actions"]) == ["kms:Decrypt", "kms:DescribeKey"]
    assert json.loads(key["policy"])["Statement"][1]["Principal"] == {"AWS": "*"}
    assert props("AWSKMSKey", ROTATED)["rotation_period_in_days"] == 365
    assert props("AWSKMSKey", SIGNING)["signing_algorithms"]


def test_missing_per_key_file_keeps_that_key_and_skips_cleanup(neo4j: str, tmp_path: Path) -> None:
    root = _snapshot(tmp_path)
    _sync(root, 1)
    path_of(root, "kms", "get-key-rotation-status", ROTATED, ACCOUNT).unlink()
    path_of(root, "kms", "describe-key", PUBLIC, ACCOUNT).write_text("not json")
    edit(root, "kms", "list-keys", lambda d: d["Keys"].remove(d["Keys"][2]) and None, account=ACCOUNT)
    results = run(root, 2, [kms.MODULE], profiles=False)
    result = results[(ACCOUNT, REGION, "kms")]
    assert result.status.value == "partial"
    assert sorted(e.split(":")[0].rsplit("/", 1)[-1] for e in result.errors) == [
        f"{PUBLIC}.json",
        f"{ROTATED}.json",
    ]
    # Nothing deleted: the unlisted AWS-managed key stays (no cleanup on partial), the two keys with an
    # unusable file keep their day-1 properties, the others were refreshed.
    assert ids("AWSKMSKey") == set(LISTED)
    assert props("AWSKMSKey", ROTATED)["lastupdated"] == 1 and props("AWSKMSKey", PUBLIC)["lastupdated"] == 1
    assert props("AWSKMSKey", SIGNING)["lastupdated"] == 2


def test_removed_key_is_cleaned_up_and_absent_listing_is_not_collected(neo4j: str, tmp_path: Path) -> None:
    root = _snapshot(tmp_path)
    _sync(root, 1)
    edit(root, "kms", "list-keys", lambda d: d["Keys"].remove(d["Keys"][3]) and None, account=ACCOUNT)
    assert _sync(root, 2) == "ok"
    assert ids("AWSKMSKey") == set(LISTED) - {SIGNING}
    shutil.rmtree(root / "aws" / ACCOUNT / REGION / "kms")
    (root / "aws" / ACCOUNT / REGION / "kms").mkdir()
    assert statuses(run(root, 3, [kms.MODULE], profiles=False))[f"{ACCOUNT}/{REGION}/kms"] == "not collected"
    assert ids("AWSKMSKey") == set(LISTED) - {SIGNING}
