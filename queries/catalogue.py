"""Load and validate the control catalogue (``queries/controls/<id>/``).

Prowler's rule: the code refuses a control whose id, folder and metadata disagree. Every problem found is
collected (one message per problem, each naming its control) and raised together, so a broken catalogue
shows all of its faults at start-up rather than one per restart.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from neo4j import Session
from pydantic import ValidationError

from queries.models import RESULT_COLUMNS, Control, ControlMeta
from queries.runner import unknown_query
from queries.static_checks import parameters_used, read_only_errors

DEFAULT_ROOT = Path(__file__).resolve().parent / "controls"
# Supplied by the runner, never by a control's defaults: "now" keeps time-dependent controls reproducible.
RUNTIME_PARAMETERS = frozenset({"now"})


class CatalogueError(Exception):
    """Every validation problem of the catalogue; each message starts with the control it concerns."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("invalid control catalogue:\n  " + "\n  ".join(errors))


@dataclass
class Catalogue:
    controls: dict[str, Control] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Control]:
        return iter(self.controls[k] for k in sorted(self.controls))

    def __len__(self) -> int:
        return len(self.controls)

    def get(self, control_id: str) -> Control:
        try:
            return self.controls[control_id]
        except KeyError:
            raise KeyError(f"unknown control {control_id!r}") from None


def _static_checks(meta: ControlMeta, name: str, query: str) -> list[str]:
    errors = read_only_errors(meta.id, name, query)
    for param in sorted(parameters_used(query) - set(meta.parameters) - RUNTIME_PARAMETERS):
        errors.append(
            f"{meta.id}: {name} uses ${param}, which is neither a declared parameter nor supplied "
            f"by the runner ({', '.join(sorted(RUNTIME_PARAMETERS))})"
        )
    return errors


def _load_one(folder: Path) -> tuple[Control | None, list[str]]:
    name = folder.name
    meta_file = folder / "control.yaml"
    if not meta_file.is_file():
        return None, [f"{name}: control.yaml is missing"]
    try:
        raw = yaml.safe_load(meta_file.read_text())
    except yaml.YAMLError as exc:
        return None, [f"{name}: control.yaml is not valid YAML: {exc}"]
    if not isinstance(raw, dict):
        return None, [f"{name}: control.yaml must be a mapping"]
    try:
        meta = ControlMeta.model_validate(raw)
    except ValidationError as exc:
        return None, [f"{name}: {'.'.join(map(str, e['loc'])) or '<root>'}: {e['msg']}" for e in exc.errors()]
    errors: list[str] = []
    if meta.id != name:
        errors.append(f"{name}: metadata id {meta.id!r} does not match its folder name {name!r}")
    queries: dict[str, str] = {}
    for fname in ("query.cypher", "evaluated.cypher"):
        path = folder / fname
        if not path.is_file():
            errors.append(f"{meta.id}: {fname} is missing")
            continue
        queries[fname] = path.read_text()
        errors += _static_checks(meta, fname, queries[fname])
    if len(queries) < 2:
        return None, errors
    has_unknown = (folder / "fixtures" / "unknown.yaml").is_file()
    if meta.requires and not has_unknown:
        errors.append(f"{meta.id}: declares `requires` but has no fixtures/unknown.yaml")
    if has_unknown and not meta.requires:
        errors.append(f"{meta.id}: has fixtures/unknown.yaml but declares no `requires`")
    fixtures = {
        k: folder / "fixtures" / f"{k}.yaml"
        for k in ("fail", "pass", "unknown")
        if (folder / "fixtures" / f"{k}.yaml").is_file()
    }
    # Returned even when it has errors, so that a mis-named copy is also reported as a duplicate id.
    return Control(meta, queries["query.cypher"], queries["evaluated.cypher"], folder, fixtures), errors


def load_catalogue(root: Path = DEFAULT_ROOT, session: Session | None = None) -> Catalogue:
    """Load every control under ``root``; with a session, also have Neo4j plan every query."""
    errors: list[str] = []
    catalogue = Catalogue()
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    for folder in folders:
        control, problems = _load_one(folder)
        errors += problems
        if control is None:
            continue
        if control.id in catalogue.controls:
            errors.append(
                f"{control.id}: duplicate id (folders {catalogue.controls[control.id].folder.name} "
                f"and {folder.name})"
            )
            continue
        catalogue.controls[control.id] = control
    if session is not None:
        for control in catalogue:
            errors += explain_errors(control, session)
    if errors:
        raise CatalogueError(errors)
    return catalogue


def explain_errors(control: Control, session: Session) -> list[str]:
    """Plan both queries with EXPLAIN: they must compile, be read-only ('r') and return the contract."""
    errors = []
    params = {k: None for k in (*control.meta.parameters, *RUNTIME_PARAMETERS)}
    for name, query, required in (
        ("query.cypher", control.query, set(RESULT_COLUMNS)),
        ("evaluated.cypher", control.evaluated_query, {"evaluated"}),
    ):
        try:
            result = session.run("EXPLAIN " + query, params)
            columns = set(result.keys())
            summary = result.consume()
        except Exception as exc:  # noqa: BLE001 - any planner error is reported against the control
            errors.append(f"{control.id}: {name} fails EXPLAIN: {getattr(exc, 'message', None) or exc}")
            continue
        if summary.query_type != "r":
            errors.append(f"{control.id}: {name} is not read-only (query_type {summary.query_type!r})")
        missing = required - columns
        if missing:
            errors.append(f"{control.id}: {name} does not return column(s) {sorted(missing)}")
        if name == "query.cypher" and not set(control.meta.identity) <= columns:
            errors.append(
                f"{control.id}: identity fields {sorted(set(control.meta.identity) - columns)} "
                "are not result columns"
            )
    for req in control.meta.requires:
        query, req_params = unknown_query(req)
        try:
            session.run("EXPLAIN " + query, req_params).consume()
        except Exception as exc:  # noqa: BLE001 - reported against the control like the queries
            errors.append(f"{control.id}: requires {req.label} fails EXPLAIN: {exc}")
    return errors
