"""Shared state of one generator run: ids, clock, the file tree being built and the manifest recorder.

Builders add whole CLI outputs to `Ctx.files` keyed by their path relative to the snapshot folder, and
register planted items / decoys with `Ctx.manifest`. Day changes (plan.py) later copy-on-write the
affected files only, so unchanged files keep the same object and serialize to the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingest.sample.ids import Clock, Ids

Files = dict[str, Any]

PRIMARY_REGION = "us-east-1"
SECONDARY_REGION = "us-west-2"


@dataclass
class Account:
    """One AWS account of the sample organisation."""

    index: int
    account_id: str
    name: str  # "prod", "shared", "dev-3", … used in resource names and tags

    @property
    def root_arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:root"

    def arn(self, service: str, region: str, resource: str) -> str:
        return f"arn:aws:{service}:{region}:{self.account_id}:{resource}"

    def ecr(self, region: str = PRIMARY_REGION) -> str:
        return f"{self.account_id}.dkr.ecr.{region}.amazonaws.com"


@dataclass
class Manifest:
    """planted.json under construction."""

    planted: list[dict[str, Any]] = field(default_factory=list)
    decoys: list[dict[str, Any]] = field(default_factory=list)
    drift: list[dict[str, Any]] = field(default_factory=list)
    creep: list[dict[str, Any]] = field(default_factory=list)

    @staticmethod
    def item(
        id: str,
        kind: str,
        layer: str,
        scope: str,
        asset_id: str,
        asset_name: str,
        description: str,
        day_from: int = 1,
        day_to: int | None = None,
    ) -> dict[str, Any]:
        return {
            "id": id,
            "kind": kind,
            "day_from": day_from,
            "day_to": day_to,
            "layer": layer,
            "scope": scope,
            "asset_id": asset_id,
            "asset_name": asset_name,
            "description": description,
        }

    def plant(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        entry = self.item(*args, **kwargs)
        self.planted.append(entry)
        return entry

    def decoy(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        entry = self.item(*args, **kwargs)
        self.decoys.append(entry)
        return entry

    def find(self, id: str) -> dict[str, Any]:
        return next(p for p in self.planted if p["id"] == id)


@dataclass
class Ctx:
    ids: Ids
    clock: Clock
    scale: float
    accounts: list[Account]
    files: Files = field(default_factory=dict)
    manifest: Manifest = field(default_factory=Manifest)
    # Named handles (subnet ids, role arns, uids …) that later builders and the day plan need.
    refs: dict[str, Any] = field(default_factory=dict)

    def aws_path(self, account: Account, region: str, service: str, command: str, name: str = "") -> str:
        base = f"aws/{account.account_id}/{region}/{service}/{command}"
        return f"{base}/{name}.json" if name else f"{base}.json"

    def k8s_path(self, cluster: str, resource: str) -> str:
        return f"k8s/{cluster}/{resource}.json"
