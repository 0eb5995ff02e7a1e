"""The row fast path of ``aws_finish`` (``aws_rows``) against the reference fold + prune + sort + hash.

Random per-service sets shaped like the engine's memoised ones (several sets per service, shared entries,
twins with different caveats, wildcard resources that cover others, literal prefixes that do not, broad
actions, fields with characters that must not take the fast path) go through ``aws_finish.finish``; the
result must equal ``EffectivePermissions(prune(fold_services(...)))`` of their union, entries and sha256.
"""

from __future__ import annotations

import random

from analysis.privileges import aws_finish
from analysis.privileges.aws_actions import SERVICE_ACTIONS
from analysis.privileges.aws_combine import fold_services, prune
from analysis.privileges.aws_model import EffectivePermissions, Entry, sort_entries
from analysis.privileges.aws_rows import fast_service, group, rows_of

ACTIONS = {
    "s3": ["s3:getobject", "s3:putobject", "s3:deleteobject", "s3:listbucket", "s3:get*", "s3:*"],
    "sqs": ["sqs:sendmessage", "sqs:receivemessage", "sqs:deletemessage"],
    "kms": ["kms:decrypt", "kms:encrypt"],
}
RESOURCES = [
    "*",
    "arn:aws:s3:::a/*",
    "arn:aws:s3:::a/b/*",
    "arn:aws:s3:::a/b/c",
    "arn:aws:s3:::a/",  # covered by a/* yet sorts before it (tab < "*")
    "arn:aws:s3:::a/!x",  # likewise ("!" < "*")
    "arn:aws:s3:::a?b/c",
    "arn:aws:s3:::ab",
    "arn:aws:s3:::a",
    "arn:aws:s3:::b*",
    "arn:aws:s3:::team1-data/*",
    "arn:aws:s3:::team10-data/*",
    "arn:aws:kms:eu-west-1:1:key/12",
    "arn:aws:kms:eu-west-1:1:key/123",
    "arn:aws:sqs:eu-west-1:1:q\tx",  # a tab: the reference's JSON line, never the fast path
    "arn:aws:sqs:eu-west-1:1:q\u00e9",
]
EXCEPTIONS = [(), ("arn:aws:s3:::a/b/*",), ("arn:aws:s3:::a/b/c",), ("",)]
CONDITIONS = [None, '{"Bool":{"aws:SecureTransport":"true"}}', '{"StringEquals":{"aws:RequestedRegion":"x"}}']
NOTES = [
    (),
    ('{"condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}',),
    ('{"condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}', '{"condition":{"x":"y"}}'),
]


def _entry(rng: random.Random, svc: str) -> Entry:
    return Entry(
        rng.choice(ACTIONS[svc]),
        rng.choice(RESOURCES[:14] if rng.random() < 0.95 else RESOURCES),
        rng.choice(EXCEPTIONS[:3] if rng.random() < 0.97 else EXCEPTIONS),
        rng.choice(CONDITIONS),
        rng.choice(NOTES),
    )


def _reference(sources: dict[str, list[frozenset[Entry]]]) -> EffectivePermissions:
    grants = {svc: set().union(*sets) for svc, sets in sources.items()}
    return EffectivePermissions(prune(fold_services(grants)))


def test_finish_with_rows_equals_reference() -> None:
    rng = random.Random(1414)
    pool = {
        svc: [group(_entry(rng, svc) for _ in range(rng.randint(1, 6))) for _ in range(40)] for svc in ACTIONS
    }
    fast = 0
    for _ in range(3000):
        sources = {
            svc: rng.sample(sets, rng.randint(1, 5)) for svc, sets in pool.items() if rng.random() < 0.8
        }
        for svc, sets in sources.items():
            fast += fast_service(svc, sets) is not None
        got = aws_finish.finish(sources)
        expected = _reference(sources)
        assert got.entries == expected.entries
        assert got.sha256 == expected.sha256 == EffectivePermissions(got.entries).sha256
    assert fast > 300  # the fast path was really taken, not only the fallback


def test_rows_sort_like_entries_and_refuse_unusual_fields() -> None:
    rng = random.Random(14)
    for _ in range(2000):
        svc = rng.choice(sorted(ACTIONS))
        found = group(_entry(rng, svc) for _ in range(rng.randint(1, 12)))
        rows = rows_of(found)
        if rows is None:
            continue
        assert [r[2] for r in sorted(rows)] == list(sort_entries(found))
    assert rows_of(group([Entry("s3:getobject", "arn:aws:s3:::a\tb")])) is None
    assert rows_of(group([Entry("s3:getobject", "*", ("",))])) is None
    assert rows_of(group([Entry("s3:get*", "*")])) is None  # broad action: the reference prunes it
    assert rows_of(frozenset([Entry("s3:getobject", "*")])) is None  # not an engine group


def test_fast_path_declines_what_pruning_or_folding_could_change() -> None:
    wide = group([Entry("s3:getobject", "arn:aws:s3:::a/*")])
    inside = group([Entry("s3:getobject", "arn:aws:s3:::a/b/c")])
    twin = group([Entry("s3:getobject", "arn:aws:s3:::a/*", (), '{"Bool":{"x":"true"}}')])
    other = group([Entry("s3:putobject", "arn:aws:s3:::a/b/c")])
    assert fast_service("s3", [wide, inside]) is None
    assert fast_service("s3", [wide, twin]) is None
    entries, text = fast_service("s3", [wide, other]) or ([], "")
    assert entries == [Entry("s3:getobject", "arn:aws:s3:::a/*"), Entry("s3:putobject", "arn:aws:s3:::a/b/c")]
    assert text == "s3:getobject\tarn:aws:s3:::a/*\t\t\t\ns3:putobject\tarn:aws:s3:::a/b/c\t\t\t\n"
    every = group(Entry(a, "*") for a in SERVICE_ACTIONS["sts"])
    assert fast_service("sts", [every]) is None  # could fold into sts:*
