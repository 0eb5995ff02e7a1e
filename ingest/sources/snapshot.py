"""Read a snapshot folder (docs/snapshot-format.md): unmodified CLI output, one file per call.

``None`` means *not collected* (the file is absent): callers then keep the previous data and skip
cleanup. A file that is present but unusable raises ``InputError`` naming the file and field. Every file
a module reads is marked as claimed, so what nobody read can be reported as skipped.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from config import get_settings
from ingest.sources.botocore_shapes import convert
from ingest.sources.errors import InputError


def _load_json(path: Path) -> Any:
    size = path.stat().st_size
    if size == 0:
        raise InputError(str(path), "empty file")
    limit = get_settings().ingest.max_input_bytes
    if size > limit:
        raise InputError(
            str(path), f"file is {size} bytes, over the limit of {limit} (INVGRAPH_MAX_INPUT_BYTES)"
        )
    try:
        with path.open("rb") as fh:
            return json.loads(fh.read().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            str(path), f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc


class Snapshot:
    def __init__(self, root: Path) -> None:
        if not root.is_dir():
            raise InputError(str(root), "snapshot folder does not exist")
        self.root = root
        self._claimed: set[Path] = {root / "snapshot.json"}
        # kubectl lists are read by several modules (pods by pods, services, network policies): parse once.
        self._k8s_cache: dict[Path, list[dict[str, Any]]] = {}
        self.collected_at = self._collected_at()

    # -- metadata -------------------------------------------------------------------------------------
    def _collected_at(self) -> datetime:
        meta = self.root / "snapshot.json"
        if meta.exists():
            data = _load_json(meta)
            value = data.get("collected_at") if isinstance(data, dict) else None
            if not isinstance(value, str):
                raise InputError(str(meta), "expected an ISO-8601 string", "collected_at")
            try:
                parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError as exc:
                raise InputError(str(meta), f"not ISO-8601: {value!r}", "collected_at") from exc
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        newest = max((p.stat().st_mtime for p in self.files()), default=datetime.now(UTC).timestamp())
        return datetime.fromtimestamp(newest, UTC)

    def files(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*") if p.is_file())

    def unclaimed(self) -> list[Path]:
        return [p for p in self.files() if p not in self._claimed]

    def _subdirs(self, *parts: str) -> list[str]:
        base = self.root.joinpath(*parts)
        return sorted(p.name for p in base.iterdir() if p.is_dir()) if base.is_dir() else []

    # -- AWS ------------------------------------------------------------------------------------------
    def aws_accounts(self) -> list[str]:
        return self._subdirs("aws")

    def aws_regions(self, account: str) -> list[str]:
        return [r for r in self._subdirs("aws", account) if r != "global"]

    def aws_path(
        self, account: str, region: str, service: str, command: str, resource: str | None = None
    ) -> Path:
        base = self.root / "aws" / account / region / service
        return base / command / f"{resource}.json" if resource is not None else base / f"{command}.json"

    def aws(
        self, account: str, region: str, service: str, command: str, resource: str | None = None
    ) -> dict[str, Any] | None:
        """The boto3-equivalent response of one CLI call, or None when it was not collected."""
        path = self.aws_path(account, region, service, command, resource)
        if not path.is_file():
            return None
        self._claimed.add(path)
        return convert(service, command, _load_json(path), str(path))

    def aws_resources(self, account: str, region: str, service: str, command: str) -> list[str]:
        """Resource names that have a per-resource file for this command (e.g. bucket names)."""
        folder = self.root / "aws" / account / region / service / command
        return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []

    # -- Kubernetes -----------------------------------------------------------------------------------
    def k8s_clusters(self) -> list[str]:
        return self._subdirs("k8s")

    def k8s(self, cluster: str, resource: str) -> list[dict[str, Any]] | None:
        """The ``items`` of ``kubectl get <resource> -A -o json``, or None when not collected."""
        path = self.root / "k8s" / cluster / f"{resource}.json"
        if path in self._k8s_cache:
            return self._k8s_cache[path]
        if not path.is_file():
            return None
        self._claimed.add(path)
        data = _load_json(path)
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise InputError(str(path), "expected a kubectl List object with an 'items' list", "items")
        for i, item in enumerate(data["items"]):
            meta = item.get("metadata") if isinstance(item, dict) else None
            if not isinstance(meta, dict) or not isinstance(meta.get("name"), str):
                raise InputError(str(path), "item without metadata.name", f"items[{i}].metadata.name")
        self._k8s_cache[path] = data["items"]
        return data["items"]

    def release_k8s(self, cluster: str) -> None:
        """Forget the cluster's parsed lists once its modules ran: memory stays one cluster's worth."""
        base = self.root / "k8s" / cluster
        for path in [p for p in self._k8s_cache if p.parent == base]:
            del self._k8s_cache[path]

    def k8s_audit_log(self, cluster: str) -> list[dict[str, Any]] | None:
        """``k8s/<cluster>/audit.jsonl``: API-server audit events (``audit.k8s.io/v1`` Event, one JSON object
        per line, as the log backend writes them), or None when not collected."""
        path = self.root / "k8s" / cluster / "audit.jsonl"
        if not path.is_file():
            return None
        self._claimed.add(path)
        if path.stat().st_size > get_settings().ingest.max_input_bytes:
            raise InputError(str(path), "file is over the limit (INVGRAPH_MAX_INPUT_BYTES)")
        out = []
        with path.open(encoding="utf-8", errors="strict") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    event = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(str(path), f"invalid JSON on line {n}: {exc.msg}") from exc
                if not isinstance(event, dict) or event.get("kind") != "Event":
                    raise InputError(str(path), f"line {n} is not an audit Event", "kind")
                out.append(event)
        return out

    # -- GCP ------------------------------------------------------------------------------------------
    def gcp_scopes(self) -> list[str]:
        return self._subdirs("gcp")

    def gcp_file(self, scope: str, service: str, name: str) -> Any:
        """``gcp/<scope>/<service>/<name>.json`` as parsed JSON (gcloud output other than Cloud Asset
        listings: org policies in the v2 form, IAM deny policies), or None when it was not collected."""
        path = self.root / "gcp" / scope / service / f"{name}.json"
        if not path.is_file():
            return None
        self._claimed.add(path)
        return _load_json(path)

    def gcp_folder(self, scope: str, service: str, folder: str) -> dict[str, Any] | None:
        """``gcp/<scope>/<service>/<folder>/<name>.json`` files as {name: parsed JSON}, or None when the
        folder was not collected (per-resource gcloud output, e.g. one membership list per group)."""
        base = self.root / "gcp" / scope / service / folder
        if not base.is_dir():
            return None
        out = {}
        for path in sorted(base.glob("*.json")):
            self._claimed.add(path)
            out[path.stem] = _load_json(path)
        return out

    def gcp(self, scope: str, content_type: str) -> list[dict[str, Any]] | None:
        """Assets of ``gcloud asset list`` (.json array) or ``gcloud asset export`` (.jsonl), or None."""
        base = self.root / "gcp" / scope / "cloudasset"
        as_json, as_jsonl = base / f"{content_type}.json", base / f"{content_type}.jsonl"
        if as_json.is_file():
            self._claimed.add(as_json)
            data = _load_json(as_json)
            if not isinstance(data, list):
                raise InputError(str(as_json), "expected a JSON array of assets")
            return data
        if as_jsonl.is_file():
            self._claimed.add(as_jsonl)
            out = []
            with as_jsonl.open(encoding="utf-8", errors="strict") as fh:
                for n, line in enumerate(fh, 1):
                    if line.strip():
                        try:
                            out.append(json.loads(line))
                        except json.JSONDecodeError as exc:
                            raise InputError(str(as_jsonl), f"invalid JSON on line {n}: {exc.msg}") from exc
            return out
        return None

    # -- Azure ----------------------------------------------------------------------------------------
    def azure_tenants(self) -> list[str]:
        return self._subdirs("azure")

    def azure_subscriptions(self, tenant: str) -> list[str]:
        """The subscription folders of a tenant (``tenant`` holds the tenant-wide output)."""
        return [s for s in self._subdirs("azure", tenant) if s != "tenant"]

    def azure_path(self, tenant: str, scope: str, group: str, command: str) -> Path:
        return self.root / "azure" / tenant / scope / group / f"{command}.json"

    def azure(self, tenant: str, scope: str, group: str, command: str) -> Any:
        """``azure/<tenant>/<subscription|tenant>/<group>/<command>.json``: the unmodified output of
        ``az <group> <command> --output json``, or None when it was not collected."""
        path = self.azure_path(tenant, scope, group, command)
        if not path.is_file():
            return None
        self._claimed.add(path)
        return _load_json(path)

    def azure_folder(self, tenant: str, scope: str, group: str, folder: str) -> dict[str, Any] | None:
        """Per-resource output ``<group>/<folder>/<resource name>.json`` as {name: parsed JSON}, or None
        when the folder was not collected (e.g. one firewall-rule list per SQL server)."""
        base = self.root / "azure" / tenant / scope / group / folder
        if not base.is_dir():
            return None
        out = {}
        for path in sorted(base.glob("*.json")):
            self._claimed.add(path)
            out[path.stem] = _load_json(path)
        return out
