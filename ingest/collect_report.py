"""The report of a live collector that writes one scope's snapshot files (GCP organization / project, Azure
tenant): what the CLI prints and which exit code it gives. One shape, so `invgraph collect gcp` and
`invgraph collect azure` answer alike (AWS has its own, richer report: ingest/aws/collect/report.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ScopeCollectReport:
    scope: str
    collected_at: str
    files_written: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        # Some files and some errors: partial (what was written still loads); no file at all: failed.
        return "ok" if not self.errors else ("partial" if self.files_written else "failed")

    @property
    def exit_code(self) -> int:
        return {"ok": 0, "partial": 2}.get(self.status, 1)

    def as_json(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "status": self.status,
            "files_written": self.files_written,
            "errors": self.errors,
            "collected_at": self.collected_at,
        }
