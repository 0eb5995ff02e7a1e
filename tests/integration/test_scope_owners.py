"""The scope rule of graph/scopes.py on a real Neo4j, for every kind of owner: an asset is in a key's scope
when the node that holds it (RESOURCE) is an AWS account, GCP project, Kubernetes cluster or Azure
subscription the key names; an asset whose owner is none of those (a tenant, an organization) is outside
every scope."""

from __future__ import annotations

import pytest

from graph import driver
from graph.scopes import OWNER_LABELS, owned_in_scope

# (owner label, owner properties, the scope id a key names for it)
OWNERS = [
    ("AWSAccount", {"id": "111122223333"}, "111122223333"),
    ("GCPProject", {"id": "prj-a"}, "prj-a"),
    ("KubernetesCluster", {"id": "arn:aws:eks:us-east-1:111122223333:cluster/prod", "name": "prod"}, "prod"),
    (
        "AzureSubscription",
        {"id": "0b1f6471-1bf0-4dda-aec3-cb9272f09590"},
        "0b1f6471-1bf0-4dda-aec3-cb9272f09590",
    ),
]


def _visible(allowed: list[str] | None) -> set[str]:
    rows = driver.read(f"MATCH (n:Asset) WHERE {owned_in_scope('n')} RETURN n.id AS id", {"allowed": allowed})
    return {r["id"] for r in rows}


@pytest.fixture
def owners(neo4j: str) -> None:
    for label, props, _ in OWNERS:
        # label comes from the constant above, never from input
        driver.write(
            f"CREATE (o:{label}) SET o = $props CREATE (o)-[:RESOURCE]->(:Asset {{id: $asset}})",
            {"props": props, "asset": f"asset-of-{label}"},
        )
    driver.write("CREATE (:AzureTenant {id: 't1'})-[:RESOURCE]->(:Asset {id: 'tenant-asset'})")


def test_every_owner_kind_is_a_scope(owners: None) -> None:
    assert {label for label, _, _ in OWNERS} == set(OWNER_LABELS)
    for label, _, scope_id in OWNERS:
        assert _visible([scope_id]) == {f"asset-of-{label}"}, label


def test_unscoped_sees_all_and_unknown_owner_is_outside_every_scope(owners: None) -> None:
    everything = {f"asset-of-{label}" for label, _, _ in OWNERS} | {"tenant-asset"}
    assert _visible(None) == everything
    assert _visible([s for _, _, s in OWNERS]) == everything - {"tenant-asset"}
    assert _visible(["t1"]) == set()
