"""Which resource modules exist, in load order, per provider.

Order matters: a module's relationships MATCH nodes that earlier modules loaded (subnet → VPC, instance →
subnet, Kubernetes node → EC2 instance), so AWS loads before Kubernetes, and owners before members.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from graph.schema.model import NodeSchema
from ingest.core import ModuleResult, RunContext
from ingest.sources.snapshot import Snapshot


@dataclass(frozen=True)
class AwsModule:
    name: str
    sync: Callable[[Snapshot, RunContext, str, str], ModuleResult]  # (snap, ctx, account, region)
    schemas: tuple[NodeSchema, ...] = ()
    regional: bool = True


@dataclass(frozen=True)
class K8sModule:
    name: str
    sync: Callable[[Snapshot, RunContext, str], ModuleResult]  # (snap, ctx, cluster)
    schemas: tuple[NodeSchema, ...] = ()


@dataclass(frozen=True)
class GcpModule:
    name: str
    sync: Callable[[Snapshot, RunContext, str], ModuleResult]  # (snap, ctx, org-or-project)
    schemas: tuple[NodeSchema, ...] = ()


def aws_modules() -> list[AwsModule]:
    from ingest.aws import MODULES

    return list(MODULES)


def k8s_modules() -> list[K8sModule]:
    from ingest.k8s import MODULES

    return list(MODULES)


def gcp_modules() -> list[GcpModule]:
    from ingest.gcp import MODULES

    return list(MODULES)
