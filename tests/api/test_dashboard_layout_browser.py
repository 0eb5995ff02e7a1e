"""The dashboard's layout at 1400 and 1024 px in a real headless Chromium, measured in the page.

A 2-day sample with GCP (an organization, a folder, two projects) and an outside vendor account that appears
only in a trust policy is ingested with the post-ingest steps, the controls run, and uvicorn serves the
app. Chromium (the Debian package) is driven over its DevTools protocol (the `websockets` package uvicorn
already brings), so the test can ask the rendered page for geometry: which table columns are visible,
whether anything scrolls sideways, how tall each chart is, what the scope tables and empty panels say.
Screenshots go to test-output/dashboard-<width>.png.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

from appdb import keys as apikeys
from ingest.sample import generate
from pipeline.run import ingest_snapshot
from queries import catalogue, findings
from queries import runner as controls_runner
from tests.api.live_server import live_api

pytestmark = [pytest.mark.browser, pytest.mark.timeout(2400)]

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def sample(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from tests.conftest import _wipe

    _wipe()
    out = tmp_path_factory.mktemp("sample")
    manifest = generate(out, scale=0.5, days=2, seed=42, gcp_projects=2)
    for day in ("day-01", "day-02"):
        assert ingest_snapshot(out / day).status == "ok"
    target = controls_runner.latest_target()
    findings.record_run(controls_runner.run_controls(catalogue.load_catalogue(), target), target)
    yield manifest
    _wipe()


@pytest.fixture(scope="module")
def server(sample: dict[str, Any], neo4j_uri: str) -> Iterator[str]:
    with live_api(neo4j_uri) as base:
        yield base


class Page:
    """One Chromium tab over the DevTools protocol: navigate, evaluate, screenshot."""

    def __init__(self, profile: Path) -> None:
        self.proc = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--hide-scrollbars",
                "--disable-background-networking",
                "--disable-component-update",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            if m := re.search(r"DevTools listening on (ws://\S+)", line):
                browser_ws = m.group(1)
                break
        else:
            raise AssertionError("chromium did not start its DevTools endpoint")
        port = re.search(r":(\d+)/", browser_ws).group(1)  # type: ignore[union-attr]
        tabs = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=30).json()
        self.stack = ExitStack()
        self.ws = self.stack.enter_context(
            connect(
                next(t for t in tabs if t["type"] == "page")["webSocketDebuggerUrl"],
                max_size=64 * 1024 * 1024,
                open_timeout=60,
            )
        )
        self.ids = itertools.count(1)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        msg_id = next(self.ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            reply = json.loads(self.ws.recv(timeout=120))
            if reply.get("id") == msg_id:
                assert "error" not in reply, reply
                return reply["result"]

    def eval(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def close(self) -> None:
        self.stack.close()
        self.proc.terminate()
        self.proc.wait(timeout=30)


# Measured in the page: every table's columns inside its card, sideways scrolling, chart heights, texts.
MEASURE = """(() => {
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const tables = {};
  document.querySelectorAll("#board table.grid").forEach((t) => {
    if (!visible(t)) return;
    const card = t.closest(".card").getBoundingClientRect();
    const heads = [...t.querySelectorAll("th")];
    tables[t.id] = {
      headers: heads.map((h) => h.textContent),
      hidden: heads.filter((h) => { const r = h.getBoundingClientRect();
        return r.width < 8 || r.right > card.right + 1 || r.left < card.left - 1; })
        .map((h) => h.textContent),
      sideways: [t, t.parentElement].some((e) => e.scrollWidth > e.clientWidth + 1),
      rows: [...t.querySelectorAll("tr")].slice(1).map((tr) => [...tr.cells].map((c) => c.textContent)),
    };
  });
  const charts = {};
  document.querySelectorAll("#board .chart").forEach((c) => {
    const svg = c.querySelector("svg");
    if (svg) charts[c.id] = Math.round(svg.getBoundingClientRect().height);
  });
  const top = (id) => document.getElementById(id).getBoundingClientRect().top;
  const select = document.getElementById("path-select");
  return {
    width: window.innerWidth, pageSideways: document.documentElement.scrollWidth > window.innerWidth,
    tables, charts, pathTop: top("card-path"), assetsTop: top("card-assets"),
    pathSelected: select.selectedIndex, pathOptions: select.options.length,
    firstPath: select.options.length ? select.options[0].textContent : "",
    categories: document.getElementById("asset-categories").textContent,
    plumbing: document.getElementById("assets-plumbing-summary").textContent,
    chartLabels: [...document.querySelectorAll("#assets-by-label text")].map((t) => t.textContent),
  };
})()"""


@pytest.mark.parametrize("width", [1400, 1024])
def test_dashboard_layout(
    server: str, sample: dict[str, Any], width: int, tmp_path: Path, output_dir: Path
) -> None:
    assert Path(CHROMIUM).exists(), "chromium is missing: run `make setup` (apt-get install chromium)"
    key = apikeys.create_key(f"layout-{width}", "viewer")[1]
    page = Page(tmp_path / "profile")
    try:
        page.call(
            "Emulation.setDeviceMetricsOverride", width=width, height=900, deviceScaleFactor=1, mobile=False
        )
        page.call("Page.enable")
        page.call("Page.navigate", url=f"{server}/#key={key}")
        deadline = time.monotonic() + 300
        while page.eval("document.body && document.body.dataset.loaded") != "true":
            assert time.monotonic() < deadline, "the dashboard did not finish loading"
            time.sleep(0.5)
        m = page.eval(MEASURE)
        metrics = page.call("Page.getLayoutMetrics")["cssContentSize"]
        shot = page.call(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": width, "height": metrics["height"], "scale": 1},
        )
        (output_dir / f"dashboard-{width}.png").write_bytes(base64.b64decode(shot["data"]))
    finally:
        page.close()

    assert m["width"] == width and not m["pageSideways"]
    # No table hides a column or scrolls sideways; the exposed-assets table keeps its counts.
    assert {"exposed-assets", "findings-table", "control-rates", "assets-by-account"} <= set(m["tables"])
    for name, t in m["tables"].items():
        assert not t["hidden"] and not t["sideways"], (width, name, t["headers"], t["hidden"])
    assert m["tables"]["exposed-assets"]["headers"] == ["asset", "label", "how", "open findings"]
    # Charts keep a readable height at both widths.
    assert m["charts"] and all(40 < h <= 520 for h in m["charts"].values()), m["charts"]
    assert m["charts"]["findings-severity"] <= 300
    # Exposure paths come first, the highest-scored path selected.
    assert m["pathTop"] < m["assetsTop"]
    assert m["pathOptions"] >= 1 and m["pathSelected"] == 0 and m["firstPath"].startswith("1. ")
    # Scope tables: projects are projects; the vendor account is listed apart from the inventoried ones.
    projects = {r[0] for r in m["tables"]["assets-by-project"]["rows"]}
    assert projects == {p["project_id"] for p in sample["gcp"]["projects"]} or projects == {
        p["project_number"] for p in sample["gcp"]["projects"]
    }, projects
    parents = " ".join(r[0] for r in m["tables"]["assets-gcp-parent"]["rows"])
    assert sample["gcp"]["scope"] in parents
    inventoried = {r[0] for r in m["tables"]["assets-by-account"]["rows"]}
    vendor = sample["external_accounts"][0]["account_id"]
    assert vendor not in inventoried and {a["account_id"] for a in sample["accounts"]} <= inventoried | {
        a["name"] for a in sample["accounts"]
    }
    assert vendor in {r[0] for r in m["tables"]["assets-external"]["rows"]}
    # Asset counts by category, plumbing folded out of the chart.
    for category in ("compute", "data", "identity", "network", "kubernetes"):
        assert category in m["categories"]
    assert m["plumbing"].startswith("plumbing, folded:")
    assert not {"IpRule", "NetworkInterface", "AWSPolicyStatement", "EC2Reservation"} & set(m["chartLabels"])
    # An empty panel says why.
    for t in m["tables"].values():
        for row in t["rows"]:
            assert row != ["nothing to show"]
