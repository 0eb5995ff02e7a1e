"""cli/output.py: ids are never cut at any width, text columns wrap, CSV keeps every value, nearest ids."""

from __future__ import annotations

import csv
import io
import re

from rich.console import Console

from cli.output import Col, nearest, render_table, to_csv

LONG_IDS = [
    "gcp_iam_user_service_account_impersonation_at_project",
    "ec2_instance_admin_port_reachable_from_internet",
    "arn:aws:iam::223005401501:role/very-long-role-name-for-a-cross-account-vendor-integration",
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-password-Xy12Ab",
]
REASON = (
    "the security group sg-0123 allows tcp/22 from 0.0.0.0/0 and the instance has a public address "
    "in a subnet routed to an internet gateway"
)
ROWS = [{"id": i, "title": REASON, "n": k} for k, i in enumerate(LONG_IDS)]
COLS = [Col("id", "id", is_id=True), Col("title", "title"), Col("n", "n", numeric=True)]


def _render(width: int, rows: list[dict] = ROWS) -> str:
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    render_table(rows, COLS, console=console)
    return console.export_text()


def test_ids_are_whole_on_one_line_and_text_wraps_at_120_columns() -> None:
    out = _render(120)
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 120
    for i in LONG_IDS:
        assert any(i in line for line in lines), i
    assert "…" not in out
    # The reason wrapped over several rows, every word of it kept in order.
    words = re.findall(r"│ ([^│]*?) *│ *\d* *│$", out, flags=re.M)
    assert " ".join(w.strip() for w in words).split() == (REASON.split() * len(LONG_IDS))


def test_too_narrow_for_the_ids_prints_records_not_cut_ids() -> None:
    out = _render(60)
    for i in LONG_IDS:
        assert f"id: {i}" in out.splitlines() or any(line.strip() == f"id: {i}" for line in out.splitlines())
    assert "…" not in out


def test_csv_keeps_lists_and_every_character() -> None:
    rows = [{"id": LONG_IDS[2], "title": 'a, "quoted" title', "n": ["x", "y"]}]
    parsed = list(csv.reader(io.StringIO(to_csv(rows, COLS))))
    assert parsed == [["id", "title", "n"], [LONG_IDS[2], 'a, "quoted" title', "x; y"]]


def test_nearest_suggests_spelling_and_word_neighbours() -> None:
    known = [
        "s3_bucket_public_acl",
        "s3_bucket_public_policy",
        "iam_user_console_without_mfa",
        "k8s_pod_host_pid",
    ]
    assert nearest("s3_public_bucket", known)[:2] == ["s3_bucket_public_acl", "s3_bucket_public_policy"]
    assert nearest("console_mfa", known) == ["iam_user_console_without_mfa"]
    assert nearest("zzz", known) == []
