"""Role trust: who may assume a role, and transitive chains of assumes."""

from __future__ import annotations

from analysis.privileges.aws import effective_permissions
from analysis.privileges.aws_trust import Principal, assumable_by, transitive_assume

ROLE_A = "arn:aws:iam::111111111111:role/A"
ROLE_B = "arn:aws:iam::111111111111:role/B"
ROLE_C = "arn:aws:iam::222222222222:role/C"
USER = "arn:aws:iam::111111111111:user/alice"


def trust(principal: object, action: str = "sts:AssumeRole", **extra: object) -> dict[str, object]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": principal, "Action": action, **extra}],
    }


def test_oidc_federated_with_sub_condition() -> None:
    provider = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
    cond = {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:*"}}
    [p] = assumable_by(trust({"Federated": provider}, "sts:AssumeRoleWithWebIdentity", Condition=cond))
    assert (p.kind, p.id, p.actions) == ("Federated", provider, ("sts:assumerolewithwebidentity",))
    assert p.condition is not None and "repo:acme/app:*" in p.condition


def test_aws_star_is_anyone() -> None:
    [p] = assumable_by(trust({"AWS": "*"}))
    assert p.is_anyone and p.condition is None
    [q] = assumable_by(trust("*"))
    assert q.is_anyone


def test_cross_account_root_and_service() -> None:
    found = assumable_by(trust({"AWS": ["222222222222", USER], "Service": "ec2.amazonaws.com"}))
    assert [(p.kind, p.id) for p in found] == [
        ("AWS", "arn:aws:iam::111111111111:user/alice"),
        ("AWS", "arn:aws:iam::222222222222:root"),
        ("Service", "ec2.amazonaws.com"),
    ]
    assert found[1].is_account_root and found[1].account == "222222222222"


def test_statements_without_assume_actions_are_ignored() -> None:
    assert assumable_by(trust({"AWS": "*"}, "sts:GetCallerIdentity")) == []


def test_unconditional_deny_removes_principal() -> None:
    doc = trust({"AWS": USER})
    doc["Statement"].append({"Effect": "Deny", "Principal": {"AWS": USER}, "Action": "sts:AssumeRole"})
    assert assumable_by(doc) == []


def test_transitive_chain() -> None:
    graph = {
        ROLE_A: [Principal("AWS", USER)],
        ROLE_B: [Principal("AWS", ROLE_A)],
        ROLE_C: [Principal("AWS", ROLE_B)],
    }
    reach = transitive_assume(graph)
    assert reach[USER] == {ROLE_A, ROLE_B, ROLE_C}
    assert reach[ROLE_A] == {ROLE_B, ROLE_C}
    assert ROLE_C not in reach


def test_account_root_trust_needs_identity_permission() -> None:
    graph = {ROLE_C: assumable_by(trust({"AWS": "111111111111"})), ROLE_A: [], ROLE_B: []}
    may = effective_permissions(
        [{"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}]
    )
    may_not = effective_permissions([{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}])
    reach = transitive_assume(graph, {ROLE_A: may, ROLE_B: may_not})
    assert reach[ROLE_A] == {ROLE_C}
    assert ROLE_B not in reach
    assert reach["arn:aws:iam::111111111111:root"] == {ROLE_C}
    assert transitive_assume(graph)[ROLE_B] == {ROLE_C}  # without identities: upper bound
