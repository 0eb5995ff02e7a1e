"""Lower layers never import upper ones: the import graph of our packages, every import statement counted
(also the ones inside functions), checked against the layer order docs/architecture.md documents."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# Lowest first. Packages in one layer are siblings and may not import each other.
LAYERS: list[set[str]] = [
    {"config"},  # the one Settings, read once
    {"graph"},  # driver, declarative schemas, embedded Neo4j
    {"history"},  # runs, history records, drift, retention; the post-ingest step registry
    {"ingest", "queries"},  # loaders; controls and findings
    {"analysis"},  # privileges, exposure, nightly report
    {"pipeline"},  # ingest -> history -> post-ingest steps -> finish; analyze
    {"appdb"},  # the API's application state: keys, audit log
    {"api"},
    {"cli"},
]
# Not implied by the order: the analyses may name ingest's module objects (which modules feed a step, by
# object so a rename cannot silently stop a recompute) but never its machinery: no ingest.core / runner.
ANALYSIS_MUST_NOT_IMPORT = ("ingest.core", "ingest.runner", "ingest.registry", "ingest.sources")
RANK = {pkg: i for i, layer in enumerate(LAYERS) for pkg in layer}


def imports() -> set[tuple[str, str, str]]:
    """(importing package, imported package, file) for every import between two of our packages."""
    out: set[tuple[str, str, str]] = set()
    for pkg in RANK:
        for path in (REPO / pkg).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top in RANK and top != pkg:
                        out.add((pkg, top, str(path.relative_to(REPO))))
    return out


def test_every_package_of_the_repo_has_a_layer() -> None:
    ours = {p.parent.name for p in REPO.glob("*/__init__.py")} - {"tests", "bench", "scripts"}
    assert ours == set(RANK)


def test_no_upward_or_sideways_import() -> None:
    bad = sorted(f"{path}: {src} imports {dst}" for src, dst, path in imports() if RANK[dst] >= RANK[src])
    assert bad == []


def test_analyses_name_ingest_modules_but_never_run_ingest() -> None:
    bad = []
    for path in (REPO / "analysis").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else ([node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            )
            bad += [f"{path.relative_to(REPO)}: {n}" for n in names if n.startswith(ANALYSIS_MUST_NOT_IMPORT)]
    assert bad == []


def test_the_check_sees_imports() -> None:
    """The graph is not empty and holds the edges the layering is about (a broken walk would pass above)."""
    edges = {(src, dst) for src, dst, _ in imports()}
    expected = {("pipeline", "analysis"), ("pipeline", "ingest"), ("ingest", "history"), ("api", "appdb")}
    assert expected <= edges
