"""Roadmap use cases for the CLI and the API: import a CSV, export with evidence, the roadmap in force."""

from __future__ import annotations

import json
from pathlib import Path

from queries.catalogue import Catalogue, load_catalogue
from queries.roadmap import store
from queries.roadmap.csvio import parse_csv, write_csv
from queries.roadmap.default import default_roadmap
from queries.roadmap.evidence import recent_runs
from queries.roadmap.linking import export_rows, linked_controls
from queries.roadmap.model import Roadmap


def current(catalogue: Catalogue) -> Roadmap:
    """The imported roadmap, else the built-in one."""
    return store.load() or default_roadmap(catalogue)


def import_csv(path: Path, catalogue: Catalogue | None = None, dry_run: bool = False) -> dict[str, int]:
    """Parse ``path`` (raises csvio.RoadmapCsvError naming line and column) and store it unless dry_run."""
    catalogue = catalogue or load_catalogue()
    tasks, columns = parse_csv(path.read_bytes(), path.name, catalogue.controls)
    roadmap = Roadmap(tasks, columns, path.name)
    if not dry_run:
        store.save(roadmap)
    linked = sum(bool(linked_controls(t, catalogue.controls)) for t in tasks)
    return {"tasks": len(tasks), "linked": linked, "manual": len(tasks) - linked}


def export(fmt: str = "csv", window: int = 3, catalogue: Catalogue | None = None, bom: bool = False) -> str:
    """The roadmap in force with Status and Metrics from the last ``window`` control runs."""
    catalogue = catalogue or load_catalogue()
    roadmap = current(catalogue)
    header, rows = export_rows(roadmap, catalogue, recent_runs(limit=max(window, 1)), window)
    if fmt == "csv":
        return write_csv(header, rows, bom=bom)
    doc = {"source": roadmap.source, "imported_at": roadmap.imported_at, "columns": header, "tasks": rows}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
