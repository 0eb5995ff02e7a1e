"""One account's collection: boto3 clients per (service, region), and the call → file step every file uses.

``call`` runs the boto3 operation behind one AWS CLI command (paginated exactly when the CLI would
paginate), and writes the CLI's JSON to the snapshot path for it. A failed call writes nothing and is
recorded in the report; see ``ABSENT`` conventions in ingest/aws/collect/global_calls.py.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore import xform_name
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError

from ingest.aws.collect.report import CALL_ERRORS, CollectError, CollectReport, classify
from ingest.aws.collect.serialize import cli_json, merge_pages, without_metadata
from ingest.sources.botocore_shapes import CLI_SERVICE_ALIASES, operation_model

# Standard mode retries throttling and transient errors with backoff; 8 attempts rides out most bursts.
# Timeouts bound a hung endpoint (e.g. a region blocked by a firewall) instead of stalling the run.
CLIENT_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 8},
    connect_timeout=10,
    read_timeout=60,
    user_agent_extra="invgraph-collect",
)


@dataclass
class AccountCollector:
    account_id: str
    session: boto3.Session
    root: Path  # <out>/aws/<account-id>
    report: CollectReport
    home_region: str  # region for the global services' clients (IAM, S3 list, STS)
    endpoint_url: str | None = None
    _clients: dict[tuple[str, str], BaseClient] = field(default_factory=dict)
    # boto3 sessions are not thread-safe; clients are. Regions run in threads, so creation is serialized.
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self, service: str, region: str) -> BaseClient:
        region = self.home_region if region == "global" else region
        name = CLI_SERVICE_ALIASES.get(service, service)
        with self._lock:
            key = (name, region)
            if key not in self._clients:
                self._clients[key] = self.session.client(
                    name, region_name=region, config=CLIENT_CONFIG, endpoint_url=self.endpoint_url
                )
            return self._clients[key]

    def _invoke(
        self,
        region: str,
        service: str,
        command: str,
        params: Mapping[str, Any] | None,
    ) -> dict[str, Any]:
        client = self.client(service, region)
        method = xform_name(operation_model(service, command).name)
        # The CLI paginates exactly the operations botocore has a paginator for, and prints the merge.
        if client.can_paginate(method):
            return merge_pages(client.get_paginator(method).paginate(**(params or {})))
        return without_metadata(getattr(client, method)(**(params or {})))

    def fetch(
        self,
        region: str,
        service: str,
        command: str,
        params: Mapping[str, Any] | None = None,
        resource: str | None = None,
    ) -> dict[str, Any] | None:
        """The CLI-equivalent response without writing it, or None after recording why."""
        try:
            return self._invoke(region, service, command, params)
        except CALL_ERRORS as exc:
            self._record(exc, region, service, command, resource)
            return None

    def probe(
        self,
        region: str,
        service: str,
        command: str,
        quiet: frozenset[str],
    ) -> dict[str, Any] | None:
        """Like ``fetch``, but the error codes in ``quiet`` mean "does not apply here" and are not recorded
        (AWS Organizations answers AccessDenied in every account that is not its administrator)."""
        try:
            return self._invoke(region, service, command, None)
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code", "")) not in quiet:
                self._record(exc, region, service, command, None)
            return None
        except CALL_ERRORS as exc:
            self._record(exc, region, service, command, None)
            return None

    def call(
        self,
        region: str,
        service: str,
        command: str,
        params: Mapping[str, Any] | None = None,
        resource: str | None = None,
        absent: Mapping[str, dict[str, Any]] | None = None,
        client_region: str | None = None,
    ) -> dict[str, Any] | None:
        """Fetch and write ``<region>/<service>/<command>[/<resource>].json``; returns the response.

        ``absent`` maps the error codes that mean "this configuration does not exist" to the body written
        instead, so the snapshot records "collected: none" rather than "not collected".
        ``client_region`` sends a call filed under ``global`` to a regional endpoint (a bucket's region).
        """
        try:
            body = self._invoke(client_region or region, service, command, params)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if absent is None or code not in absent:
                self._record(exc, region, service, command, resource)
                return None
            body = dict(absent[code])
        except CALL_ERRORS as exc:
            self._record(exc, region, service, command, resource)
            return None
        if resource is not None and not _is_safe(resource):
            self.record(
                region,
                service,
                command,
                resource,
                "UnsafeName",
                "error",
                "resource name cannot be used as a file name",
            )
            return None
        self.write(region, service, command, body, resource)
        return body

    def write(
        self, region: str, service: str, command: str, body: dict[str, Any], resource: str | None = None
    ) -> None:
        base = self.root / region / service
        path = base / command / f"{resource}.json" if resource is not None else base / f"{command}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write-then-rename: an interrupted collection never leaves a truncated file that would read as
        # "present but unusable" (failed) instead of "not collected".
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(cli_json(body), encoding="utf-8")
        os.replace(tmp, path)
        self.report.count_file()

    def record(
        self,
        region: str,
        service: str,
        command: str,
        resource: str | None,
        code: str,
        kind: str,
        message: str,
    ) -> None:
        error = CollectError(self.account_id, region, service, command, resource, code, kind, message)
        self.report.add_error(error)

    def _record(self, exc: Exception, region: str, service: str, command: str, resource: str | None) -> None:
        self.record(region, service, command, resource, *classify(exc))


def _is_safe(name: str) -> bool:
    # Resource names are AWS names (bucket, user, function, …) which never contain "/", but a path
    # separator must never let a name escape its command folder.
    return bool(name) and name not in (".", "..") and not any(c in name for c in "/\\\0")
