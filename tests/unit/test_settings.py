"""The one Settings (config/): flat environment names per section, values given in code win, one validation,
every variable documented, and no module reads the environment when it is imported."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from pydantic import ValidationError

from config import Settings, env_name, env_names, get_settings, set_settings
from config.settings import sections

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("config", "graph", "ingest", "queries", "analysis", "appdb", "api", "cli", "history", "pipeline")


@pytest.fixture()
def fresh(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Settings read again from the (monkeypatched) environment, and again after the test."""
    set_settings(None)
    yield monkeypatch
    monkeypatch.undo()
    set_settings(None)


def test_each_variable_names_one_setting() -> None:
    fields = sum(len(model.model_fields) for model in sections().values())
    assert len(env_names()) == fields, "two sections map a field to the same environment variable"
    assert env_name("neo4j", "uri") == "NEO4J_URI"
    assert env_name("api", "cypher_max_rows") == "INVGRAPH_CYPHER_MAX_ROWS"
    assert env_name("retention", "daily") == "INVGRAPH_RETENTION_DAILY"
    assert env_names()["INVGRAPH_APP_DB_URL"] == ("appdb", "app_db_url")


def test_flat_environment_names_fill_the_sections(fresh: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fresh.setenv("NEO4J_URI", "neo4j://db.example:7687")
    fresh.setenv("neo4j_user", "reader")  # case-insensitive, as pydantic-settings always was
    fresh.setenv("INVGRAPH_CYPHER_MAX_ROWS", "5000")
    fresh.setenv("INVGRAPH_RETENTION_WEEKLY", "3")
    fresh.setenv("INVGRAPH_CROWN_JEWEL_LABELS", "S3Bucket, RDSInstance")
    fresh.setenv("INVGRAPH_CROWN_JEWEL_IDS", '["arn:aws:s3:::a", "arn:aws:s3:::b"]')
    fresh.setenv("INVGRAPH_MAX_INPUT_BYTES", "1024")
    fresh.setenv("INVGRAPH_NEO4J_DATA", str(tmp_path / "store"))
    fresh.setenv("INVGRAPH_CACHE_DIR", "")  # empty means unset, as before
    s = get_settings()
    assert (s.neo4j.uri, s.neo4j.user, s.neo4j.database) == ("neo4j://db.example:7687", "reader", "neo4j")
    assert (s.api.cypher_max_rows, s.api.cypher_default_rows) == (5000, 1000)
    assert (s.retention.daily, s.retention.weekly) == (14, 3)
    assert s.exposure.crown_jewel_labels == ("S3Bucket", "RDSInstance")
    assert s.exposure.crown_jewel_ids == ("arn:aws:s3:::a", "arn:aws:s3:::b")
    assert s.ingest.max_input_bytes == 1024
    assert s.embedded.data_dir() == tmp_path / "store"
    assert s.embedded.cache_dir is None
    assert get_settings() is s  # read once


def test_values_given_in_code_win_field_by_field(fresh: pytest.MonkeyPatch) -> None:
    fresh.setenv("NEO4J_URI", "bolt://from-env:7687")
    fresh.setenv("NEO4J_USER", "env-user")
    s = Settings(neo4j={"uri": "bolt://from-cli:7687", "connect_wait": 3})
    assert (s.neo4j.uri, s.neo4j.user, s.neo4j.connect_wait) == ("bolt://from-cli:7687", "env-user", 3.0)
    set_settings(s)
    assert get_settings() is s


def test_one_bad_value_refuses_the_whole_settings(fresh: pytest.MonkeyPatch) -> None:
    fresh.setenv("INVGRAPH_CYPHER_DEFAULT_ROWS", "20")
    fresh.setenv("INVGRAPH_CYPHER_MAX_ROWS", "10")
    fresh.setenv("INVGRAPH_EXPOSURE_MAX_HOPS", "99")
    with pytest.raises(ValidationError) as err:
        get_settings()
    locs = {e["loc"][:2] for e in err.value.errors()}
    assert locs == {("api",), ("exposure", "exposure_max_hops")}
    assert "INVGRAPH_CYPHER_DEFAULT_ROWS must not exceed INVGRAPH_CYPHER_MAX_ROWS" in str(err.value)


def test_every_variable_is_documented() -> None:
    docs = (REPO / "README.md").read_text() + "".join(p.read_text() for p in (REPO / "docs").glob("*.md"))
    missing = [name for name in env_names() if f"`{name}`" not in docs]
    assert not missing, f"settings missing from README.md / docs/*.md: {missing}"


def _reads_environment(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Attribute)
        and n.attr in ("environ", "getenv")
        and isinstance(n.value, ast.Name)
        and n.value.id == "os"
        for n in ast.walk(node)
    )


def test_no_module_reads_the_environment_when_imported() -> None:
    offenders = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")) if (REPO / package).is_dir() else []:
            tree = ast.parse(path.read_text(), str(path))
            for stmt in tree.body:  # module level only: functions read settings when they run
                if not isinstance(
                    stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                ) and _reads_environment(stmt):
                    offenders.append(f"{path.relative_to(REPO)}:{stmt.lineno}")
    assert not offenders, f"environment read at import time: {offenders}"
