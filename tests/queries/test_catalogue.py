"""Catalogue validation: the loader refuses bad controls, naming each (tmp folders; Neo4j for EXPLAIN)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from graph import driver
from queries.catalogue import DEFAULT_ROOT, CatalogueError, explain_errors, load_catalogue
from queries.models import Control

TEMPLATE = "ebs_volume_unencrypted"


def _copy(root: Path, name: str = TEMPLATE, as_name: str | None = None) -> Path:
    dest = root / (as_name or name)
    shutil.copytree(DEFAULT_ROOT / name, dest)
    return dest


def _edit_meta(folder: Path, **changes: object) -> None:
    meta = yaml.safe_load((folder / "control.yaml").read_text())
    meta.update(changes)
    (folder / "control.yaml").write_text(yaml.safe_dump(meta, sort_keys=False))


def _errors(root: Path, session=None) -> list[str]:  # noqa: ANN001
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(root, session=session)
    return exc.value.errors


def test_real_catalogue_loads_and_every_id_matches_its_folder() -> None:
    catalogue = load_catalogue()
    assert all(c.id == c.folder.name for c in catalogue)


def test_unknown_key_is_refused(tmp_path: Path) -> None:
    _edit_meta(_copy(tmp_path), severty="high")
    errors = _errors(tmp_path)
    assert any(e.startswith(TEMPLATE) and "severty" in e for e in errors), errors


def test_unknown_framework_key_is_refused(tmp_path: Path) -> None:
    _edit_meta(_copy(tmp_path), frameworks={"cis_oracle": ["1.1"]})
    assert any(TEMPLATE in e and "cis_oracle" in e for e in _errors(tmp_path))


@pytest.mark.parametrize(
    ("key", "value"), [("cis_gcp", "CIS-3.6"), ("cis_gcp", "3"), ("cis_aws", "v1.4"), ("csa_ccm", "IVS3")]
)
def test_malformed_framework_id_is_refused(tmp_path: Path, key: str, value: str) -> None:
    _edit_meta(_copy(tmp_path), frameworks={key: [value]})
    errors = _errors(tmp_path)
    assert any(e.startswith(f"{TEMPLATE}: frameworks.{key}") and value in e for e in errors), errors


def test_cis_gcp_ids_are_accepted_and_rendered(tmp_path: Path) -> None:
    _edit_meta(_copy(tmp_path), frameworks={"cis_gcp": ["3.6", "4.2"], "csa_ccm": ["IVS-03"]})
    frameworks = load_catalogue(tmp_path).get(TEMPLATE).meta.frameworks
    assert frameworks.references() == ["CIS GCP 3.6", "CIS GCP 4.2", "CSA CCM IVS-03"]
    assert frameworks.references(short=True) == ["CIS GCP 3.6", "CIS GCP 4.2", "CCM IVS-03"]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("severity", "urgent"),
        ("domain", "Security"),
        ("maturity", 6),
        ("csf_function", "Prevent"),
        ("layer", "gcp"),
    ],
)
def test_bad_enum_values_are_refused(tmp_path: Path, key: str, value: object) -> None:
    _edit_meta(_copy(tmp_path), **{key: value})
    errors = _errors(tmp_path)
    assert any(e.startswith(f"{TEMPLATE}: {key}") for e in errors), errors


def test_id_not_matching_folder_is_refused(tmp_path: Path) -> None:
    _copy(tmp_path, as_name="ebs_volume_other")
    errors = _errors(tmp_path)
    assert any("ebs_volume_other" in e and "does not match its folder" in e for e in errors), errors


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    _copy(tmp_path)
    _copy(tmp_path, as_name="ebs_volume_unencrypted_copy")
    errors = _errors(tmp_path)
    assert any(e.startswith(f"{TEMPLATE}: duplicate id") for e in errors), errors


def test_non_snake_case_id_is_refused(tmp_path: Path) -> None:
    _edit_meta(_copy(tmp_path, as_name="EbsVolume"), id="EbsVolume")
    assert any("snake_case" in e for e in _errors(tmp_path))


def test_write_clause_is_refused_statically(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "query.cypher").write_text(
        "MATCH (v:AWSEBSVolume) SET v.encrypted = true "
        "RETURN v.id AS asset_id, v.id AS asset_name, 'x' AS label, "
        "'x' AS scope, 'x' AS reason"
    )
    assert any(e.startswith(TEMPLATE) and "write clause" in e for e in _errors(tmp_path))


def test_write_words_inside_strings_and_comments_are_not_clauses(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "query.cypher").write_text(
        "// delete nothing, set nothing\n"
        "MATCH (v:AWSEBSVolume) RETURN v.id AS asset_id, v.id AS asset_name, 'x' AS label, "
        "'x' AS scope, 'key not set; \\'merge\\' or DELETE pending' AS reason"
    )
    assert len(load_catalogue(tmp_path)) == 1


@pytest.mark.parametrize("pattern", ["*", "*2..", "*..5", "*1..4", "*5"])
def test_unbounded_variable_length_is_refused(tmp_path: Path, pattern: str) -> None:
    folder = _copy(tmp_path)
    (folder / "query.cypher").write_text(
        f"MATCH (v:AWSEBSVolume)-[:ATTACHED_TO{pattern}]->(i) RETURN v.id AS asset_id, v.id AS asset_name, "
        "'x' AS label, 'x' AS scope, 'x' AS reason"
    )
    assert any("variable-length" in e for e in _errors(tmp_path))


def test_bounded_variable_length_is_accepted(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "query.cypher").write_text(
        "MATCH (v:AWSEBSVolume)-[:ATTACHED_TO*1..3]->(i) RETURN v.id AS asset_id, v.id AS asset_name, "
        "'x' AS label, 'x' AS scope, 'x' AS reason"
    )
    assert len(load_catalogue(tmp_path)) == 1


def test_undeclared_parameter_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "query.cypher").write_text(
        "MATCH (v:AWSEBSVolume) WHERE v.size > $min_size RETURN v.id AS asset_id, v.id AS asset_name, "
        "'x' AS label, 'x' AS scope, 'x' AS reason"
    )
    assert any("$min_size" in e for e in _errors(tmp_path))


def test_missing_query_file_is_refused(tmp_path: Path) -> None:
    (_copy(tmp_path) / "evaluated.cypher").unlink()
    assert any(e == f"{TEMPLATE}: evaluated.cypher is missing" for e in _errors(tmp_path))


def test_query_failing_explain_is_refused(neo4j: str, tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "query.cypher").write_text("MATCH (v:AWSEBSVolume RETURN v")
    with driver.session(read_only=True) as s:
        errors = _errors(tmp_path, session=s)
    assert any(e.startswith(f"{TEMPLATE}: query.cypher fails EXPLAIN") for e in errors), errors


def test_query_missing_result_columns_is_refused(neo4j: str, tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "query.cypher").write_text("MATCH (v:AWSEBSVolume) RETURN v.id AS asset_id")
    with driver.session(read_only=True) as s:
        errors = _errors(tmp_path, session=s)
    assert any("does not return column(s)" in e and "reason" in e for e in errors), errors


def test_non_read_only_query_is_refused_by_explain(neo4j: str) -> None:
    # Bypasses the static check on purpose: the planner's query_type is the authority.
    template = load_catalogue().get(TEMPLATE)
    writer = Control(
        template.meta,
        "MATCH (v:AWSEBSVolume) DETACH DELETE v RETURN 'x' AS asset_id, "
        "'x' AS asset_name, 'x' AS label, 'x' AS scope, 'x' AS reason",
        template.evaluated_query,
        template.folder,
    )
    with driver.session() as s:
        errors = explain_errors(writer, s)
    assert any(e.startswith(TEMPLATE) and "not read-only" in e for e in errors), errors


def test_whole_catalogue_passes_explain(neo4j: str) -> None:
    with driver.session(read_only=True) as s:
        assert len(load_catalogue(session=s)) >= 40
