"""SARIF 2.1.0 rendering: rules are controls, results are failing assets (logical locations).

An asset the control could not decide (its required properties were not collected) is a result of kind
``open`` ("not enough information to decide", level ``none``); an erroring control is a tool execution
notification carrying the error message.

Assets are not files, so results carry ``logicalLocations`` (the asset id as fully qualified name) rather
than physical ones; ``partialFingerprints`` carry the stable finding id so code-scanning UIs track a
finding across runs exactly as our lifecycle does.
"""

from __future__ import annotations

from typing import Any

from queries.findings import finding_id
from queries.models import SECURITY_SEVERITY, Control
from queries.report import unknown_reason

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}


def _rule(control: Control) -> dict[str, Any]:
    m = control.meta
    refs = m.frameworks.references()
    return {
        "id": m.id,
        "name": "".join(part.capitalize() for part in m.id.split("_")),
        "shortDescription": {"text": m.title},
        "fullDescription": {"text": m.description},
        "help": {
            "text": f"{m.rationale}\n\nRemediation: {m.remediation}",
            "markdown": f"{m.rationale}\n\n**Remediation:** {m.remediation}",
        },
        "defaultConfiguration": {"level": _LEVEL[m.severity.value]},
        "properties": {
            "security-severity": SECURITY_SEVERITY[m.severity.value],
            "severity": m.severity.value,
            "tags": ["security", m.layer.value, m.domain.value, m.csf_function.value, *refs],
            "domain": m.domain.value,
            "roadmap_control": m.roadmap_control,
            "maturity": m.maturity,
            "csf_function": m.csf_function.value,
            "frameworks": {k: v for k, v in m.frameworks.model_dump().items() if v},
        },
    }


def to_sarif(
    report: dict[str, Any],
    controls: dict[str, Control],
    version: str = "0.1.0",
    suppressions: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """``suppressions``: finding id → stored finding with suppression, reason, author (muted/accepted)."""
    suppressions = suppressions or {}
    ran = [controls[c["id"]] for c in report["controls"]]
    index = {c.id: i for i, c in enumerate(ran)}
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for c in report["controls"]:
        control = controls[c["id"]]
        if c["status"] == "error":
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": f"control {c['id']} failed to run: {c.get('error') or 'error'}"},
                    "descriptor": {"id": c["id"], "index": index[c["id"]]},
                }
            )
        for f in c["findings"]:
            fid = finding_id(control.id, {k: f.get(k) for k in control.meta.identity})
            result: dict[str, Any] = {
                "ruleId": control.id,
                "ruleIndex": index[control.id],
                "level": _LEVEL[control.meta.severity.value],
                "message": {
                    "text": f"{f['label']} {f['asset_name']} ({f['asset_id']}) in {f['scope']}: {f['reason']}"
                },
                "locations": [
                    {
                        "logicalLocations": [
                            {
                                "name": str(f["asset_name"]),
                                "fullyQualifiedName": str(f["asset_id"]),
                                "kind": "resource",
                                "properties": {"label": f["label"], "scope": f["scope"]},
                            }
                        ]
                    }
                ],
                "partialFingerprints": {"invgraphFindingId/v1": fid},
                "properties": {"state": f["state"], "finding_id": fid},
            }
            stored = suppressions.get(fid)
            if stored and stored.get("suppression"):
                result["suppressions"] = [
                    {
                        "kind": "external",
                        "status": "accepted",
                        "justification": f"{stored['suppression']} by {stored.get('suppression_author')} "
                        f"until "
                        f"{stored.get('suppressed_until')}: {stored.get('suppression_reason')}",
                    }
                ]
            results.append(result)
        for u in c.get("unknowns", []):
            results.append(
                {
                    "ruleId": control.id,
                    "ruleIndex": index[control.id],
                    "kind": "open",
                    "level": "none",
                    "message": {
                        "text": f"{u['label']} {u['asset_name']} ({u['asset_id']}) in {u['scope']}: "
                        f"undecided, {unknown_reason(u)}"
                    },
                    "locations": [
                        {
                            "logicalLocations": [
                                {
                                    "name": str(u["asset_name"]),
                                    "fullyQualifiedName": str(u["asset_id"]),
                                    "kind": "resource",
                                    "properties": {"label": u["label"], "scope": u["scope"]},
                                }
                            ]
                        }
                    ],
                    "properties": {"state": "unknown", "missing": u["missing"]},
                }
            )
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "invgraph-controls",
                        "version": version,
                        "rules": [_rule(c) for c in ran],
                    }
                },
                "automationDetails": {"id": f"invgraph-controls/{report['run_id']}"},
                "invocations": [
                    {"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}
                ],
                "results": results,
            }
        ],
    }
