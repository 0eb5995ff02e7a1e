"""The one ``Module`` type every provider's resource modules register, and the ``Scope`` a sync runs in.

A resource module ends with ``MODULE = Module("<provider>", "<name>", sync, schemas)``. Its identity is that
object: ``MODULE.id`` ("aws.vpc") is the name its ``ModuleResult`` carries and the name post-ingest steps
match on (they import the module, never spell the string). Every ``sync`` has the same signature,
``sync(snap, ctx, scope) -> ModuleResult``, and goes through its provider's wrapper
(``ingest.aws.regional.sync_aws``, ``ingest.k8s.common.sync_k8s``, ``ingest.gcp.common.sync_gcp``), which
all take ``(module, snap, ctx, scope, get, transform, schemas=None, *, context=None, cleanup=True)`` and
end in ``ingest.core.sync_resource``: ``get`` takes no argument, ``transform`` takes the raw input and returns
``Transformed``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from graph.schema.model import NodeSchema

if TYPE_CHECKING:  # annotations only: the snapshot reader and the run context do not import modules
    from ingest.core import ModuleResult, RunContext
    from ingest.sources.snapshot import Snapshot

Provider = Literal["aws", "k8s", "gcp", "azure"]
GLOBAL = "global"  # the AWS "region" of account-wide modules (IAM, S3, organizations)


@dataclass(frozen=True)
class Scope:
    """Where one sync reads and writes: an AWS account and region (``global`` for account-wide modules), a
    Kubernetes cluster folder, or a GCP organization / project folder (``region`` empty for both); for Azure
    the tenant, and the subscription in ``region`` (empty for tenant-wide modules: "tenant/subscription")."""

    owner: str
    region: str = ""

    def __str__(self) -> str:
        # The scope stored on IngestModuleRun and shown by the CLI: "account/region" for regional AWS
        # modules, the bare account / cluster / GCP scope otherwise.
        return f"{self.owner}/{self.region}" if self.region and self.region != GLOBAL else self.owner


Sync = Callable[["Snapshot", "RunContext", Scope], "ModuleResult"]


@dataclass(frozen=True)
class Module:
    provider: Provider
    name: str  # unique within the provider; ``id`` is what results and steps use
    sync: Sync
    schemas: tuple[NodeSchema, ...] = ()  # every schema it may load (indexes, history, asset counts)
    # Run once per region instead of once per account (AWS), once per subscription instead of once per
    # tenant (Azure).
    regional: bool = False

    @property
    def id(self) -> str:
        return f"{self.provider}.{self.name}"
