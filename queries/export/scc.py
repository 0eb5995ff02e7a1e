"""GCP Security Command Center findings (the v1 ``Finding`` resource), for a custom source.

``name`` is ``<source>/findings/<first 32 hex digits of our finding id>`` (SCC finding ids are 1–32
alphanumerics), so a re-send of the same finding updates it (``findings.patch`` / ``gcloud scc findings
update``) instead of adding one. ``state`` ACTIVE or INACTIVE (resolved by this run), ``mute`` MUTED for a
muted or accepted finding. SCC files a finding under a Google Cloud resource's full resource name, so only
findings on GCP assets are exported; the others are counted in ``skipped`` with the reason.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from queries.export.records import ExportFinding

_SOURCE = re.compile(r"^(organizations|folders|projects)/[A-Za-z0-9_.:-]+/sources/[A-Za-z0-9_-]+$")
# A policy binding's id is "<full resource name>_<role>[_<condition hash>]" (ingest/gcp/policy_bindings.py).
_BINDING = re.compile(r"^(?P<name>//.+)_(?:(?:projects|organizations)/[^/]+/)?roles/[^/]+$")
_SEVERITY = {"critical": "CRITICAL", "high": "HIGH", "medium": "MEDIUM", "low": "LOW", "info": "LOW"}
# Our GCP labels → the API service whose full resource names (//service/<relative name>) SCC uses.
SERVICES = {
    "GCPInstance": "compute.googleapis.com",
    "GCPFirewall": "compute.googleapis.com",
    "GKECluster": "container.googleapis.com",
    "GCPCloudSQLInstance": "sqladmin.googleapis.com",
    "GCPServiceAccount": "iam.googleapis.com",
    "GCPOrganization": "cloudresourcemanager.googleapis.com",
    "GCPProject": "cloudresourcemanager.googleapis.com",
    "GCPPolicyBinding": "cloudresourcemanager.googleapis.com",
}


class SccOptionsError(ValueError):
    """A source name SCC would refuse."""


def resource_name(f: ExportFinding) -> str | None:
    """The full resource name of a GCP asset, or None for an asset SCC cannot file a finding under."""
    binding = _BINDING.match(f.asset_id) if f.label == "GCPPolicyBinding" else None
    if binding:
        return binding["name"]  # the resource the binding grants on
    if f.asset_id.startswith("//"):
        return f.asset_id
    if f.label == "GCPBucket":
        return f"//storage.googleapis.com/{f.asset_name}"
    service = SERVICES.get(f.label)
    if service and f.asset_id.startswith(("projects/", "organizations/", "folders/")):
        return f"//{service}/{f.asset_id}"
    if service and f.scope and f.label.startswith("GCP"):
        # Assets whose id is not a relative resource name: filed under their project, named in properties.
        return f"//cloudresourcemanager.googleapis.com/projects/{f.scope}"
    return None


def _ts(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def finding(f: ExportFinding, source: str, resource: str) -> dict[str, Any]:
    m = f.control.meta
    out: dict[str, Any] = {
        "name": f"{source}/findings/{f.id[:32]}",
        "parent": source,
        "resourceName": resource,
        "state": "ACTIVE" if f.active else "INACTIVE",
        "category": m.id.upper(),
        "description": f"{m.title}. {f.summary}",
        "nextSteps": m.remediation,
        "severity": _SEVERITY[m.severity.value],
        "findingClass": "MISCONFIGURATION",
        "mute": "MUTED" if f.suppression and f.active else "UNMUTED",
        "eventTime": _ts(f.run_at if not f.active else f.last_seen),
        "createTime": _ts(f.first_seen),
        "sourceProperties": {
            "invgraph_finding_id": f.id,
            "control_id": m.id,
            "control_run_id": f.run_id,
            "lifecycle": f.lifecycle,
            "asset_id": f.asset_id,
            "asset_name": f.asset_name,
            "label": f.label,
            "scope": f.scope,
            "reason": f.reason,
            "domain": m.domain.value,
            "maturity": m.maturity,
            "frameworks": m.frameworks.references(),
        },
    }
    if m.frameworks.cis_gcp:
        out["compliances"] = [{"standard": "cis", "ids": m.frameworks.cis_gcp}]
    return out


def to_scc(findings: list[ExportFinding], source: str) -> dict[str, Any]:
    """``{"findings": [...], "skipped": [{"finding_id", "asset_id", "label", "reason"}]}``."""
    if not _SOURCE.match(source):
        raise SccOptionsError(
            f"--scc-source {source!r} is not a source name (organizations/ORG_ID/sources/SOURCE_ID)"
        )
    out: dict[str, Any] = {"findings": [], "skipped": []}
    for f in findings:
        resource = resource_name(f)
        if resource is None:
            out["skipped"].append(
                {
                    "finding_id": f.id,
                    "asset_id": f.asset_id,
                    "label": f.label,
                    "reason": "not a Google Cloud resource: SCC files findings under GCP resource names",
                }
            )
        else:
            out["findings"].append(finding(f, source, resource))
    return out
