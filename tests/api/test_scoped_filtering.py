"""Scoped keys on real data: every read endpoint and widget shows a scoped key exactly the in-scope part of
what an unscoped key sees, and an out-of-scope id in a path reads as unknown (404).

One generated sample (two AWS accounts, two EKS clusters, two GCP projects; two days, so there is drift,
privilege creep and exposure change) is ingested for real with the post-ingest steps, the controls run
once, then each answer of a key scoped to one account, its cluster and one project is compared with the
unscoped key's answer filtered here, in Python, by the documented rule (api/scopes.in_scope). Nothing is
hard-coded: the test derives the expected sets from the unscoped answers and the graph.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import get_exposure_settings
from api.scopes import in_scope
from api.widgets.common import controls
from appdb import keys as apikeys
from config import ExposureSettings, set_settings
from graph import driver
from ingest.sample import generate
from pipeline.run import ingest_snapshot
from queries import catalogue, findings
from queries import runner as controls_runner
from tests.api.live_server import live_api
from tests.conftest import _wipe, wipe_app_db

pytestmark = pytest.mark.timeout(1800)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


class World:
    def __init__(self, client: TestClient, full: str, scoped: str, allowed: list[str], out: dict[str, Any]):
        self.client, self.allowed, self.out = client, allowed, out
        self.full_h = {"Authorization": f"Bearer {full}"}
        self.scoped_h = {"Authorization": f"Bearer {scoped}"}

    def both(self, path: str) -> tuple[Any, Any]:
        a = self.client.get(path, headers=self.full_h)
        b = self.client.get(path, headers=self.scoped_h)
        assert a.status_code == 200, (path, a.text[:300])
        assert b.status_code == 200, (path, b.text[:300])
        return a.json(), b.json()

    def ok(self, scope: str | None) -> bool:
        return in_scope(scope, self.allowed)


@pytest.fixture(scope="module")
def world(neo4j_uri: str) -> Iterator[World]:
    set_settings(None)
    _wipe()
    wipe_app_db()
    sample = Path(tempfile.mkdtemp(prefix="invgraph-scoped-sample-"))
    manifest = generate(sample, accounts=2, clusters=2, scale=0.2, days=2, seed=11, gcp_projects=2)
    for day in ("day-01", "day-02"):
        assert ingest_snapshot(sample / day).status in ("ok", "partial")
    target = controls_runner.latest_target()
    findings.record_run(controls_runner.run_controls(catalogue.load_catalogue(), target), target)
    inside, outside = manifest["accounts"][0], manifest["accounts"][1]
    cluster = next(c["name"] for c in manifest["clusters"] if c["account_id"] == inside["account_id"])
    other = next(c["name"] for c in manifest["clusters"] if c["account_id"] == outside["account_id"])
    projects = [r["id"] for r in driver.read("MATCH (p:GCPProject) RETURN p.id AS id ORDER BY id")]
    scopes = apikeys.Scopes(
        aws_accounts=(inside["account_id"],), clusters=(cluster,), gcp_projects=tuple(projects[-1:])
    )
    scoped = apikeys.create_key("scoped-viewer", "viewer", scopes=scopes)[1]
    full = apikeys.create_key("full-viewer", "viewer")[1]
    app = create_app()
    # Enough paths per target that the unscoped answer lists every short path, so the scoped one is a
    # true subset of it rather than a different top-k.
    wide = ExposureSettings(exposure_paths_per_target=50)
    app.dependency_overrides[get_exposure_settings] = lambda: wide
    with TestClient(app, raise_server_exceptions=False) as client:
        allowed = sorted({*scopes.aws_accounts, *scopes.clusters, *scopes.gcp_projects})
        yield World(client, full, scoped, allowed, {"account": outside["account_id"], "cluster": other})
    shutil.rmtree(sample, ignore_errors=True)


def test_findings(world: World) -> None:
    full, scoped = world.both("/api/v1/findings?state=all&limit=1000")
    assert full["total"] < 1000
    expected = {f["id"] for f in full["items"] if world.ok(f["scope"])}
    assert {f["id"] for f in scoped["items"]} == expected
    assert expected and len(expected) < len(full["items"])


def test_findings_widgets(world: World) -> None:
    items, _ = world.both("/api/v1/findings?state=all&limit=1000")
    mine = [f for f in items["items"] if world.ok(f["scope"])]
    sev: dict[str, Counter[str]] = {}
    for f in mine:
        kind = (
            "resolved"
            if f["lifecycle"] == "resolved"
            else "suppressed"
            if f["state"] in ("muted", "accepted")
            else "open"
        )
        sev.setdefault(f["severity"] or "info", Counter())[kind] += 1
    _, w = world.both("/api/v1/widgets/findings-by-severity")
    got = {
        r["severity"]: Counter({k: r[k] for k in ("open", "suppressed", "resolved") if r[k]})
        for r in w["severities"]
    }
    assert {s: c for s, c in got.items() if c} == sev
    assert w["total_open"] == sum(c["open"] for c in sev.values())
    meta = controls()
    for widget, field, key in (
        ("findings-by-domain", "domains", "domain"),
        ("findings-by-maturity", "levels", "maturity"),
    ):
        _, w = world.both(f"/api/v1/widgets/{widget}")
        want = Counter(getattr(meta[f["control_id"]], key) for f in mine if f["lifecycle"] != "resolved")
        got_open = Counter({r[key]: r["open"] + r["suppressed"] for r in w[field]})
        got_open = +got_open  # drop the groups without findings
        assert got_open == want, widget


def test_control_pass_rates(world: World) -> None:
    items, _ = world.both("/api/v1/findings?state=all&limit=1000")
    full, scoped = world.both("/api/v1/widgets/control-pass-rates")
    seen = Counter(
        f["control_id"] for f in items["items"] if world.ok(f["scope"]) and f["lifecycle"] != "resolved"
    )
    assert {c["control_id"] for c in scoped["controls"]} == {c["control_id"] for c in full["controls"]}
    for c in scoped["controls"]:
        assert c["evaluated"] is None and c["pass_rate"] is None  # not recorded per scope
        if c["status"] != "error":
            assert c["failed"] == seen.get(c["control_id"], 0), c["control_id"]
            assert (c["status"] == "fail") == (c["failed"] > 0)
    assert any(c["failed"] for c in scoped["controls"])


def test_asset_counts(world: World) -> None:
    full, scoped = world.both("/api/v1/widgets/asset-counts")
    for group, key in (("by_account", "id"), ("by_cluster", "name"), ("by_project", "id")):
        assert scoped[group] == [o for o in full[group] if world.ok(o[key])], group
    assert scoped["external_accounts"] == []
    labels = {c["label"]: c["count"] for c in full["by_label"]}
    assert all(0 < c["count"] <= labels[c["label"]] for c in scoped["by_label"])
    # Independently: the schema nodes held (RESOURCE) by the in-scope owners, or owners themselves.
    counted = {c["label"] for c in full["by_label"]}
    rows = driver.read(
        "MATCH (n) WHERE any(l IN labels(n) WHERE l IN $labels) "
        "OPTIONAL MATCH (o)-[:RESOURCE]->(n) WHERE o:AWSAccount OR o:GCPProject OR o:KubernetesCluster "
        "RETURN elementId(n) AS n, labels(n) AS labels, n.id AS id, n.name AS name, "
        "collect(CASE WHEN o:KubernetesCluster THEN o.name ELSE o.id END) AS owners",
        {"labels": sorted(counted)},
    )
    owner = {"AWSAccount", "GCPProject", "KubernetesCluster"}

    def mine(r: dict[str, Any]) -> bool:
        own = r["name"] if "KubernetesCluster" in r["labels"] else r["id"]
        return any(o in world.allowed for o in r["owners"]) or (
            bool(owner & set(r["labels"])) and own in world.allowed
        )

    assert scoped["total"] == sum(1 for r in rows if mine(r))
    assert 0 < scoped["total"] < full["total"]


def test_top_exposed_assets(world: World) -> None:
    full, scoped = world.both("/api/v1/widgets/top-exposed-assets?limit=100")
    assert len(full["assets"]) < 100
    assert [a["id"] for a in scoped["assets"]] == [a["id"] for a in full["assets"] if world.ok(a["scope"])]
    assert scoped["assets"] and len(scoped["assets"]) < len(full["assets"])


def test_latest_drift(world: World) -> None:
    full, scoped = world.both("/api/v1/widgets/latest-drift")
    rows = driver.read(
        "MATCH (c:AssetChange {run_id: $run}) RETURN c.scope AS scope, c.label AS label, "
        "c.kind AS kind, c.asset_id AS id",
        {"run": full["run_id"]},
    )
    mine = [r for r in rows if world.ok(r["scope"])]
    for kind in ("added", "removed", "changed"):
        assert scoped["assets"][kind] == sum(1 for r in mine if r["kind"] == kind), kind
    assert {s["asset_id"] for s in scoped["sample"]} <= {r["id"] for r in mine}
    assert all(world.ok(s["scope"]) for s in scoped["sample"])
    rels = driver.read(
        "MATCH (c:RelChange {run_id: $run}) RETURN c.scope AS scope, c.kind AS kind", {"run": full["run_id"]}
    )
    for kind in ("added", "removed"):
        want = sum(1 for r in rels if r["kind"] == kind and world.ok(r["scope"]))
        assert scoped["relationships"][kind] == want
    assert sum(scoped["assets"].values()) < sum(full["assets"].values())


def test_privilege_creep(world: World) -> None:
    creep, scoped_creep = world.both("/api/v1/privileges/creep")
    expected = {p["id"] for p in creep["principals"] if world.ok(p["scope"])}
    assert {p["id"] for p in scoped_creep["principals"]} == expected
    _, w = world.both("/api/v1/widgets/privilege-creep")
    assert w["principals"] == len(expected)
    assert {p["id"] for p in w["top"]} <= expected


def test_runs_and_runs_widget(world: World) -> None:
    full, scoped = world.both("/api/v1/runs")
    expected = [{**r, "modules": [m for m in r["modules"] if world.ok(m["scope"])]} for r in full]
    assert scoped == [r for r in expected if r["modules"]]
    assert any(not world.ok(m["scope"]) for r in full for m in r["modules"])
    fw, sw = world.both("/api/v1/widgets/runs")
    want = {r["id"]: r["modules"] for r in expected if r["modules"]}
    assert {r["id"] for r in sw["runs"]} == set(want)
    for r in sw["runs"]:
        assert r["modules"] == len(want[r["id"]])
        assert r["nodes"] == sum(m["nodes"] or 0 for m in want[r["id"]])


def test_drift(world: World) -> None:
    full, scoped = world.both("/api/v1/drift")
    for kind in ("added", "removed", "changed"):
        assert scoped["assets"][kind] == [a for a in full["assets"][kind] if world.ok(a["scope"])], kind
    for kind in ("new", "resolved", "reopened"):
        assert scoped["findings"][kind] == [f for f in full["findings"][kind] if world.ok(f["scope"])], kind
    for kind in ("added", "removed"):
        rels = {(r["start"], r["type"], r["end"]) for r in full["relationships"][kind]}
        assert {(r["start"], r["type"], r["end"]) for r in scoped["relationships"][kind]} <= rels
    assert sum(len(v) for v in scoped["assets"].values()) < sum(len(v) for v in full["assets"].values())
    assert world.out["account"] not in str(scoped)


def _in_path(world: World, nodes: list[dict[str, Any]]) -> bool:
    return all(world.ok(n.get("account") or n.get("cluster")) for n in nodes if n["id"] != "internet")


def test_exposure_assets_and_paths(world: World) -> None:
    full, scoped = world.both("/api/v1/exposure/assets?limit=1000")
    want = [a["id"] for a in full["assets"] if world.ok(a["account"] or a["cluster"])]
    assert [a["id"] for a in scoped["assets"]] == want and scoped["total"] == len(want)
    assert want and len(want) < len(full["assets"])
    full, scoped = world.both("/api/v1/exposure/paths?limit=200")
    key = lambda p: tuple(n["id"] for n in p["nodes"])  # noqa: E731
    assert full["total"] < 200
    assert {key(p) for p in scoped["paths"]} == {key(p) for p in full["paths"] if _in_path(world, p["nodes"])}
    assert any(not _in_path(world, p["nodes"]) for p in full["paths"])


def test_exposure_path_detail_out_of_scope_target(world: World) -> None:
    full, _ = world.both("/api/v1/exposure/paths?limit=200")
    foreign = next(
        p["target"]
        for p in full["paths"]
        if not world.ok(p["nodes"][-1].get("account") or p["nodes"][-1].get("cluster"))
    )
    a = world.client.get(f"/api/v1/exposure/paths?target={quote(foreign, safe='')}", headers=world.full_h)
    b = world.client.get(f"/api/v1/exposure/paths?target={quote(foreign, safe='')}", headers=world.scoped_h)
    assert a.status_code == b.status_code == 200
    assert a.json()["paths"] and b.json()["paths"] == [] and b.json()["total"] == 0
    assert foreign not in b.text


def test_exposure_drift(world: World) -> None:
    full, scoped = world.both("/api/v1/exposure/drift")
    for kind in ("newly_reachable", "no_longer_reachable", "changed"):
        want = [a["id"] for a in full["assets"][kind] if world.ok(a["account"] or a["cluster"])]
        assert [a["id"] for a in scoped["assets"][kind]] == want, kind
    for kind in ("new", "gone", "rescored"):
        want = {p["id"] for p in full["paths"][kind] if _in_path(world, p["nodes"])}
        assert {p["id"] for p in scoped["paths"][kind]} == want, kind


def test_asset_history(world: World) -> None:
    rows = driver.read(
        "MATCH (c:AssetChange) RETURN c.asset_id AS id, c.scope AS scope, c.kind AS kind ORDER BY id"
    )
    inside = next(r["id"] for r in rows if world.ok(r["scope"]) and r["kind"] == "changed")
    # Change records carry the module's scope (`<account>/<region>` for regional AWS modules).
    outside = next(r["id"] for r in rows if (r["scope"] or "").split("/")[0] == world.out["account"])
    for asset, visible in ((inside, True), (outside, False)):
        path = f"/api/v1/assets/{quote(asset, safe='')}/history"
        full = world.client.get(path, headers=world.full_h)
        assert full.status_code == 200, full.text
        scoped = world.client.get(path, headers=world.scoped_h)
        if visible:
            assert scoped.status_code == 200
            want = [{**e, "relationships": [r for r in e["relationships"]]} for e in full.json() if e["kind"]]
            assert [e["run_id"] for e in scoped.json()] == [e["run_id"] for e in want]
        else:
            assert scoped.status_code == 404 and scoped.json()["error"]["code"] == "not_found"
            unknown = world.client.get("/api/v1/assets/no-such-asset/history", headers=world.scoped_h)
            assert scoped.json()["error"]["message"] == unknown.json()["error"]["message"]


def test_privilege_detail_out_of_scope_is_404(world: World) -> None:
    creep, _ = world.both("/api/v1/privileges/creep")
    ids = driver.read("MATCH (p:PrincipalPermissions) RETURN DISTINCT p.principal_id AS id, p.scope AS scope")
    foreign = next(r["id"] for r in ids if r["id"] and not world.ok(r["scope"]))
    path = f"/api/v1/privileges/{quote(foreign, safe='')}"
    assert world.client.get(path, headers=world.full_h).status_code == 200
    r = world.client.get(path, headers=world.scoped_h)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert creep is not None


def test_metrics_and_cypher_refuse_scoped_keys(world: World) -> None:
    r = world.client.get("/metrics", headers=world.scoped_h)
    assert r.status_code == 403 and r.json()["error"]["rule"] == "scoped_key"
    assert "operator endpoint" in r.json()["error"]["message"]
    assert world.client.get("/metrics", headers=world.full_h).status_code == 200
    r = world.client.post("/api/v1/cypher", json={"query": "RETURN 1"}, headers=world.scoped_h)
    assert r.status_code == 403


def test_every_widget_is_scoped(world: World) -> None:
    """No widget answers a scoped key with another scope's ids (the cache keeps scoped answers apart)."""
    names = [w["name"] for w in world.client.get("/api/v1/widgets", headers=world.scoped_h).json()["widgets"]]
    assert len(names) >= 9
    for name in names:
        world.both(f"/api/v1/widgets/{name}")  # fill the unscoped cache first
        r = world.client.get(f"/api/v1/widgets/{name}", headers=world.scoped_h)
        assert r.status_code == 200, (name, r.text[:200])
        assert world.out["account"] not in r.text and world.out["cluster"] not in r.text, name


@pytest.mark.browser
def test_dashboard_for_a_scoped_viewer(
    world: World, neo4j_uri: str, tmp_path: Path, output_dir: Path
) -> None:
    """The dashboard in headless Chromium (1400 px) with the scoped key: every panel loads (no "Could not
    load"), the asset total is the scoped one, and the other account and cluster appear nowhere."""
    assert Path(CHROMIUM).exists(), "chromium is missing: run `make setup` (apt-get install chromium)"
    token = world.scoped_h["Authorization"].split(" ", 1)[1]
    _, counts = world.both("/api/v1/widgets/asset-counts")
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--window-size=1400,2600",
        "--virtual-time-budget=8000",
    ]
    with live_api(neo4j_uri) as base:
        url = f"{base}/#key={token}"
        dom = ""
        for attempt in range(3):  # a loaded machine may need a second look
            profile = f"--user-data-dir={tmp_path / f'p{attempt}'}"
            dom = subprocess.run(
                [CHROMIUM, *flags, profile, "--dump-dom", url], capture_output=True, text=True, timeout=300
            ).stdout
            if 'data-loaded="true"' in dom and f">{counts['total']:,}<" in dom:
                break
        assert 'data-loaded="true"' in dom, dom[:2000]
        assert f'id="asset-total">{counts["total"]:,}<' in dom
        assert "Could not load" not in dom and token not in dom
        text = html.unescape(re.sub(r"<[^>]+>", " ", dom))
        assert world.out["account"] not in text and world.out["cluster"] not in text
        assert world.allowed[0] in text or any(a in text for a in world.allowed)
        shot = output_dir / "dashboard-scoped-1400.png"
        shot.unlink(missing_ok=True)
        subprocess.run(
            [CHROMIUM, *flags, f"--user-data-dir={tmp_path / 'shot'}", f"--screenshot={shot}", url],
            capture_output=True,
            timeout=300,
        )
        assert shot.exists() and shot.stat().st_size > 20_000
