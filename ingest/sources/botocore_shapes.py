"""Turn AWS CLI JSON output into exactly what boto3 returns, through botocore's own service model.

The CLI prints timestamps as ISO-8601 strings where boto3 returns ``datetime``; blobs as base64; and IAM
policy documents already decoded. Walking the operation's *output shape* (not guessing field names) makes
the offline path hand ``transform`` the same types the live path does, and it checks the types on the way:
a wrong type is an ``InputError`` naming the file and the field path.
"""

from __future__ import annotations

import base64
import binascii
from functools import cache, lru_cache
from typing import Any

import botocore.session
from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape
from botocore.utils import parse_timestamp

from ingest.sources.errors import InputError

# The CLI's service names differ from botocore's for a few services.
CLI_SERVICE_ALIASES = {"s3api": "s3"}


@lru_cache(maxsize=1)
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@cache
def _operations(service: str) -> dict[str, str]:
    """CLI command name → botocore operation name (the CLI derives its names with the same xform)."""
    from botocore import xform_name

    model = _session().get_service_model(CLI_SERVICE_ALIASES.get(service, service))
    return {xform_name(op).replace("_", "-"): op for op in model.operation_names}


def operation_model(service: str, command: str) -> OperationModel:
    try:
        op = _operations(service)[command]
    except KeyError as exc:
        raise KeyError(f"unknown AWS CLI command: aws {service} {command}") from exc
    return _session().get_service_model(CLI_SERVICE_ALIASES.get(service, service)).operation_model(op)


def convert(service: str, command: str, data: Any, path: str) -> dict[str, Any]:
    """Check ``data`` against the output shape of ``aws <service> <command>`` and convert its types."""
    shape = operation_model(service, command).output_shape
    if not isinstance(data, dict):
        raise InputError(path, f"expected a JSON object, got {type(data).__name__}")
    if shape is None:
        return data
    _require_listing_key(shape, command, data, path)
    return _convert(shape, data, path, "")


def _require_listing_key(shape: Shape, command: str, data: dict[str, Any], path: str) -> None:
    """A describe/list answer without its list key is a wrong file, not "there are none".

    The CLI prints ``{"Subnets": []}`` for an empty account. Reading ``{}`` or an object of another shape as
    "no subnets" would let cleanup delete every subnet, so such a file is refused and named.
    """
    members = getattr(shape, "members", {})
    if data and not set(data) & set(members):
        raise InputError(
            path, f"none of the keys of `aws … {command}` output ({', '.join(members)}) is present"
        )
    if not command.startswith(("describe-", "list-")):
        return  # get-* calls: `{}` records "collected, no such configuration" (docs/snapshot-format.md)
    listing = [name for name, m in members.items() if isinstance(m, ListShape)]
    if listing and not set(listing) & set(data):
        raise InputError(
            path, f"missing the {' / '.join(listing)} list that `aws … {command}` always prints", listing[0]
        )


def _convert(shape: Shape, value: Any, path: str, where: str) -> Any:
    if value is None:
        return None
    kind = shape.type_name
    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            raise InputError(path, f"expected an object, got {type(value).__name__}", where or "<root>")
        out = {}
        for key, item in value.items():
            member = shape.members.get(key)
            # Keys the model does not know (newer CLI, extra metadata) pass through untouched.
            out[key] = _convert(member, item, path, f"{where}.{key}" if where else key) if member else item
        return out
    if isinstance(shape, ListShape):
        if not isinstance(value, list):
            raise InputError(path, f"expected a list, got {type(value).__name__}", where)
        return [_convert(shape.member, v, path, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(shape, MapShape):
        if not isinstance(value, dict):
            raise InputError(path, f"expected an object, got {type(value).__name__}", where)
        return {k: _convert(shape.value, v, path, f"{where}.{k}") for k, v in value.items()}
    if kind == "timestamp":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return parse_timestamp(value)
        if not isinstance(value, str):
            raise InputError(path, f"expected a timestamp, got {type(value).__name__}", where)
        try:
            return parse_timestamp(value)
        except (ValueError, TypeError) as exc:
            raise InputError(path, f"not a timestamp: {value!r}", where) from exc
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError(path, f"expected an integer, got {value!r}", where)
        return value
    if kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(path, f"expected a number, got {value!r}", where)
        return float(value)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise InputError(path, f"expected true/false, got {value!r}", where)
        return value
    if kind == "blob":
        try:
            return base64.b64decode(value, validate=True) if isinstance(value, str) else value
        except binascii.Error as exc:
            raise InputError(path, "not base64", where) from exc
    if kind == "string":
        # IAM policy documents are strings in the model but decoded objects in CLI and boto3 output.
        if isinstance(value, (dict, list)) and "olicyDocument" in (shape.name or ""):
            return value
        if not isinstance(value, str):
            raise InputError(path, f"expected a string, got {type(value).__name__}", where)
        return value
    return value
