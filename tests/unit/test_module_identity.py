"""Ingest modules are one type with one identity; the privileges step names its modules by object."""

from __future__ import annotations

import dataclasses

from analysis.privileges import steps
from ingest import registry
from ingest.core import ModuleResult, Status
from ingest.module import GLOBAL, Module, Scope


def test_every_module_is_one_type_with_a_unique_id() -> None:
    modules = registry.all_modules()
    assert all(type(m) is Module for m in modules)
    ids = [m.id for m in modules]
    assert len(ids) == len(set(ids))
    assert {m.provider for m in modules} == {"aws", "k8s", "gcp", "azure"}
    # regional: once per AWS region, once per Azure subscription; nothing else is regional
    assert not [m.id for m in modules if m.regional and m.provider not in ("aws", "azure")]
    assert not [
        m.id
        for m in modules
        if m.provider == "azure"
        and m.name in ("hierarchy", "entra_users", "entra_service_principals", "entra_groups")
        and m.regional
    ]


def test_scope_string_is_what_results_carry() -> None:
    assert str(Scope("111122223333", "eu-west-1")) == "111122223333/eu-west-1"
    assert str(Scope("111122223333", GLOBAL)) == "111122223333"
    assert str(Scope("prod-cluster")) == "prod-cluster"
    assert str(Scope("tenant-1", "sub-1")) == "tenant-1/sub-1"  # an Azure subscription of its tenant
    assert str(Scope("tenant-1")) == "tenant-1"


def test_privileges_providers_watch_registered_modules() -> None:
    registered = {m.id: m for m in registry.all_modules()}
    for provider in steps.PROVIDERS:
        for mod in provider.modules:
            assert registered[mod.id] is mod, mod.id
        assert provider.module_ids() == {m.id for m in provider.modules}


def test_a_renamed_module_follows_its_object() -> None:
    """The step matches what the module's own sync reports, whatever the module is called."""
    aws = next(p for p in steps.PROVIDERS if p.name == "aws")
    results = [ModuleResult(m.id, "111122223333", Status.OK) for m in aws.modules]
    assert steps.collected_scopes(aws, results) == (["111122223333"], [])
    results[0].status = Status.FAILED
    assert steps.collected_scopes(aws, results) == ([], ["111122223333"])


def test_a_provider_holding_a_module_the_registry_does_not_run_is_caught() -> None:
    """A stale copy (renamed, or replaced in the registry) would never match a result: the registry check
    above is what catches it, so it must see the difference."""
    aws = next(p for p in steps.PROVIDERS if p.name == "aws")
    renamed = dataclasses.replace(aws.modules[0], name="iam.policies_v2")
    registered = {m.id: m for m in registry.all_modules()}
    assert renamed.id not in registered
    assert steps.collected_scopes(
        dataclasses.replace(aws, modules=(renamed,)),
        [ModuleResult(aws.modules[0].id, "111122223333", Status.OK)],
    ) == ([], [])
