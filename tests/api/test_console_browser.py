"""The dashboard console and the pivots in a real headless Chromium, against the real API and Neo4j.

A 2-day generated sample is ingested with the post-ingest steps and the controls run once; uvicorn serves
the app. Chromium is driven over its DevTools protocol (the layout test's `Page`), with every network
request the page makes logged: an analyst types a query and runs it with Ctrl-Enter, sees its rows and a
drawn graph, taps a node and expands it one hop, exports CSV, and gets a plain refusal for a write; the
pivots next to exposed assets, findings and path hops open the console and the asset's change timeline.
Nothing the page asks for may leave the loopback server. Screenshots: test-output/console-<width>.png.

The neighbourhood pivot runs the investigation library's `neighbourhood` query (GET /api/v1/queries,
issue 23 item 2) with the asset's id filled in (`library_pivot_answer`).
"""

from __future__ import annotations

import base64
import csv
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from appdb import keys as apikeys
from graph import driver as graph_driver
from ingest.sample import generate
from pipeline.run import ingest_snapshot
from queries import catalogue, findings
from queries import runner as controls_runner
from tests.api.live_server import live_api
from tests.api.test_dashboard_layout_browser import CHROMIUM, Page

pytestmark = [pytest.mark.browser, pytest.mark.timeout(2400)]

QUERY = "MATCH (a:AWSAccount)-[r:RESOURCE]->(i:AWSEC2Instance) RETURN a, r, i ORDER BY i.id LIMIT 12"


@pytest.fixture(scope="module")
def server(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from tests.conftest import _wipe

    _wipe()
    out = tmp_path_factory.mktemp("sample")
    generate(out, scale=0.3, days=2, seed=42)
    for day in ("day-01", "day-02"):
        assert ingest_snapshot(out / day).status == "ok"
    target = controls_runner.latest_target()
    findings.record_run(controls_runner.run_controls(catalogue.load_catalogue(), target), target)
    with live_api(neo4j_uri) as base:
        yield base
    _wipe()


class LoggedPage(Page):
    """`Page` that also keeps every request the page sends (Network.requestWillBeSent)."""

    def __init__(self, profile: Path) -> None:
        super().__init__(profile)
        self.requests: list[str] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        msg_id = next(self.ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            reply = json.loads(self.ws.recv(timeout=120))
            if reply.get("method") == "Network.requestWillBeSent":
                self.requests.append(reply["params"]["request"]["url"])
            if reply.get("id") == msg_id:
                assert "error" not in reply, reply
                return reply["result"]

    def wait(self, expression: str, what: str, timeout: float = 180) -> Any:
        deadline = time.monotonic() + timeout
        while not (value := self.eval(expression)):
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            time.sleep(0.3)
        return value

    def click(self, selector: str) -> None:
        assert self.eval(f"!!document.querySelector({json.dumps(selector)})"), selector
        self.eval(f"document.querySelector({json.dumps(selector)}).click()")

    def mouse_click(self, x: float, y: float) -> None:
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def run_done(self) -> None:
        self.wait("document.body.dataset.consoleRun === 'done'", "the console run")

    def text(self, element_id: str) -> str:
        return self.eval(f"document.getElementById({json.dumps(element_id)}).textContent") or ""

    def screenshot(self, path: Path, width: int) -> None:
        self.call(
            "Emulation.setDeviceMetricsOverride", width=width, height=900, deviceScaleFactor=1, mobile=False
        )
        self.eval("window.InvgraphConsole.graph().resize(), true")
        time.sleep(0.5)
        height = self.call("Page.getLayoutMetrics")["cssContentSize"]["height"]
        shot = self.call(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        )
        path.write_bytes(base64.b64decode(shot["data"]))


def open_dashboard(server: str, key: str, profile: Path, width: int = 1400) -> LoggedPage:
    assert Path(CHROMIUM).exists(), "chromium is missing: run `make setup` (apt-get install chromium)"
    page = LoggedPage(profile)
    page.call(
        "Emulation.setDeviceMetricsOverride", width=width, height=900, deviceScaleFactor=1, mobile=False
    )
    page.call("Network.enable")
    page.call("Page.enable")
    # Content-Security-Policy violations (an inline style, a foreign script) are collected, not just logged.
    page.call(
        "Page.addScriptToEvaluateOnNewDocument",
        source="window.cspViolations = []; document.addEventListener('securitypolicyviolation', "
        "(e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));",
    )
    page.call("Page.navigate", url=f"{server}/#key={key}")
    page.wait("document.body && document.body.dataset.loaded === 'true'", "the dashboard", 300)
    return page


def run_typed_query(page: LoggedPage, query: str, params: dict[str, Any] | None = None) -> None:
    """Clear the editor, type `query` as keystrokes would, set the parameters, press Ctrl-Enter."""
    page.eval("document.querySelector('#console .CodeMirror').CodeMirror.setValue(''), true")
    page.eval("document.querySelector('#console .CodeMirror textarea').focus(), true")
    page.call("Input.insertText", text=query)
    page.eval(
        f"document.getElementById('cypher-params').value = {json.dumps(json.dumps(params or {}))}, true"
    )
    page.eval("document.body.dataset.consoleRun = ''")
    page.eval("document.querySelector('#console .CodeMirror textarea').focus(), true")
    for kind in ("rawKeyDown", "keyUp"):
        page.call(
            "Input.dispatchKeyEvent",
            type=kind,
            key="Enter",
            code="Enter",
            windowsVirtualKeyCode=13,
            modifiers=2,
        )
    page.run_done()


def graph_state(page: LoggedPage) -> dict[str, Any]:
    """What Cytoscape holds and whether its canvases have anything painted on them."""
    return page.eval(
        """(() => { const cy = window.InvgraphConsole.graph().cy;
        if (!cy) return { nodes: [], edges: 0, painted: false, legend: '', ids: [] };  // nothing drawn yet
        const painted = [...document.querySelectorAll('#result-graph canvas')].some((c) => {
          if (!c.width || !c.height) return false;
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          for (let i = 3; i < d.length; i += 16) if (d[i] > 0) return true; return false; });
        return { nodes: cy.nodes().map((n) => n.id()), edges: cy.edges().length, painted,
          legend: document.getElementById('graph-legend').textContent,
          ids: cy.nodes().map((n) => (n.data('raw').properties || {}).id) }; })()"""
    )


def drawn_graph(page: LoggedPage) -> dict[str, Any]:
    """`graph_state` once Cytoscape has painted (a resize clears the canvases until the next frame)."""
    deadline = time.monotonic() + 20
    while not (g := graph_state(page))["painted"] and time.monotonic() < deadline:
        time.sleep(0.3)
    return g


def library_pivot_answer(page: LoggedPage, pivot: str) -> dict[str, Any]:
    """Click the pivot button `pivot` (a CSS selector) and return what the console then shows: its status,
    message and drawn graph; the status names the library query it ran."""
    page.eval("document.body.dataset.consoleRun = ''")
    page.click(pivot)
    page.wait("document.body.dataset.console === 'ready'", "the console")
    time.sleep(0.5)
    if page.eval("document.body.dataset.consoleRun === 'running'"):
        page.run_done()
    return {
        "status": page.text("result-status"),
        "message": page.text("console-message"),
        "graph": graph_state(page),
    }


def test_console_analyst(server: str, tmp_path: Path, output_dir: Path) -> None:
    key = apikeys.create_key("console-analyst", "analyst")[1]
    headers = {"Authorization": f"Bearer {key}"}
    expected = graph_driver.read(
        "MATCH (a:AWSAccount)-[r:RESOURCE]->(i:AWSEC2Instance) WITH a, i ORDER BY i.id LIMIT 12 "
        "RETURN elementId(a) AS a, elementId(i) AS i, i.id AS id"
    )
    assert len(expected) == 12
    page = open_dashboard(server, key, tmp_path / "profile")
    try:
        # -- pivots on the dashboard: exposed assets, findings, path hops
        assert page.eval("document.querySelectorAll('#exposed-assets .pivots').length") > 0
        assert page.eval("document.querySelectorAll('#findings-table .pivots').length") > 0
        # Path hops: checked at the end (with what the card shows), so a miss here still runs the rest.
        hops = page.eval("document.querySelectorAll('#exposure-path-hops .pivots').length")
        path_card = page.text("card-path")
        path_nodes = httpx.get(
            f"{server}/api/v1/exposure/paths?limit=20", headers=headers, timeout=120
        ).json()
        assert page.eval("document.querySelectorAll('#exposed-assets .pivots button').length") >= 4
        target = page.eval(
            "(() => { const s = document.querySelector('#exposed-assets .pivots');"
            " return { id: s.dataset.id, label: s.closest('tr').cells[1].textContent }; })()"
        )

        # Neighbourhood pivot → the library query `neighbourhood` with the id filled in.
        answer = library_pivot_answer(page, "#exposed-assets .pivots button:first-child")
        assert page.eval(
            "document.getElementById('board').hidden && !document.getElementById('console').hidden"
        )
        library = httpx.get(f"{server}/api/v1/queries", headers=headers, timeout=60)
        assert library.status_code == 200 and "neighbourhood" in {q["id"] for q in library.json()["queries"]}
        assert "library neighbourhood" in answer["status"] and target["id"] in answer["graph"]["ids"], answer
        # The same neighbourhood by hand-written Cypher draws the asset with its neighbours.
        run_typed_query(
            page,
            f"MATCH (a:`{target['label']}` {{id: $id}})-[r]-(b) RETURN a, r, b LIMIT 50",
            {"id": target["id"]},
        )
        page.click("#view-graph")  # drawn while the graph view shows (a hidden canvas has no pixels)
        g = drawn_graph(page)
        assert target["id"] in g["ids"] and len(g["nodes"]) > 1 and g["painted"], g

        # Back on the board, the history pivot → the asset's change timeline, entry for entry.
        page.click("#open-console")
        assert page.eval(
            "!document.getElementById('board').hidden && document.getElementById('console').hidden"
        )
        page.click("#exposed-assets .pivots button:last-child")
        page.wait("!!document.querySelector('#timeline table, #timeline .unavailable')", "the timeline")
        timeline = httpx.get(f"{server}/api/v1/assets/{target['id']}/history", headers=headers, timeout=60)
        rows = page.eval("document.querySelectorAll('#timeline-table tr').length - 1")
        if timeline.status_code == 404:
            assert "No recorded change" in page.text("timeline")
        else:
            assert rows == len(timeline.json()) > 0
            assert timeline.json()[0]["run_id"] in page.text("timeline")

        # -- a typed query: rows and a drawn graph
        run_typed_query(page, QUERY)
        assert page.eval("document.querySelector('#console .CodeMirror').CodeMirror.getValue()") == QUERY
        assert page.eval("document.querySelectorAll('#console .cm-keyword').length") >= 3  # highlighted
        assert page.text("console-message") == ""
        assert page.text("result-status").startswith("query: 12 row(s)")
        headers_row = page.eval(
            "[...document.querySelectorAll('#result-table th')].map((t) => t.textContent)"
        )
        assert headers_row == ["a", "r", "i"]
        assert page.eval("document.querySelectorAll('#result-table tr').length") == 13
        page.click("#view-graph")
        g = drawn_graph(page)
        assert set(g["nodes"]) == {e["a"] for e in expected} | {e["i"] for e in expected}
        assert g["edges"] == 12 and g["painted"]
        assert "AWS" in g["legend"] and "compute" in g["legend"]

        # -- tap a drawn instance, expand it one hop
        node = expected[0]["i"]
        neighbours = {
            r["m"]
            for r in graph_driver.read(
                "MATCH (n)--(m) WHERE elementId(n) = $e RETURN DISTINCT elementId(m) AS m", {"e": node}
            )
        }
        assert 0 < len(neighbours) < 50
        pos = page.eval(
            f"""(() => {{ const n = window.InvgraphConsole.graph().cy.getElementById({json.dumps(node)});
            const p = n.renderedPosition();
            const r = document.getElementById('result-graph').getBoundingClientRect();
            return {{ x: r.left + p.x, y: r.top + p.y }}; }})()"""
        )
        page.mouse_click(pos["x"], pos["y"])
        page.wait("!!document.getElementById('expand-node')", "the node panel")
        if expected[0]["id"] not in page.text(
            "node-info"
        ):  # a neighbour's label lay over it: tap it directly
            page.eval(
                f"window.InvgraphConsole.graph().cy.getElementById({json.dumps(node)}).emit('tap'), true"
            )
        assert expected[0]["id"] in page.text("node-info")
        before = set(g["nodes"])
        page.click("#expand-node")
        page.wait(
            "document.getElementById('result-status').textContent.startsWith('expanded')", "the expansion"
        )
        g = graph_state(page)
        assert set(g["nodes"]) == before | neighbours and g["edges"] > 12

        # -- CSV export of the rows
        downloads = tmp_path / "downloads"
        downloads.mkdir()
        page.call("Page.setDownloadBehavior", behavior="allow", downloadPath=str(downloads))
        page.click("#export-csv")
        deadline = time.monotonic() + 60
        while not (done := list(downloads.glob("*.csv"))):
            assert time.monotonic() < deadline, "no CSV download"
            time.sleep(0.3)
        time.sleep(0.5)
        table = list(csv.reader(done[0].open(newline="")))
        assert table[0] == ["a", "r", "i"] and len(table) == 13
        assert [json.loads(r[2])["properties"]["id"] for r in table[1:]] == [e["id"] for e in expected]
        shown = json.loads(page.eval("window.InvgraphConsole.exported('json')"))
        assert shown["columns"] == ["a", "r", "i"] and len(shown["rows"]) == 12

        # The expanded graph, at both widths.
        page.screenshot(output_dir / "console-1024.png", 1024)
        page.screenshot(output_dir / "console-1400.png", 1400)

        # -- a write is refused, plainly
        run_typed_query(page, "CREATE (n:Evil {x: 1}) RETURN n")
        message = page.text("console-message")
        assert message.startswith("Refused (write_clause):") and "read-only" in message, message
        assert graph_driver.read("MATCH (n:Evil) RETURN count(n) AS n")[0]["n"] == 0
        assert graph_state(page)["nodes"] == [] and page.eval(
            "document.getElementById('export-csv').disabled"
        )

        # -- this key's history, server side
        page.wait(
            "!!document.querySelector('#query-history li .badge.failed')", "the refused query in the history"
        )
        history = page.eval(
            "[...document.querySelectorAll('#query-history li code')].map((c) => c.textContent)"
        )
        assert history[0] == "CREATE (n:Evil {x: 1}) RETURN n" and QUERY in history

        assert page.eval("window.cspViolations") == []
        assert page.eval("window.InvgraphConsole.graph().cy.container().getBoundingClientRect().width") > 400
    finally:
        page.close()
    assert hops == len(path_nodes["paths"][0]["nodes"]) > 1, (hops, path_card[:500])
    # Nothing the page asked for left the machine: every request went to this server (or stayed in-page).
    assert page.requests and all(
        u.startswith(server + "/") or u.startswith(("data:", "blob:")) for u in page.requests
    )
    assert any("/static/vendor/node_modules/cytoscape/" in u for u in page.requests)
    assert any("/static/vendor/node_modules/codemirror/" in u for u in page.requests)


def test_console_viewer_gets_the_library_only(server: str, tmp_path: Path, output_dir: Path) -> None:
    key = apikeys.create_key("console-viewer", "viewer")[1]
    page = open_dashboard(server, key, tmp_path / "profile", width=1024)
    try:
        page.click("#open-console")
        page.wait("document.body.dataset.console === 'ready'", "the console")
        assert page.eval("document.getElementById('editor-block').hidden")
        assert page.eval("document.getElementById('history-card').hidden")
        assert "viewer key" in page.text("viewer-note")
        library = httpx.get(
            f"{server}/api/v1/queries", headers={"Authorization": f"Bearer {key}"}, timeout=60
        )
        assert library.status_code == 200 and library.json()["queries"]  # the library ships with the server
        options = page.eval("document.getElementById('lib-select').options.length - 1")
        assert options == len(library.json()["queries"])
        assert page.text("lib-info") == "" and not page.eval("document.getElementById('lib-select').disabled")
        page.screenshot(output_dir / "console-viewer-1024.png", 1024)
        assert page.eval("window.cspViolations") == []
    finally:
        page.close()
    assert all(u.startswith(server + "/") or u.startswith(("data:", "blob:")) for u in page.requests)
