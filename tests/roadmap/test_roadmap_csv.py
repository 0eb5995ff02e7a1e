"""Roadmap CSV: import (BOM, Excel quoting, reordered and extra columns), every kind of malformed row,
all-or-nothing storage in Neo4j, and the export round trip with evidence-derived statuses."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from queries.catalogue import Catalogue, load_catalogue
from queries.findings import record_run
from queries.roadmap import store
from queries.roadmap.csvio import RoadmapCsvError, parse_csv
from queries.roadmap.service import export, import_csv
from queries.runner import ControlResult, EvaluationTarget
from tests.conftest import _wipe

# Reordered columns, an extra "Owner" column in the middle, quoted fields with commas, quotes and a line
# break, a Layer spelled the spreadsheet's way, and a trailing empty cell on one row.
GOOD = (
    "Task,Owner,Domain,Priority,Layer,Status,CSA CCM,Controls,Description,Metrics\r\n"
    'Block public ACLs,"Ops, EU",Architecture,1,Cloud provider,NOT STARTED,,s3_bucket_public_acl,'
    '"No bucket grants AllUsers; see ""S3 baseline""",\r\n'
    "Root and public ACLs,Ops,Architecture,P1,Cloud provider,IN PROGRESS,,"
    '"s3_bucket_public_acl, iam_root_mfa_disabled",,\r\n'
    "Root MFA,Sec,Policies & Standards,1,cloud,DONE,,iam_root_mfa_disabled,,\r\n"
    "MFA everywhere,Sec,policies and standards,2,Cloud provider,,IAM-14,,"
    '"Every human:\r\nconsole and CLI",\r\n'
    "Incident runbook,IR,Incidents & Remediation,2,Both,BLOCKED,SEF-03,,,tabletop held in May,\r\n"
)
FAILING = {"iam_root_mfa_disabled"}


@pytest.fixture(scope="module")
def catalogue(neo4j_uri: str) -> Iterator[Catalogue]:
    _wipe()
    cat = load_catalogue()
    target = EvaluationTarget(None, 1_700_000_000)
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    for day in range(3):
        results = []
        for c in cat:
            if c.id in FAILING:
                row = {
                    "asset_id": "arn:aws:iam::111122223333:root",
                    "asset_name": "root",
                    "label": "AWSAccount",
                    "scope": "111122223333",
                    "reason": "no MFA",
                }
                results.append(ControlResult(c, "fail", 1, [row]))
            else:
                results.append(ControlResult(c, "pass", 2))
        record_run(results, target, t0 + timedelta(days=day))
    yield cat
    _wipe()


def _file(tmp_path: Path, text: str, bom: bool = True) -> Path:
    p = tmp_path / "roadmap.csv"
    p.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return p


def test_parse_bom_quoting_reordered_and_extra_columns(catalogue: Catalogue) -> None:
    for bom in (True, False):
        data = (b"\xef\xbb\xbf" if bom else b"") + GOOD.encode()
        tasks, columns = parse_csv(data, "roadmap.csv", catalogue.controls)
        assert columns[0] == "Task" and "Owner" in columns and len(tasks) == 5
    first, second, _, fourth, fifth = tasks
    assert (
        first.extra == {"Owner": "Ops, EU"}
        and first.description == 'No bucket grants AllUsers; see "S3 baseline"'
    )
    assert second.priority == 1 and second.controls == ["s3_bucket_public_acl", "iam_root_mfa_disabled"]
    assert fourth.domain == "Policies & Standards" and fourth.status == "NOT STARTED"
    assert fourth.description == "Every human:\r\nconsole and CLI" and fourth.csa_ccm == ["IAM-14"]
    assert (fifth.layer, fifth.status, fifth.metrics) == ("both", "BLOCKED", "tabletop held in May")


HEADER = "Domain,Task,Priority,Layer,Status,CSA CCM,Controls\n"
OK_ROW = "Architecture,Fine,1,cloud,DONE,IVS-03,\n"


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (HEADER + OK_ROW + "Archit3cture,T,1,cloud,,,\n", "line 3, column 1 (Domain)", "unknown domain"),
        (HEADER + "Architecture,T,6,cloud,,,\n", "line 2, column 3 (Priority)", "not a maturity level"),
        (HEADER + "Architecture,T,1,azure,,,\n", "line 2, column 4 (Layer)", "unknown layer"),
        (HEADER + "Architecture,T,1,cloud,WAITING,,\n", "line 2, column 5 (Status)", "unknown status"),
        (HEADER + "Architecture,T,1,cloud,,IVS3,\n", "line 2, column 6 (CSA CCM)", "not CSA CCM ids"),
        (
            HEADER + "Architecture,T,1,cloud,,,no_such_control\n",
            "line 2, column 7 (Controls)",
            "unknown control",
        ),
        (HEADER + "Architecture,,1,cloud,,,\n", "line 2, column 2 (Task)", "empty"),
        (
            HEADER + "Architecture,T,1,cloud,,,,extra\n",
            "line 2, column 8",
            "8 field(s) where the header has 7",
        ),
        (HEADER + "Architecture,T,1\n", "line 2, column 4", "3 field(s)"),
        (HEADER + OK_ROW + 'Architecture,"T"x,1,cloud,,,\n', "line 3", "malformed CSV"),
        ("Domain,Task,Layer\n" + "Architecture,T,cloud\n", "line 1", "missing required column(s): Priority"),
        ("Domain,Task,Priority,Layer,task\n", "line 1, column 5 (Task)", "duplicate column"),
        (HEADER + "Architecture,T\xe9,1,cloud,,,\n", "line 2, column 15", "not UTF-8"),
    ],
)
def test_each_malformed_row_is_one_clear_error(
    catalogue: Catalogue, tmp_path: Path, text: str, where: str, message: str
) -> None:
    store.reset()
    data = text.encode("latin-1") if "not UTF-8" in message else text.encode()
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    with pytest.raises(RoadmapCsvError) as err:
        import_csv(path, catalogue)
    assert str(err.value).startswith("bad.csv: 1 problem(s), nothing imported:")
    assert f"{where}: " in str(err.value) and message in str(err.value)
    assert store.load() is None


def test_failed_import_keeps_the_previous_roadmap(catalogue: Catalogue, tmp_path: Path) -> None:
    import_csv(_file(tmp_path, GOOD), catalogue)
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + OK_ROW + "Architecture,T,9,cloud,,,\nNowhere,T,1,cloud,,,\n")
    result = CliRunner().invoke(app, ["roadmap", "import", str(bad)])
    assert result.exit_code == 1
    assert "2 problem(s), nothing imported" in result.stderr
    assert "line 3, column 3 (Priority)" in result.stderr and "line 4, column 1 (Domain)" in result.stderr
    kept = store.load()
    assert kept is not None and kept.source == "roadmap.csv" and len(kept.tasks) == 5


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def test_export_round_trip_with_evidence_statuses(catalogue: Catalogue, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["roadmap", "import", str(_file(tmp_path, GOOD))])
    assert result.exit_code == 0, result.output
    assert (
        "imported 5 task(s) from roadmap.csv: 4 linked to controls, 1 with a manual status only"
        in result.stdout
    )
    text = export("csv", 3, catalogue, bom=True)
    assert text.startswith(
        "\ufeffTask,Owner,Domain,Priority,Layer,Status,CSA CCM,Controls,Description,Metrics,"
    )
    rows = _rows(text)
    got = {r["Task"]: (r["Status"], r["Status Source"]) for r in rows}
    assert got == {
        "Block public ACLs": ("DONE", "evidence"),
        "Root and public ACLs": ("IN PROGRESS", "evidence"),
        "Root MFA": ("NOT STARTED", "evidence"),  # the sheet said DONE; three failing runs say otherwise
        "MFA everywhere": ("IN PROGRESS", "evidence"),
        "Incident runbook": ("BLOCKED", "manual"),
    }
    by_task = {r["Task"]: r for r in rows}
    assert by_task["Block public ACLs"]["Owner"] == "Ops, EU"
    assert by_task["Root MFA"]["Metrics"] == "0/1 controls pass; asset pass rate 0%; 1 open finding(s)"
    assert by_task["Incident runbook"]["Metrics"] == "tabletop held in May"
    # Linked by CSA CCM + domain + layer: every graded Policies & Standards cloud control mapped to IAM-14.
    expected = sorted(
        c.id
        for c in catalogue
        if c.meta.domain.value == "Policies & Standards" and "IAM-14" in c.meta.frameworks.csa_ccm
    )
    assert (
        by_task["MFA everywhere"]["Linked Controls"] == ", ".join(expected)
        and "iam_root_mfa_disabled" in expected
    )
    assert by_task["MFA everywhere"]["Description"] == "Every human:\r\nconsole and CLI"
    # The exported file imports again as it is; the derived columns are recomputed, not kept as extras.
    again = tmp_path / "again.csv"
    again.write_text(text, encoding="utf-8", newline="")
    import_csv(again, catalogue)
    reread = store.load()
    assert reread is not None and [t.task for t in reread.tasks] == list(got)
    assert all(set(t.extra) == {"Owner"} for t in reread.tasks)
    assert _rows(export("csv", 3, catalogue)) == rows
    doc = json.loads(export("json", 3, catalogue))
    assert doc["source"] == "again.csv" and doc["tasks"][0]["Status Source"] == "evidence"


def test_builtin_roadmap_when_none_imported(catalogue: Catalogue) -> None:
    store.reset()
    rows = _rows(export("csv", 3, catalogue))
    domains = {r["Domain"] for r in rows}
    assert len(domains) == 7
    linked = {cid for r in rows for cid in r["Linked Controls"].split(", ") if cid}
    graded = {c.id for c in catalogue if c.meta.severity.value != "info"}
    assert linked == graded  # every graded control is covered by a built-in task
    manual = [r for r in rows if r["Status Source"] == "manual"]
    assert manual and all(r["Linked Controls"] == "" for r in manual)
    root = next(r for r in rows if "iam_root_mfa_disabled" in r["Linked Controls"])
    assert root["Status"] in ("IN PROGRESS", "NOT STARTED")
