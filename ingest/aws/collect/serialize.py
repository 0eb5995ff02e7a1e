"""Serialize boto3 responses byte-for-byte the way ``aws <service> <command> --output json`` prints them.

AWS CLI v2 (awscli/formatter.py, awscli/customizations/scalarparse.py, awscli/utils.py):

* paginated operations are fetched with botocore's paginator and printed as
  ``PageIterator.build_full_result()`` — one object, the result keys of every page concatenated, the
  paginator's non-aggregate keys from the first page, no ``NextToken``/``Marker``/``IsTruncated``;
* ``ResponseMetadata`` is removed;
* timestamps are printed as ``parse_timestamp(wire).isoformat()`` — the same string ``datetime.isoformat()``
  gives on the ``datetime`` boto3 returns (``2026-11-20T08:12:44+00:00``);
* blobs stay base64 as they came over the wire; boto3 decodes them to ``bytes``, so we re-encode;
* ``json.dump(indent=4, ensure_ascii=False)`` in response key order, then a newline.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from botocore.paginate import PageIterator


def cli_default(obj: Any) -> Any:
    """``json.dump(default=…)`` for the non-JSON types boto3 returns."""
    if isinstance(obj, dt.datetime | dt.date):
        return obj.isoformat()
    if isinstance(obj, bytes | bytearray):
        return base64.b64encode(bytes(obj)).decode("ascii")
    raise TypeError(f"{type(obj).__name__} is not JSON serializable")


def without_metadata(response: dict[str, Any]) -> dict[str, Any]:
    """A shallow copy without ``ResponseMetadata`` (the CLI deletes it before printing)."""
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def merge_pages(pages: PageIterator) -> dict[str, Any]:
    """All pages as the CLI prints them: botocore's own merge, result keys from the paginator model."""
    return without_metadata(pages.build_full_result())


def cli_json(response: dict[str, Any]) -> str:
    """The exact text the CLI writes to stdout for this (already merged) response."""
    body = without_metadata(response)
    return json.dumps(body, indent=4, ensure_ascii=False, default=cli_default) + "\n"
