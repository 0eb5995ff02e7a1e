"""OCSF 1.x Compliance Finding (class 2003) events, built and validated with py-ocsf-models.

One event per finding: ``finding_info.uid`` is our stable finding id (the same asset failing again is the
same finding), ``metadata.uid`` names this event (finding id + control run). Activity: Create for a new
finding, Close for one this run resolved, Update otherwise. Status: New (open), Suppressed (muted or
accepted), Resolved. Times are epoch milliseconds, as OCSF's timestamp_t.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from py_ocsf_models.events.findings.activity_id import ActivityID
from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding
from py_ocsf_models.events.findings.compliance_finding_type_id import ComplianceFindingTypeID
from py_ocsf_models.events.findings.severity_id import SeverityID
from py_ocsf_models.events.findings.status_id import StatusID
from py_ocsf_models.objects.compliance import Compliance
from py_ocsf_models.objects.compliance_status import StatusID as ComplianceStatusID
from py_ocsf_models.objects.finding_info import FindingInformation
from py_ocsf_models.objects.metadata import Metadata
from py_ocsf_models.objects.product import Product
from py_ocsf_models.objects.remediation import Remediation
from py_ocsf_models.objects.resource_details import ResourceDetails

from queries.export.records import PRODUCT, VENDOR, VERSION, ExportFinding

SEVERITY = {
    "critical": SeverityID.Critical,
    "high": SeverityID.High,
    "medium": SeverityID.Medium,
    "low": SeverityID.Low,
    "info": SeverityID.Informational,
}


def _ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def _activity(f: ExportFinding) -> ActivityID:
    if not f.active:
        return ActivityID.Close
    return ActivityID.Create if f.lifecycle == "new" else ActivityID.Update


def _status(f: ExportFinding) -> StatusID:
    if not f.active:
        return StatusID.Resolved
    return StatusID.Suppressed if f.suppression else StatusID.New


def event(f: ExportFinding) -> ComplianceFinding:
    """The validated OCSF event of one finding (pydantic raises on a field the schema refuses)."""
    m = f.control.meta
    activity, status = _activity(f), _status(f)
    return ComplianceFinding(
        activity_id=activity,
        activity_name=activity.name,
        type_uid=ComplianceFindingTypeID(200300 + activity.value),
        type_name=f"Compliance Finding: {activity.name}",
        severity_id=SEVERITY[m.severity.value],
        severity=SEVERITY[m.severity.value].name,
        status_id=status,
        status=status.name,
        status_detail=f"{f.suppression}: {f.suppression_reason}" if f.suppression else f.lifecycle,
        message=f.summary,
        time=_ms(f.run_at),
        metadata=Metadata(
            uid=f"{f.id}:{f.run_id}",
            product=Product(name=PRODUCT, vendor_name=VENDOR, version=VERSION),
            labels=[m.domain.value, m.layer.value],
        ),
        finding_info=FindingInformation(
            uid=f.id,
            title=m.title,
            desc=f"{m.description} {f.summary}",
            types=[m.domain.value, m.csf_function.value],
            created_time=_ms(f.first_seen),
            first_seen_time=_ms(f.first_seen),
            last_seen_time=_ms(f.last_seen),
            modified_time=_ms(f.run_at),
        ),
        compliance=Compliance(
            control=m.id,
            desc=m.description,
            category=m.domain.value,
            standards=m.frameworks.references() or None,
            requirements=[m.roadmap_control],
            status_id=ComplianceStatusID.Pass if not f.active else ComplianceStatusID.Fail,
        ),
        remediation=Remediation(desc=m.remediation),
        resources=[
            ResourceDetails(
                uid=f.asset_id,
                name=f.asset_name,
                type=f.label,
                group=None,
                data={"scope": f.scope},
            )
        ],
        unmapped={
            "invgraph": {
                "control_run_id": f.run_id,
                "lifecycle": f.lifecycle,
                "maturity": m.maturity,
                "roadmap_control": m.roadmap_control,
                "reason": f.reason,
            }
        },
    )


def to_ocsf(findings: list[ExportFinding]) -> list[dict[str, Any]]:
    """JSON-ready events (unset optional fields left out)."""
    return [event(f).model_dump(mode="json", exclude_none=True) for f in findings]
