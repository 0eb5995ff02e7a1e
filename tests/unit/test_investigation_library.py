"""Loading the investigation library refuses what would be unsafe or misleading, each problem named;
caller parameters are bound by declared type. No database: the Neo4j side is in
tests/queries/test_investigations.py."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from queries.library import DEFAULT_ROOT, LibraryError, ParameterError, bind, load_library, parse_text

GOOD_META = {
    "id": "q",
    "title": "T",
    "description": "D",
    "providers": ["aws"],
    "parameters": [
        {"name": "account", "type": "string", "description": "An account."},
        {"name": "days", "type": "int", "description": "Days.", "default": 7},
        {"name": "ratio", "type": "float", "description": "A ratio.", "default": 0.5},
        {"name": "deep", "type": "bool", "description": "Deep?", "default": False},
    ],
}
GOOD_QUERY = (
    "MATCH (a:AWSAccount {id: $account}) WHERE $days > 0 AND $ratio < 1 AND $deep IN [true, false] RETURN a"
)


def _folder(
    root: Path, name: str, meta: dict | None = None, query: str = GOOD_QUERY, expected: bool = True
) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "investigation.yaml").write_text(yaml.safe_dump({**GOOD_META, "id": name, **(meta or {})}))
    (folder / "query.cypher").write_text(query)
    if expected:
        (folder / "expected.yaml").write_text("cases: []\n")
    return folder


def test_the_shipped_library_loads() -> None:
    assert len(load_library(DEFAULT_ROOT)) >= 25


def test_a_good_folder_loads_and_binds(tmp_path: Path) -> None:
    _folder(tmp_path, "q")
    inv = load_library(tmp_path).get("q")
    assert inv is not None
    assert bind(inv, {"account": "1"}) == {"account": "1", "days": 7, "ratio": 0.5, "deep": False}
    assert bind(inv, {"account": "1", "ratio": 1, "deep": True}) == {
        "account": "1",
        "days": 7,
        "ratio": 1.0,
        "deep": True,
    }


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({}, "parameter 'account' (string) is required"),
        ({"account": 1}, "parameter 'account' must be a string, got int"),
        ({"account": "1", "days": 1.5}, "parameter 'days' must be an int, got float"),
        ({"account": "1", "days": True}, "parameter 'days' must be an int, got bool"),
        ({"account": "1", "deep": "yes"}, "parameter 'deep' must be a bool, got string"),
        ({"account": "1", "other": 1}, "unknown parameter 'other'"),
        ({"account": None}, "parameter 'account' (string) is required"),
    ],
)
def test_parameters_are_checked(tmp_path: Path, given: dict, message: str) -> None:
    _folder(tmp_path, "q")
    inv = load_library(tmp_path).get("q")
    assert inv is not None
    with pytest.raises(ParameterError) as err:
        bind(inv, given)
    assert message in str(err.value)


def test_command_line_text_is_parsed_by_type(tmp_path: Path) -> None:
    _folder(tmp_path, "q")
    params = {p.name: p for p in load_library(tmp_path).get("q").meta.parameters}  # type: ignore[union-attr]
    assert parse_text(params["days"], "30") == 30
    assert parse_text(params["deep"], "TRUE") is True
    assert parse_text(params["ratio"], "0.25") == 0.25
    with pytest.raises(ParameterError, match="'days' must be int, got 'x'"):
        parse_text(params["days"], "x")


@pytest.mark.parametrize(
    ("meta", "query", "expected", "message"),
    [
        ({"id": "other"}, GOOD_QUERY, True, "metadata id 'other' does not match its folder name 'bad'"),
        ({}, GOOD_QUERY.replace("RETURN a", "SET a.x = 1 RETURN a"), True, "contains a write clause (SET)"),
        ({}, GOOD_QUERY.replace("RETURN a", "DETACH DELETE a"), True, "contains a write clause (DELETE)"),
        ({}, GOOD_QUERY + " // $account", True, None),  # a comment is not a use, but the query uses it anyway
        (
            {},
            GOOD_QUERY.replace("$days > 0", "$limit > 0"),
            True,
            "uses $limit, which is not a declared parameter",
        ),
        (
            {},
            GOOD_QUERY.replace("$days > 0 AND ", ""),
            True,
            "parameter 'days' is declared but query.cypher never uses it",
        ),
        ({}, GOOD_QUERY.replace("(a:AWSAccount", "(a:AWSAccount)-[*]->(b"), True, "unbounded or too long"),
        ({}, GOOD_QUERY, False, "expected.yaml (its planted answer on the sample) is missing"),
        (
            {"parameters": [{"name": "x", "type": "date", "description": "d"}]},
            "RETURN $x",
            True,
            "parameters.0.type",
        ),
        (
            {"parameters": [{"name": "x", "type": "int", "description": "d", "default": "7"}]},
            "RETURN $x",
            True,
            "default: parameter 'x' must be an int",
        ),
        ({"providers": []}, GOOD_QUERY, True, "providers"),
    ],
)
def test_invalid_folders_are_refused_with_their_reason(
    tmp_path: Path, meta: dict, query: str, expected: bool, message: str | None
) -> None:
    _folder(tmp_path, "bad", meta, query, expected)
    _folder(tmp_path, "fine")
    if message is None:
        assert len(load_library(tmp_path)) == 2
        return
    with pytest.raises(LibraryError) as err:
        load_library(tmp_path)
    assert any(e.startswith("bad") and message in e for e in err.value.errors), err.value.errors
    assert not any(e.startswith("fine") for e in err.value.errors)


def test_docs_investigations_md_is_generated_from_the_library() -> None:
    """Regenerate with `python -m queries.investigation_docs` when this fails."""
    from queries.investigation_docs import DOC, render

    assert DOC.read_text() == render(load_library())
