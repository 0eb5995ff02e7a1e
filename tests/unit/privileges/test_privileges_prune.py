"""The fast, order-preserving pruning of ``aws_prune`` against the reference ``aws_combine.prune_service``."""

from __future__ import annotations

import random

from analysis.privileges.aws_combine import prune_service
from analysis.privileges.aws_model import Entry, sort_entries
from analysis.privileges.aws_prune import _canonical_order, prune_sorted

ACTIONS = ["s3:getobject", "s3:putobject", "s3:get*", "s3:*", "s3:list?ucket"]
RESOURCES = [
    "*",
    "arn:aws:s3:::a/*",
    "arn:aws:s3:::a/b/*",
    "arn:aws:s3:::a/b/c",
    "arn:aws:s3:::a?b/c",
    "arn:aws:s3:::b*",
    "arn:aws:s3:::b",
]
EXCEPTIONS = [(), ("arn:aws:s3:::a/b/*",), ("arn:aws:s3:::a/b/c",)]
CONDITIONS = [None, '{"Bool":{"aws:SecureTransport":"true"}}', '{"StringEquals":{"aws:RequestedRegion":"x"}}']
NOTES = [(), ('{"condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}',)]


def _entry(rng: random.Random, actions: list[str]) -> Entry:
    return Entry(
        rng.choice(actions),
        rng.choice(RESOURCES),
        rng.choice(EXCEPTIONS),
        rng.choice(CONDITIONS),
        rng.choice(NOTES),
    )


def test_prune_sorted_equals_sorted_reference() -> None:
    rng = random.Random(14)
    checked_broad = checked_plain = 0
    for round_ in range(3000):
        # Mostly concrete actions (runs of one action with twins and wide resources), sometimes broad ones.
        actions = ACTIONS if round_ % 3 == 0 else ACTIONS[:2]
        group = {_entry(rng, actions) for _ in range(rng.randint(1, 25))}
        star = Entry("*", rng.choice(RESOURCES), (), rng.choice(CONDITIONS))
        everything = [star] if round_ % 7 == 0 else []
        expected = list(sort_entries(prune_service("s3", group, everything)))
        assert prune_sorted("s3", group, everything) == expected
        assert prune_sorted("s3", frozenset(group), everything) == expected
        checked_broad += any(e.action in ("s3:get*", "s3:*") for e in group)
        checked_plain += Entry("s3:*", "*") in group
    assert checked_broad > 100 and checked_plain > 10  # both branches of prune_sorted were exercised


def test_prune_sorted_keeps_canonical_order_and_drops_covered() -> None:
    wide = Entry("s3:getobject", "arn:aws:s3:::a/*")
    narrow = Entry("s3:getobject", "arn:aws:s3:::a/b/c")
    conditional_twin = Entry("s3:getobject", "arn:aws:s3:::b", (), '{"Bool":{"x":"true"}}')
    twin = Entry("s3:getobject", "arn:aws:s3:::b")
    other = Entry("s3:putobject", "arn:aws:s3:::a/b/c")
    got = prune_sorted("s3", {narrow, other, wide, conditional_twin, twin}, [])
    assert got == [wide, twin, other]


def test_canonical_order_equals_sort_entries() -> None:
    # Groups without any condition take the key-less tuple sort; groups with one take the two passes.
    rng = random.Random(1414)
    unconditional = 0
    for _ in range(3000):
        group = {_entry(rng, ACTIONS) for _ in range(rng.randint(1, 30))}
        if rng.random() < 0.5:
            group = {e._replace(condition=None) for e in group}
        unconditional += all(e.condition is None for e in group)
        assert _canonical_order(group) == list(sort_entries(group))
        assert _canonical_order(frozenset(group)) == list(sort_entries(group))
    assert unconditional > 1000
