"""Which resource modules exist, in load order, per provider.

Order matters: a module's relationships MATCH nodes that earlier modules loaded (subnet → VPC, instance →
subnet, Kubernetes node → EC2 instance), so AWS loads before Kubernetes, and owners before members.
Each provider package lists its modules in ``MODULES`` (one line per module).
"""

from __future__ import annotations

from ingest.module import Module


def aws_modules() -> list[Module]:
    from ingest.aws import MODULES

    return list(MODULES)


def k8s_modules() -> list[Module]:
    from ingest.k8s import MODULES

    return list(MODULES)


def gcp_modules() -> list[Module]:
    from ingest.gcp import MODULES

    return list(MODULES)


def azure_modules() -> list[Module]:
    from ingest.azure import MODULES

    return list(MODULES)


def all_modules() -> list[Module]:
    return [*aws_modules(), *k8s_modules(), *gcp_modules(), *azure_modules()]
