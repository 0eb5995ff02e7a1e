"""Helpers shared by the widget modules: the common header fields, label checks, control metadata."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from api.widgets.cache import RunMarker
from graph import driver
from queries.catalogue import load_catalogue

_LABEL = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def header(
    widget: str, marker: RunMarker, available: bool = True, reason: str | None = None
) -> dict[str, Any]:
    """The `WidgetBase` fields; unpacked into each widget's model."""
    return {
        "widget": widget,
        "available": available,
        "reason": None if available else reason,
        "ingest_run_id": marker.ingest_run_id,
        "control_run_id": marker.control_run_id,
        "computed_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
    }


def labels_present(*labels: str) -> set[str]:
    """Which of `labels` have at least one node: how a widget finds out whether an analysis has ever
    written data. One `EXISTS` per label, each a label-index probe that stops at the first node."""
    for label in labels:
        if not _LABEL.match(label):  # labels are our own constants; refuse anything else outright
            raise ValueError(f"not a label: {label!r}")
    probes = ", ".join(f"CASE WHEN EXISTS {{ MATCH (:`{label}`) }} THEN '{label}' END" for label in labels)
    rows = driver.read(f"RETURN [x IN [{probes}] WHERE x IS NOT NULL] AS present")
    return set(rows[0]["present"]) if rows else set()


@dataclass(frozen=True)
class ControlInfo:
    title: str
    severity: str
    domain: str
    maturity: int


_controls: dict[str, ControlInfo] | None = None
_controls_lock = threading.Lock()


def controls() -> dict[str, ControlInfo]:
    """Control id → metadata from the catalogue (files in the repo: loaded once per process)."""
    global _controls
    with _controls_lock:
        if _controls is None:
            _controls = {
                c.id: ControlInfo(c.meta.title, c.meta.severity.value, c.meta.domain.value, c.meta.maturity)
                for c in load_catalogue()
            }
        return _controls
