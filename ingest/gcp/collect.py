"""`invgraph collect gcp`: Cloud Asset Inventory → ``<out>/gcp/<id>/cloudasset/<content type>.json`` for the
content types ``resource``, ``iam-policy`` and ``org-policy`` (deny policies need ``gcloud iam policies``),
then the usage inputs — IAM policy insights and Activity Analyzer (ingest/gcp/collect_usage.py).

Each file holds what ``gcloud asset list --organization|--project=<id> --content-type=<t> --format=json``
prints: the assets as the API's camelCase JSON (protobuf JSON mapping), so the offline reader cannot tell a
collected snapshot from a gcloud one. A content type the API refuses (permission denied, API disabled,
quota after retries, unreachable) writes no file — that type is *not collected* — and is reported.
Needs the optional extra: ``pip install 'invgraph[gcp]'`` (google-cloud-asset).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.collect_report import ScopeCollectReport
from ingest.gcp.collect_usage import UsageApis, collect_usage, projects_of

CONTENT_TYPES = {"resource": "RESOURCE", "iam-policy": "IAM_POLICY", "org-policy": "ORG_POLICY"}


GcpCollectReport = ScopeCollectReport  # the shared report shape (ingest/collect_report.py)


def asset_to_json(asset: Any) -> dict[str, Any]:
    """A proto-plus ``Asset`` → the camelCase dict gcloud prints (int64 as strings, Struct as objects)."""
    from google.protobuf.json_format import MessageToDict  # type: ignore[import-untyped]

    return _ints(MessageToDict(type(asset).pb(asset)))


def _ints(value: Any) -> Any:
    # resource.data is a protobuf Struct, whose numbers are doubles: print 1000, not 1000.0, like gcloud.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _ints(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_ints(v) for v in value]
    return value


def make_client(**kwargs: Any) -> Any:
    from google.cloud import asset_v1

    return asset_v1.AssetServiceClient(**kwargs)


def collect_gcp(
    out: Path,
    *,
    organization: str | None = None,
    project: str | None = None,
    client: Any = None,
    usage: UsageApis | None = None,
) -> GcpCollectReport:
    """Collect one organization or project. Raises ValueError (bad arguments) or FileExistsError; without
    ``client`` / ``usage``, google.auth's DefaultCredentialsError when there are no credentials."""
    from google.api_core.exceptions import GoogleAPICallError, RetryError
    from google.cloud import asset_v1

    if bool(organization) == bool(project):
        raise ValueError("give exactly one of --organization or --project")
    scope = str(organization or project)
    parent = f"organizations/{scope}" if organization else f"projects/{scope}"
    folder = Path(out) / "gcp" / scope / "cloudasset"
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} is not empty; collect into a new folder")
    client = client or make_client()
    usage = usage or UsageApis.default()
    report = GcpCollectReport(scope, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    resources: list[dict[str, Any]] | None = None
    for name, content_type in CONTENT_TYPES.items():
        request = asset_v1.ListAssetsRequest(
            parent=parent, content_type=getattr(asset_v1.ContentType, content_type), page_size=1000
        )
        try:
            # Materialise every page before writing: a failure on page 3 must not leave a truncated file
            # that the reader would take as complete (and sweep what it lacks).
            assets = [asset_to_json(a) for a in client.list_assets(request=request)]
        except (GoogleAPICallError, RetryError) as exc:
            code = getattr(exc, "code", None) or type(exc).__name__
            report.errors.append(f"{scope} gcloud asset list --content-type={name}: {code}: {exc}")
            continue
        if name == "resource":
            resources = assets
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.json").write_text(json.dumps(assets, indent=2, sort_keys=True) + "\n")
        report.files_written += 1
    # A project is its own activity target; an organization's are the projects its listing holds.
    projects = [scope] if project else (projects_of(resources) if resources is not None else None)
    collect_usage(folder.parent, parent, projects, usage, report)
    meta = Path(out) / "snapshot.json"
    if report.files_written and not meta.exists():
        meta.write_text(json.dumps({"collected_at": report.collected_at}) + "\n")
    return report
