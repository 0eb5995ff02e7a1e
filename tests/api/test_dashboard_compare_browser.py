"""The dashboard's Compare bar in a real headless Chromium, against uvicorn and the real Neo4j.

The hand-written pair (tests/data/snapshots/handwritten, day 2 = 2026-11-21) is ingested with the default
post-ingest steps (privileges, exposure) and the controls. The page is opened with a range in the address
bar, without one (default: the last 7 days, so day 1 → day 2 here), and with an empty range; drift, creep
(with what grants each permission) and exposure change must follow the range. Screenshots at 1400 and 1024
px wide go to test-output/.
"""

from __future__ import annotations

import html
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from appdb import keys as apikeys
from config import set_settings
from pipeline.run import ingest_snapshot
from queries.service import execute, load_validated, select
from tests.api.live_server import live_api
from tests.api.test_dashboard_browser import CHROMIUM, FLAGS
from tests.conftest import DATA, _wipe, wipe_app_db

pytestmark = [pytest.mark.browser, pytest.mark.timeout(1800)]
REPO = Path(__file__).resolve().parents[2]
BUDGET_MS = 8000


@pytest.fixture(scope="module")
def server(neo4j_uri: str) -> Iterator[tuple[str, list[str]]]:
    # Module scope: both tests only read (each makes its own viewer key): one load, one uvicorn for both.
    set_settings(None)
    _wipe()
    wipe_app_db()
    runs = []
    for day in ("day1", "day2"):
        runs.append(ingest_snapshot(DATA / "snapshots" / "handwritten" / day).run_id)
        execute(select(load_validated()))
    with live_api(neo4j_uri) as base:
        yield base, runs


def _chromium(url: str, profile: Path, width: int, *extra: str) -> str:
    flags = [f for f in FLAGS if not f.startswith("--window-size")] + [f"--window-size={width},2600"]
    run = subprocess.run(
        [CHROMIUM, *flags, f"--user-data-dir={profile}", f"--virtual-time-budget={BUDGET_MS}", *extra, url],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return run.stdout


def _inner(dom: str, element_id: str) -> str:
    """Text of the element with this id (up to its own closing tag; our tables and cards do not nest)."""
    m = re.search(rf'<(\w+)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', dom, re.S)
    # <wbr> is a line-break opportunity inside a word (ids wrap after / : @ . _ -), not a space.
    return html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<wbr\s*/?>", "", m.group(2)))) if m else ""


def _loaded(url: str, profile: Path, width: int) -> str:
    dom = ""
    for _ in range(3):  # a loaded machine may need a second look
        dom = _chromium(url, profile, width, "--dump-dom")
        if 'data-loaded="true"' in dom and "→" in _inner(dom, "range-info"):
            break
    return dom


def test_compare_bar_drives_drift_creep_and_exposure(
    server: tuple[str, list[str]], tmp_path: Path, output_dir: Path
) -> None:
    base, (day1, day2) = server
    key = apikeys.create_key("compare-browser", "viewer")[1]
    # Dates in the address bar: day 1 → day 2.
    url = f"{base}/?from=2026-11-20&to=2026-11-21#key={key}"
    dom = _loaded(url, tmp_path / "p1", 1400)
    info = _inner(dom, "range-info")
    assert day1 in info and day2 in info, info
    creep = _inner(dom, "creep-top")
    assert "dave" in creep and "via group admins" in creep and "AdministratorAccess" in creep, creep
    assert "bastion-role" in creep and "attached" in creep
    exposure = _inner(dom, "exposure-change-table")
    assert "bastion-role" in exposure and "acme-acl-public" in exposure, exposure
    drift = _inner(dom, "drift-by-label")
    assert "EC2Instance" in drift, drift
    assert "Could not load" not in dom and key not in dom
    for width in (1400, 1024):
        shot = output_dir / f"dashboard-compare-{width}.png"
        shot.unlink(missing_ok=True)
        _chromium(url, tmp_path / f"shot{width}", width, f"--screenshot={shot}")
        assert shot.is_file() and shot.stat().st_size > 20_000


def test_default_range_is_the_last_7_days_and_empty_ranges_say_so(
    server: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, (day1, day2) = server
    key = apikeys.create_key("compare-browser-2", "viewer")[1]
    dom = _loaded(f"{base}/#key={key}", tmp_path / "p2", 1024)
    # Both runs are within 7 days of the latest: the default compares from the oldest, not the last pair only.
    info = _inner(dom, "range-info")
    assert day1 in info and day2 in info, info
    assert "dave" in _inner(dom, "creep-top")
    dom = _loaded(f"{base}/?from={day2}&to={day2}#key={key}", tmp_path / "p3", 1024)
    assert f"No privilege changes between {day2} and {day2}" in _inner(dom, "creep-summary")
    assert f"no exposure changes between {day2} and {day2}" in _inner(dom, "exposure-change-table")
    assert f"no changes between {day2} and {day2}" in _inner(dom, "drift-by-label")
