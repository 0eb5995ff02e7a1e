"""A roadmap task, the spreadsheet's columns, and how their values are normalised.

The columns are those of the roadmap spreadsheet; any other column of an imported file is kept as it was
(``extra``), in its place, and written back on export.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Spreadsheet header → task field, in the order the default export writes them.
COLUMNS: dict[str, str] = {
    "Domain": "domain",
    "Control": "control",
    "Task": "task",
    "Description": "description",
    "Status": "status",
    "Priority": "priority",
    "Maturity": "maturity",
    "Layer": "layer",
    "Epic": "epic",
    "Deliverable": "deliverable",
    "Artifact": "artifact",
    "Useful Resources": "useful_resources",
    "Metrics": "metrics",
    "CSA CCM": "csa_ccm",
    "Controls": "controls",
}
REQUIRED = ("Domain", "Task", "Priority", "Layer")
# Columns the export adds; an exported file imported again has them recomputed, not kept as extras.
DERIVED = ("Status Source", "Linked Controls")
STATUSES = ("NOT STARTED", "IN PROGRESS", "BLOCKED", "DONE")
# How the spreadsheet may name a layer → our Layer values (queries.models.Layer).
LAYER_NAMES = {
    "cloud": "cloud",
    "cloud provider": "cloud",
    "kubernetes": "kubernetes",
    "k8s": "kubernetes",
    "both": "both",
    "cloud provider & kubernetes": "both",
    "cloud provider and kubernetes": "both",
    "cloud & kubernetes": "both",
    "cloud and kubernetes": "both",
}
LAYER_LABELS = {"cloud": "Cloud provider", "kubernetes": "Kubernetes", "both": "Both"}


@dataclass
class RoadmapTask:
    domain: str
    task: str
    priority: int  # the maturity level 1–5 the task belongs to
    layer: str  # cloud | kubernetes | both
    control: str = ""
    description: str = ""
    status: str = "NOT STARTED"  # as given (manual); export derives it from evidence where it can
    maturity: str = ""
    epic: str = ""
    deliverable: str = ""
    artifact: str = ""
    useful_resources: str = ""
    metrics: str = ""
    csa_ccm: list[str] = field(default_factory=list)
    controls: list[str] = field(default_factory=list)  # explicit control ids (the Controls column)
    extra: dict[str, str] = field(default_factory=dict)  # columns we do not know, kept as they came

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RoadmapTask:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d and d[k] is not None})


@dataclass
class Roadmap:
    tasks: list[RoadmapTask]
    columns: list[str]  # header order of the source file (known and extra columns)
    source: str  # file name, or "built-in"
    imported_at: str | None = None  # None: the built-in roadmap
