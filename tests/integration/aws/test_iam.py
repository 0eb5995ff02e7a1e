"""IAM modules on a real Neo4j with the hand-written day-1 snapshot: principals, policies, trust, keys."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from aws_data_support import ACCOUNT, OTHER, copy_day1, edit, iam, ids, nodes, prop, rels, statuses

A = f"arn:aws:iam::{ACCOUNT}"
ROLE = f"{A}:role"
ALL_OK = {
    "account": "ok",
    "iam.policies/global": "ok",
    "iam.principals/global": "ok",
    "iam.keys/global": "ok",
    "iam.account_summary/global": "ok",
    # The credential report (usage input, issue 21) is optional and this snapshot does not hold it.
    "iam.credential_report/global": "not collected",
}


def test_principals_groups_and_policies(neo4j: str, tmp_path: Path) -> None:
    assert statuses(iam(copy_day1(tmp_path), 1)) == ALL_OK
    assert ids("AWSUser") == {f"{A}:user/{u}" for u in ("alice", "bob", "ci-bot", "dave")}
    assert ids("AWSGroup") == {f"{A}:group/admins"}
    assert len(ids("AWSRole")) == 9
    assert rels("MEMBER_AWS_GROUP") == {(f"{A}:user/alice", f"{A}:group/admins")}
    assert rels("MEMBER_OF", "AWSUser") == {(f"{A}:user/alice", f"{A}:group/admins")}
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    assert {(a, b) for a, b in rels("POLICY") if b == admin} == {
        (f"{A}:user/bob", admin),
        (f"{A}:group/admins", admin),
    }
    inline = f"{ROLE}/payments-irsa/inline_policy/payments-data-access"
    assert (f"{ROLE}/payments-irsa", inline) in rels("POLICY")
    assert nodes("AWSInlinePolicy", "name", "type") == {
        (inline, "payments-data-access", "inline"),
        (f"{ROLE}/vendor-audit/inline_policy/deny-data-plane", "deny-data-plane", "inline"),
    }
    # Statements: Cartography's ids (Sid, else the count of Sid-less statements) and list/JSON properties;
    # the action / resource lists are order-free (kind=SET), so they are stored sorted.
    power = f"{A}:policy/power-user-no-iam"
    assert nodes("AWSPolicyStatement", "effect", "notaction", "action") >= {
        (f"{power}/statement/EverythingButIam", "Allow", ("account:*", "iam:*", "organizations:*"), None),
        (f"{power}/statement/NeverCustomerData", "Deny", None, ("s3:*",)),
        (f"{admin}/statement/1", "Allow", None, ("*",)),
    }
    assert (power, f"{power}/statement/NeverCustomerData") in rels("STATEMENT")
    doc = json.loads(prop("AWSPolicy", power, "document"))
    assert doc["Statement"][0]["NotAction"][0] == "iam:*"
    # AWS-managed policies are shared: no account owns (and so no account sweeps) them.
    assert (ACCOUNT, power) in rels("RESOURCE") and (ACCOUNT, admin) not in rels("RESOURCE")
    assert json.loads(prop("AWSRole", f"{ROLE}/ops-role", "trust_policy"))["Statement"][0]["Condition"]


def test_trust_relationships(neo4j: str, tmp_path: Path) -> None:
    iam(copy_day1(tmp_path), 1)
    oidc = f"{A}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/8A1B2C3D4E5F60718293A4B5C6D7E8F9"
    trust = rels("TRUSTS_AWS_PRINCIPAL")
    assert {
        (a, b)
        for a, b in trust
        if a
        in {
            f"{ROLE}/{r}"
            for r in ("anyone-role", "vendor-audit", "ops-role", "payments-irsa", "bastion-role")
        }
    } == {
        (f"{ROLE}/anyone-role", "*"),
        (f"{ROLE}/vendor-audit", "arn:aws:iam::999988887777:root"),
        (f"{ROLE}/ops-role", f"{A}:root"),
        (f"{ROLE}/payments-irsa", oidc),
        (f"{ROLE}/bastion-role", "ec2.amazonaws.com"),
    }
    assert nodes("AWSFederatedPrincipal", "type") == {(oidc, "Federated")}
    assert nodes("AWSServicePrincipal", "type") == {
        (s, "Service") for s in ("ec2.amazonaws.com", "eks.amazonaws.com", "lambda.amazonaws.com")
    }
    assert ids("AWSRootPrincipal") == {f"{A}:root", "arn:aws:iam::999988887777:root"}
    assert ("999988887777", "arn:aws:iam::999988887777:root") in rels("RESOURCE")
    assert nodes("AWSAccount", "foreign", "inscope") >= {
        ("999988887777", True, False),
        (ACCOUNT, False, True),
    }
    assert rels("ASSOCIATED_WITH") == {
        (f"{A}:instance-profile/{n}", f"{ROLE}/{n}") for n in ("bastion-role", "eks-node-role")
    }
    assert nodes("AWSInstanceProfile", "arn") == {
        (f"{A}:instance-profile/{n}",) * 2 for n in ("bastion-role", "eks-node-role")
    }


def test_role_trusting_a_role_and_a_foreign_role(neo4j: str, tmp_path: Path) -> None:
    root = copy_day1(tmp_path)

    def change(d: dict) -> None:
        role = next(
            r for r in d["RoleDetailList"] if r["RoleName"] == "anyone-role"
        )  # first role in the file
        role["AssumeRolePolicyDocument"]["Statement"] = [
            {
                "Effect": "Allow",
                "Principal": {"AWS": [f"{ROLE}/vendor-audit", f"arn:aws:iam::{OTHER}:role/x"]},
                "Action": "sts:AssumeRole",
            },
            {"Effect": "Deny", "Principal": {"AWS": f"{A}:user/bob"}, "Action": "sts:AssumeRole"},
        ]

    edit(root, "global", "iam", "get-account-authorization-details", change)
    iam(root, 1)
    assert {b for a, b in rels("TRUSTS_AWS_PRINCIPAL") if a == f"{ROLE}/anyone-role"} == {
        f"{ROLE}/vendor-audit",
        f"arn:aws:iam::{OTHER}:role/x",
    }


def test_keys_mfa_summary_and_last_accessed(neo4j: str, tmp_path: Path) -> None:
    iam(copy_day1(tmp_path), 1)
    assert rels("AWS_ACCESS_KEY") == {
        (f"{A}:user/bob", "AKIAQX7BOB0LDKEY0001"),
        (f"{A}:user/ci-bot", "AKIAQX7CIBOTNEWKEY02"),
    }
    keys = {k[0]: k[1:] for k in nodes("AccountAccessKey", "status", "lastusedservice")}
    assert keys == {"AKIAQX7BOB0LDKEY0001": ("Active", "ec2"), "AKIAQX7CIBOTNEWKEY02": ("Active", "N/A")}
    assert prop("AccountAccessKey", "AKIAQX7CIBOTNEWKEY02", "lastuseddate") is None
    assert {a for a, _ in rels("MFA_DEVICE")} == {f"{A}:user/alice", f"{A}:user/dave"}
    assert (
        prop("AWSAccount", ACCOUNT, "root_mfa_enabled"),
        prop("AWSAccount", ACCOUNT, "root_access_keys_present"),
        prop("AWSAccount", ACCOUNT, "account_access_keys_present"),
    ) == (True, True, 1)
    report = json.loads(prop("AWSUser", f"{A}:user/alice", "services_last_accessed"))
    assert {s["ServiceNamespace"] for s in report} == {"ec2", "iam", "s3"}
    assert prop("AWSUser", f"{A}:user/alice", "last_accessed_service_namespace") == "ec2"
    assert prop("AWSRole", f"{ROLE}/anyone-role", "services_last_accessed") is None


def test_console_use_from_list_users(neo4j: str, tmp_path: Path) -> None:
    root = copy_day1(tmp_path)
    users = {
        "Users": [
            {
                "Path": "/",
                "UserName": "bob",
                "UserId": "AIDAQX7BOB55EXAMPLE02",
                "Arn": f"{A}:user/bob",
                "CreateDate": "2024-11-03T16:40:02+00:00",
                "PasswordLastUsed": "2026-11-19T08:00:00+00:00",
            },
            {
                "Path": "/",
                "UserName": "ghost",
                "UserId": "AIDAQX7GHOST5EXAMPL09",
                "Arn": f"{A}:user/ghost",
                "CreateDate": "2024-11-03T16:40:02+00:00",
            },
        ]
    }
    (root / "aws" / ACCOUNT / "global" / "iam" / "list-users.json").write_text(json.dumps(users))
    assert statuses(iam(root, 1)) == ALL_OK
    assert prop("AWSUser", f"{A}:user/bob", "passwordlastused") == "2026-11-19 08:00:00+00:00"
    assert prop("AWSUser", f"{A}:user/bob", "passwordlastused_dt").year == 2026
    assert f"{A}:user/ghost" not in ids("AWSUser")  # not in the authorization details: no node made for it
    (root / "aws" / ACCOUNT / "global" / "iam" / "list-users.json").unlink()
    iam(root, 2)
    assert prop("AWSUser", f"{A}:user/bob", "passwordlastused_dt").year == 2026  # not collected: kept


def test_idempotent_and_missing_per_principal_files_keep_data(neo4j: str, tmp_path: Path) -> None:
    root = copy_day1(tmp_path)
    first = iam(root, 1)
    before = (
        rels("TRUSTS_AWS_PRINCIPAL"),
        rels("POLICY"),
        ids("AWSPolicyStatement"),
        ids("AccountAccessKey"),
    )
    second = iam(root, 2)
    assert statuses(second) == ALL_OK
    assert (
        rels("TRUSTS_AWS_PRINCIPAL"),
        rels("POLICY"),
        ids("AWSPolicyStatement"),
        ids("AccountAccessKey"),
    ) == before
    # No change reported the second time: the role's two passes share one fingerprint; composites have theirs.
    assert [(r.name, c.id) for r in second.values() for c in r.changes] == []
    assert sum(len(r.changes) for r in first.values()) > 0
    iam_dir = root / "aws" / ACCOUNT / "global" / "iam"
    (iam_dir / "get-service-last-accessed-details" / "alice.json").unlink()
    (iam_dir / "get-access-key-last-used" / "AKIAQX7BOB0LDKEY0001.json").unlink()
    (iam_dir / "list-access-keys" / "ci-bot.json").unlink()
    third = iam(root, 3)
    assert third["iam.keys/global"].status.value == "partial"
    assert "list-access-keys/ci-bot.json: not collected" in third["iam.keys/global"].errors[0]
    assert "AKIAQX7CIBOTNEWKEY02" in ids("AccountAccessKey")  # not swept: its input was not collected
    assert prop("AccountAccessKey", "AKIAQX7BOB0LDKEY0001", "lastusedservice") == "ec2"
    assert prop("AWSUser", f"{A}:user/alice", "services_last_accessed") is not None


def test_removed_things_are_swept_and_other_accounts_untouched(neo4j: str, tmp_path: Path) -> None:
    root = copy_day1(tmp_path)
    copy_day1(root, account=OTHER, parts=("global/iam",))
    iam(root, 1)
    iam(root, 1, account=OTHER)
    other_users = {u for u in ids("AWSUser") if OTHER in u}

    def drop(d: dict) -> None:
        d["UserDetailList"] = [u for u in d["UserDetailList"] if u["UserName"] != "bob"]
        d["Policies"] = [p for p in d["Policies"] if p["PolicyName"] != "ops-everything"]
        for role in d["RoleDetailList"]:
            if role["RoleName"] == "ops-role":
                role["AttachedManagedPolicies"] = []

    edit(root, "global", "iam", "get-account-authorization-details", drop)
    shutil.rmtree(root / "aws" / ACCOUNT / "global" / "iam" / "list-access-keys")
    (root / "aws" / ACCOUNT / "global" / "iam" / "list-access-keys").mkdir()
    for user in ("alice", "ci-bot", "dave"):
        (root / "aws" / ACCOUNT / "global" / "iam" / "list-access-keys" / f"{user}.json").write_text(
            (
                copy_day1.__globals__["DAY1"]
                / "aws"
                / ACCOUNT
                / "global/iam/list-access-keys"
                / f"{user}.json"
            ).read_text()
        )
    assert statuses(iam(root, 2)) == ALL_OK
    assert f"{A}:user/bob" not in ids("AWSUser")
    assert f"{A}:policy/ops-everything" not in ids("AWSPolicy")
    assert not any(s.startswith(f"{A}:policy/ops-everything") for s in ids("AWSPolicyStatement"))
    assert "AKIAQX7BOB0LDKEY0001" not in ids("AccountAccessKey")
    assert {u for u in ids("AWSUser") if OTHER in u} == other_users  # account B untouched
    # AdministratorAccess is still used by account B (and by admins): the shared node stays.
    assert "arn:aws:iam::aws:policy/AdministratorAccess" in ids("AWSPolicy")
