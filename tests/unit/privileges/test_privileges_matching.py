"""``EffectivePermissions.matching`` (bisection on sorted actions) against the plain scan it replaced."""

from __future__ import annotations

import random

from analysis.privileges.aws_actions import atom_covers
from analysis.privileges.aws_model import EffectivePermissions, Entry
from analysis.privileges.globs import glob_matches

ACTIONS = [
    "iam:passrole",
    "iam:passrolex",
    "iam:pass*",
    "iam:*",
    "iam:createuser",
    "ec2:runinstances",
    "*",
    "*:get*",
]
QUERIES = [
    "iam:passrole",
    "IAM:PassRole ",
    "iam:createuser",
    "ec2:runinstances",
    "iam:pass*",
    "*",
    "s3:getobject",
]
RESOURCES = ["*", "arn:aws:iam::1:role/a", "arn:aws:iam::1:role/*", "arn:aws:iam::1:user/b"]


def _reference(perms: EffectivePermissions, action: str, resource: str | None) -> list[Entry]:
    action = action.strip().lower()
    by: dict[str, list[Entry]] = {}
    for e in perms.entries:
        by.setdefault(e.action.partition(":")[0], []).append(e)
    candidates = by.get("*", []) + by.get(action.partition(":")[0], [])
    return [
        e
        for e in candidates
        if atom_covers(e.action, action)
        and (
            resource is None
            or (
                glob_matches(e.resource, resource)
                and not any(glob_matches(x, resource) for x in e.exceptions)
            )
        )
    ]


def test_matching_equals_the_scan() -> None:
    rng = random.Random(21)
    for round_ in range(1500):
        actions = (
            ACTIONS if round_ % 2 else ["iam:passrole", "iam:passrolex", "iam:createuser", "ec2:runinstances"]
        )
        entries = {
            Entry(rng.choice(actions), rng.choice(RESOURCES), rng.choice([(), ("arn:aws:iam::1:role/a",)]))
            for _ in range(rng.randint(0, 12))
        }
        perms = EffectivePermissions(entries)
        for query in QUERIES:
            for resource in (None, "arn:aws:iam::1:role/a", "arn:aws:iam::1:user/b"):
                assert perms.matching(query, resource) == _reference(perms, query, resource)
