"""Our own bookkeeping labels: nodes about runs, changes and analyses, never assets.

The one registry of them. History's snapshot pass skips them (history/snapshot.py), the tests leave them out
of asset dumps (tests/acceptance/support.py), and docs/schema.md lists them (tests/test_bookkeeping_labels.py
keeps its table equal to this one). A label that is not here is an asset's label.
"""

from __future__ import annotations

from collections.abc import Iterable

# label -> the module that owns it (writes it; for the old labels, moves them out of the graph)
BOOKKEEPING_LABELS: dict[str, str] = {
    "IngestRun": "history/runs.py",
    "IngestModuleRun": "history/runs.py",
    "AssetChange": "history/records.py",
    "RelChange": "history/records.py",
    "AssetState": "history/snapshot.py",
    "HistorySnapshot": "history/snapshot.py",
    "ControlRun": "queries/findings.py",
    "ControlResult": "queries/findings.py",
    "Finding": "queries/findings.py",
    "Roadmap": "queries/roadmap/store.py",
    "RoadmapTask": "queries/roadmap/store.py",
    "PrincipalPermissions": "analysis/privileges/store.py",
    "GrantDocument": "analysis/privileges/store.py",
    "PrincipalUsage": "analysis/privileges/usage_store.py",
    "ExposureRun": "analysis/exposure/store.py",
    "ExposureNode": "analysis/exposure/store.py",
    "ExposedAsset": "analysis/exposure/store.py",
    "ExposureEdge": "analysis/exposure/store.py",
    "SchedulerLease": "pipeline/lease.py",
    # Labels of older versions: the API's start-up moves them to the application database (appdb/).
    "ApiKey": "appdb/graph_import.py",
    "AuditEvent": "appdb/graph_import.py",
}


def is_bookkeeping_node(labels: Iterable[str]) -> bool:
    return any(label in BOOKKEEPING_LABELS for label in labels)
