"""The engine's memo tables must never let two principals share a result they should not.

``aws._cut`` memoises one document's entries after caps and Denies keyed on (document group, caps, Denies);
principals with the same identity policies but a different boundary, different SCP levels or different
Denies must each get what a cold engine computes for them alone.
"""

from __future__ import annotations

from typing import Any

from analysis.privileges import aws, aws_finish
from analysis.privileges.aws import effective_permissions, level_statements


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


SHARED = [
    _doc({"Effect": "Allow", "Action": ["s3:getobject", "s3:putobject"], "Resource": "arn:aws:s3:::data/*"}),
    _doc({"Effect": "Allow", "Action": ["ec2:describeinstances", "iam:passrole"], "Resource": "*"}),
]
BOUNDARY = _doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
FULL = level_statements([_doc({"Effect": "Allow", "Action": "*", "Resource": "*"})])
DENY_PUT = level_statements(
    [
        _doc({"Effect": "Allow", "Action": "*", "Resource": "*"}),
        _doc({"Effect": "Deny", "Action": "s3:putobject", "Resource": "*"}),
    ]
)
ALLOW_EC2 = level_statements([_doc({"Effect": "Allow", "Action": "ec2:*", "Resource": "*"})])
CASES: list[tuple[list[dict[str, Any]], dict[str, Any] | None, tuple[Any, ...]]] = [
    (SHARED, None, ()),
    (SHARED, BOUNDARY, ()),
    (SHARED, None, (FULL, DENY_PUT)),
    (SHARED, None, (FULL, ALLOW_EC2)),
    (SHARED, BOUNDARY, (FULL, DENY_PUT)),
    (SHARED + [_doc({"Effect": "Deny", "Action": "iam:passrole", "Resource": "*"})], None, (FULL,)),
]


def _clear() -> None:
    for cache in (aws._RESULTS, aws._CUT, aws._AFFECTS, aws._BOUNDED, aws._WHOLE):
        cache.clear()
    aws_finish._SERVICE.clear()
    aws_finish._SEEN.clear()


def test_same_policies_with_different_caps_or_denies_do_not_share_results() -> None:
    cold = []
    for policies, boundary, levels in CASES:
        _clear()
        cold.append(effective_permissions(policies, boundary, scp_levels=levels).entries_as_strings())
    # The cases really differ, so a shared memo entry would show.
    assert len({tuple(c) for c in cold}) == len(CASES)
    assert (
        "s3:putobject on arn:aws:s3:::data/*" in cold[0]
        and "s3:putobject on arn:aws:s3:::data/*" not in cold[2]
    )
    assert cold[3] == ["ec2:describeinstances on *"]
    # Warm, in both orders and twice over: each principal still gets its own cold answer.
    _clear()
    for order in (CASES, CASES[::-1], CASES):
        for policies, boundary, levels in order:
            aws._RESULTS.clear()  # whole-result hits would hide the per-document memo under test
            got = effective_permissions(policies, boundary, scp_levels=levels).entries_as_strings()
            assert got == cold[CASES.index((policies, boundary, levels))]
