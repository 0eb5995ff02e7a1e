"""`invgraph sample`: write a realistic multi-day AWS + Kubernetes (+ GCP) snapshot environment.

    generate(out, accounts=2, clusters=1, scale=1.0, days=3, seed=42, start=None, gcp_projects=0) -> manifest

writes `<out>/day-01/ … day-NN/` (snapshot folders in the layout of docs/snapshot-format.md) and
`<out>/planted.json` (planted findings, decoys, drift and privilege creep). Same arguments → same bytes.
See docs/sample-environment.md.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ingest.sample import aws_org, plan_k8s
from ingest.sample.aws_env import ClusterSpec, build_account
from ingest.sample.aws_network import finalize_subnets
from ingest.sample.context import PRIMARY_REGION, Account, Ctx
from ingest.sample.ids import Clock, Ids
from ingest.sample.k8s import Cluster
from ingest.sample.plan import DayPlan
from ingest.sample.plan_azure import add_azure
from ingest.sample.plan_gcp import add_gcp
from ingest.sample.writer import PRETTY_MAX_SCALE, Writer, clear_previous, count_assets, write_manifest

__all__ = ["generate", "DEFAULT_START"]

DEFAULT_START = date(2026, 11, 1)
_ACCOUNT_NAMES = ["prod", "shared", "dev", "staging", "sandbox", "data", "security", "logging"]


def generate(
    out: Path,
    *,
    accounts: int = 2,
    clusters: int = 1,
    scale: float = 1.0,
    days: int = 3,
    seed: int = 42,
    start: date | None = None,
    gcp_projects: int = 0,
    azure_subscriptions: int = 0,
) -> dict[str, Any]:
    """Write the sample environment under `out` and return the manifest (also written as planted.json).

    ``gcp_projects`` > 0 adds one GCP organization (a folder holding that many projects) under
    ``gcp/<org>/cloudasset/``; 0 (the library default) writes AWS and Kubernetes only. ``azure_subscriptions``
    > 0 adds one Azure tenant with that many subscriptions under ``azure/<tenant>/`` (0: none).
    """
    if accounts < 1 or clusters < 0 or days < 1 or scale <= 0 or gcp_projects < 0 or azure_subscriptions < 0:
        raise ValueError("need accounts >= 1, clusters >= 0, days >= 1, scale > 0 and gcp_projects >= 0")
    out = Path(out)
    ids = Ids(seed)
    clock = Clock(start or DEFAULT_START)
    accts = [
        Account(i, ids.account(), _ACCOUNT_NAMES[i] if i < len(_ACCOUNT_NAMES) else f"acct{i}")
        for i in range(accounts)
    ]
    vendor_account = ids.account()  # an outside party, trusted by two roles of the first account
    specs = []
    for i in range(clusters):
        owner = accts[i % accounts]
        name = f"{owner.name}-eks" if i < accounts else f"{owner.name}-eks-{i}"
        specs.append(ClusterSpec(name, owner, PRIMARY_REGION, ids.hex(32).upper()))
    ctx = Ctx(ids=ids, clock=clock, scale=scale, accounts=accts)
    ctx.refs["clusters"] = specs

    for account in accts:
        build_account(ctx, account, [s for s in specs if s.account is account], vendor_account)
    built = []
    for i, spec in enumerate(specs):
        cluster = Cluster(ctx, spec)
        cluster.build_system()
        if i == 0:
            plan_k8s.plant(cluster)
        cluster.build_bulk()
        built.append(cluster)
    for net in ctx.refs["nets"]:
        finalize_subnets(net)

    day_files = DayPlan(ctx, built, days).run()
    m = ctx.manifest
    org_files = aws_org.organization_files(ctx, accts, seed)
    for files in day_files:  # the same organization every day
        files.update(org_files)
    aws_org.plant(m, accts, org_files)
    gcp = add_gcp(day_files, m, gcp_projects, seed) if gcp_projects else None
    azure = add_azure(day_files, m, azure_subscriptions, seed) if azure_subscriptions else None
    manifest: dict[str, Any] = {
        "generator": {
            "seed": seed,
            "scale": scale,
            "accounts": accounts,
            "clusters": clusters,
            "days": days,
            "start": (start or DEFAULT_START).isoformat(),
            "gcp_projects": gcp_projects,
            "azure_subscriptions": azure_subscriptions,
        },
        "accounts": [{"account_id": a.account_id, "name": a.name} for a in accts],
        "external_accounts": [{"account_id": vendor_account, "name": "vendor"}],
        "clusters": [{"name": s.name, "account_id": s.account.account_id, "region": s.region} for s in specs],
        "gcp": gcp,
        "azure": azure,
        "days": [
            {"day": d, "folder": f"day-{d:02d}", "collected_at": clock.collected_at(d)}
            for d in range(1, days + 1)
        ],
        "counts": {f"day-{d:02d}": count_assets(f) for d, f in enumerate(day_files, start=1)},
        "planted": m.planted,
        "decoys": m.decoys,
        "drift": m.drift,
        "creep": m.creep,
    }

    clear_previous(out)
    out.mkdir(parents=True, exist_ok=True)
    writer = Writer(out, pretty=scale <= PRETTY_MAX_SCALE)
    for d, files in enumerate(day_files, start=1):
        writer.write_day(d, files, clock.collected_at(d))
    write_manifest(out, manifest)
    return manifest
