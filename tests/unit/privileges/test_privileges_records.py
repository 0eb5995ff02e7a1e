"""Pure parts of the graph path: the semantic creep diff and the per-service finishing step of the engine."""

from __future__ import annotations

import random

from analysis.privileges.aws import effective_permissions
from analysis.privileges.aws_combine import fold_services, group_by_service, prune
from analysis.privileges.aws_model import EffectivePermissions, Entry
from analysis.privileges.k8s import K8sEntry
from analysis.privileges.records import compact_json, entry_strings, gained_lost


def _aws(*entries: Entry) -> str:
    return compact_json(EffectivePermissions(entries).to_compact())


def test_admin_replacing_many_entries_is_one_gain_and_no_loss() -> None:
    before = _aws(*(Entry(f"s3:get{i}", "*") for i in range(200)), Entry("ec2:describeinstances", "*"))
    assert gained_lost("aws-user", before, _aws(Entry("*", "*"))) == (["* on *"], [])
    # And back: everything narrower is lost, nothing gained.
    gained, lost = gained_lost("aws-user", _aws(Entry("*", "*")), before)
    assert gained == [] and lost == ["* on *"]


def test_narrowing_a_resource_is_a_loss_and_a_gain() -> None:
    before = _aws(Entry("s3:getobject", "arn:aws:s3:::data/*"))
    after = _aws(Entry("s3:getobject", "arn:aws:s3:::data/public/*"))
    assert gained_lost("aws-role", before, after) == ([], ["s3:getobject on arn:aws:s3:::data/*"])
    assert gained_lost("aws-role", None, before) == (["s3:getobject on arn:aws:s3:::data/*"], [])


def test_k8s_wildcard_covers_and_renders() -> None:
    read = compact_json([list(K8sEntry("get", "", "secrets", "shop"))])
    admin = compact_json([list(K8sEntry("*", "*", "*", "*")), list(K8sEntry("*", "", "*", "*", (), True))])
    assert gained_lost("k8s-serviceaccount", read, admin) == (["* *.* in *", "* url:*"], [])
    assert entry_strings("k8s-user", read) == ["get secrets in shop"]


def test_per_service_finish_equals_whole_prune() -> None:
    rng = random.Random(7)
    actions = ["s3:getobject", "s3:putobject", "s3:*", "ec2:describeinstances", "iam:passrole", "sqs:*"]
    resources = ["*", "arn:aws:s3:::a/*", "arn:aws:s3:::a/b/*", "arn:aws:s3:::a/b/c", "arn:aws:s3:::b*"]
    docs = []
    for _ in range(40):
        statements = [
            {"Effect": "Allow", "Action": rng.sample(actions, 2), "Resource": rng.sample(resources, 2)}
        ]
        if rng.random() < 0.3:
            statements.append({"Effect": "Deny", "Action": "s3:putobject", "Resource": rng.choice(resources)})
        docs.append({"Version": "2012-10-17", "Statement": statements})
    for _ in range(60):
        chosen = rng.sample(docs, rng.randint(1, 6))
        got = effective_permissions(chosen)
        # Reference: the same entries pruned as one whole, without the per-service memo.
        reference = EffectivePermissions(prune(fold_services(group_by_service(got.entries))))
        assert got.entries == reference.entries
        assert got.sha256 == EffectivePermissions(got.entries).sha256
