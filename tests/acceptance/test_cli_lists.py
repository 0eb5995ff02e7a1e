"""Every list-like command at a 120-column terminal: full ids, `--format table|json|csv`, unknown ids.

The handwritten two-day snapshot is ingested through the runner (with its post-ingest steps: privileges,
exposure), the controls run once and an API key is made; then each command runs through the Typer app
with COLUMNS=120 and its table is checked for every id the JSON of the same command lists.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from appdb import keys as apikeys
from cli.main import app
from pipeline.run import ingest_snapshot
from queries import catalogue, findings
from queries import runner as controls_runner
from tests.acceptance.support import DAY1, DAY2

ENV = {"COLUMNS": "120", "LINES": "50", "NO_COLOR": "1"}


@pytest.fixture(scope="module")
def loaded(neo4j_uri: str) -> Iterator[None]:
    from tests.conftest import _wipe

    _wipe()
    for day in (DAY1, DAY2):
        assert ingest_snapshot(day).status in {"ok", "partial"}
    target = controls_runner.latest_target()
    findings.record_run(controls_runner.run_controls(catalogue.load_catalogue(), target), target)
    apikeys.create_key("a-key-with-a-rather-long-name-for-the-table", "viewer")
    yield
    _wipe()


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=ENV)
    return result.exit_code, result.stdout, result.stderr


def table_lines(*args: str) -> list[str]:
    code, out, err = run(*args)
    assert code == 0, err
    lines = out.splitlines()
    if args != ("exposure", "paths"):  # a ranked list of hops, not a table: long paths wrap in the terminal
        assert max(map(len, lines)) <= 120, "wider than the terminal"
    assert "…" not in out
    return lines


def whole(value: str, lines: list[str]) -> bool:
    """The id stands whole inside one line, not as a piece of a longer token (or cut short)."""
    pattern = re.compile(r"(?<![\w:/.@-])" + re.escape(value) + r"(?![\w/.@-])")
    return any(pattern.search(line) for line in lines)


def as_json(*args: str) -> object:
    code, out, err = run(*args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def as_csv(*args: str) -> list[dict[str, str]]:
    code, out, err = run(*args, "--format", "csv")
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


# (command, JSON → list of rows, id field in JSON row, CSV column holding it)
LISTS = [
    (("controls", "list"), lambda d: d, "id", "id"),
    (("controls", "findings"), lambda d: d, "id", "finding id"),
    (("runs",), lambda d: d, "id", "run"),
    (("apikey", "list"), lambda d: d, "id", "id"),
    (("exposure", "assets"), lambda d: d["assets"], "id", "id"),
    (("exposure", "paths"), lambda d: d["paths"], None, "target"),
    (("privileges", "creep"), lambda d: d["principals"], "id", "principal"),
]


@pytest.mark.parametrize(("args", "rows_of", "id_key", "csv_col"), LISTS, ids=[" ".join(a[0]) for a in LISTS])
def test_every_list_command_takes_format_and_keeps_ids_whole(
    loaded: None,
    args: tuple[str, ...],
    rows_of,
    id_key: str | None,
    csv_col: str,  # noqa: ANN001
) -> None:
    rows = rows_of(as_json(*args))
    assert rows, f"{args}: nothing to list, the check would be empty"
    table = table_lines(*args)
    csv_rows = as_csv(*args)
    assert len(csv_rows) == len(rows)
    if id_key is None:  # paths: the target is the last node
        ids = [r["nodes"][-1]["id"] for r in rows]
    else:
        ids = [str(r[id_key]) for r in rows]
    assert [r[csv_col] for r in csv_rows] == ids
    if args[0] != "privileges":  # the creep table shows principal names; its ids are in json / csv
        missing = [i for i in ids if not whole(i, table)]
        assert not missing, f"{args}: ids cut or missing in the table: {missing[:5]}"


def test_controls_list_shows_all_76_ids_whole(loaded: None) -> None:
    ids = sorted(catalogue.load_catalogue().controls)
    table = table_lines("controls", "list")
    assert [i for i in ids if not whole(i, table)] == []


def test_controls_run_table_keeps_assets_and_reasons(loaded: None) -> None:
    code, out, err = run("controls", "run", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    table = table_lines("controls", "run")
    text = " ".join(" ".join(line.replace("│", " ").split()) for line in table)
    failed = [f for c in report["controls"] for f in c["findings"]]
    assert failed
    for f in failed:
        assert whole(f["asset_id"], table), f["asset_id"]
    # Every word of every reason is printed (wrapped, never cut to 20 characters).
    for f in failed:
        for word in f["reason"].split():
            assert word in text, (word, f["reason"])


@pytest.mark.parametrize(
    "args",
    [
        ("controls", "show", "s3_public_bucket"),
        ("controls", "findings", "--id", "s3_public_bucket"),
        ("controls", "run", "--id", "s3_public_bucket"),
    ],
    ids=["show", "findings", "run"],
)
def test_unknown_control_suggests_the_nearest_and_fails(loaded: None, args: tuple[str, ...]) -> None:
    code, out, err = run(*args)
    assert code != 0
    assert out == ""
    assert err.strip().splitlines() == [
        "error: unknown control s3_public_bucket; did you mean s3_bucket_public_acl, "
        "s3_bucket_public_policy, s3_bucket_public_access_block_missing?"
    ]


def test_unknown_key_and_state_fail_with_a_suggestion(loaded: None) -> None:
    key_id = apikeys.list_keys()[0].id
    code, _, err = run("apikey", "revoke", key_id[:-1] + "x")
    assert code == 1 and err.startswith(f"error: unknown API key {key_id[:-1]}x; did you mean {key_id}")
    code, _, err = run("controls", "findings", "--state", "opne")
    assert code == 1 and err.startswith("error: unknown state opne; did you mean open")
