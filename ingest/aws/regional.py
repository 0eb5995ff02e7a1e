"""What every AWS module shares: the sync wrapper (account / region context) and the snapshot-file reads."""

from __future__ import annotations

import json
from collections import ChainMap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from graph.schema.model import NodeSchema
from ingest.core import Getter, ModuleResult, RunContext, Transformer, sync_resource
from ingest.module import Module, Scope
from ingest.sources.errors import InputError
from ingest.sources.snapshot import Snapshot


def sync_aws(
    module: Module,
    snap: Snapshot,
    ctx: RunContext,
    scope: Scope,
    get: Getter,
    transform: Transformer,
    schemas: Sequence[NodeSchema] | None = None,
    *,
    context: Mapping[str, Any] | None = None,
    cleanup: bool = True,
) -> ModuleResult:
    """``sync_resource`` in an account (and region, for regional modules): the owner context every AWS schema
    reads. ``context`` adds keys a module only knows after ``get`` (it is read at load time, not copied)."""
    owner: dict[str, Any] = {"AWS_ID": scope.owner}
    if module.regional:
        owner["region"] = scope.region
    return sync_resource(
        module.id,
        str(scope),
        ctx,
        get,
        transform,
        module.schemas if schemas is None else schemas,
        ChainMap(context, owner) if context is not None else owner,  # type: ignore[arg-type]
        cleanup,
    )


def read_each(
    snap: Snapshot,
    account: str,
    region: str,
    service: str,
    command: str,
    names: Iterable[str],
    key: str,
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Read one per-resource file per name; a missing or unusable file becomes an error naming it.

    A missing per-resource file is reported too: that resource's rows are then absent, so the module
    must end ``partial`` (no cleanup) rather than sweep what the previous run loaded for it. ``key`` is the
    top-level field the CLI always prints; a file without it is the wrong file, not an empty answer.
    """
    found: dict[str, dict[str, Any]] = {}
    errors: list[str] = []
    for name in names:
        path = snap.aws_path(account, region, service, command, name)
        try:
            data = snap.aws(account, region, service, command, name)
        except InputError as exc:
            errors.append(str(exc))
            continue
        if data is None:
            errors.append(f"{path}: not collected")
        elif data.get(key) is None:
            errors.append(str(InputError(str(path), f"expected `aws {service} {command}` output", key)))
        else:
            found[name] = data
    return found, errors


def tag(tags: list[dict[str, Any]] | None, key: str) -> str | None:
    """Value of an EC2-style tag ({"Key", "Value"} pairs), or None."""
    return next((t.get("Value") for t in tags or [] if t.get("Key") == key), None)


def tags_json(tags: list[dict[str, Any]] | dict[str, str] | None) -> str | None:
    """Tags as canonical JSON of {key: value}: EC2-style [{"Key", "Value"}] pairs (``Tags``, ``TagList``)
    or an EKS-style map. Kept as one property (Cartography keeps AWSTag nodes from the tagging API instead) so
    crown-jewel rules and ad-hoc queries read a node's tags without a join; None when the API sent none."""
    if not tags:
        return None
    pairs = tags.items() if isinstance(tags, dict) else ((t.get("Key"), t.get("Value")) for t in tags)
    return json.dumps({str(k): v for k, v in pairs if k is not None}, sort_keys=True, separators=(",", ":"))


def partition(region: str) -> str:
    """ARN partition of a region (ARNs we build must match the ones AWS prints)."""
    if region.startswith("cn-"):
        return "aws-cn"
    return "aws-us-gov" if region.startswith("us-gov-") else "aws"


def read_listing(
    snap: Snapshot, account: str, region: str, service: str, command: str, key: str
) -> dict[str, Any] | None:
    """``snap.aws`` for a listing command, refusing a file without its top-level list.

    The CLI always prints the list key (``{"Subnets": []}`` when there are none). A file without it is the
    wrong file, and reading it as "nothing there" would let cleanup delete everything we had.
    """
    data = snap.aws(account, region, service, command)
    if data is not None and not isinstance(data.get(key), list):
        path = snap.aws_path(account, region, service, command)
        raise InputError(str(path), f"expected the {key!r} list of `aws {service} {command}`", key)
    return data
