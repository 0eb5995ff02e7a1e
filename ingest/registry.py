"""Which resource modules exist, in load order, per provider — and lookup by id.

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


def all_modules() -> list[Module]:
    return [*aws_modules(), *k8s_modules(), *gcp_modules()]


def module(module_id: str) -> Module:
    """The registered module with this id ("aws.iam.policies"); KeyError naming the id when there is none,
    so a caller holding a stale name fails loudly instead of matching nothing."""
    found = {m.id: m for m in all_modules()}
    if module_id not in found:
        raise KeyError(f"no registered ingest module {module_id!r} (known: {', '.join(sorted(found))})")
    return found[module_id]
