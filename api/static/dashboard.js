// invgraph dashboard: asks for an API key, keeps it in sessionStorage (this tab only, gone when it closes),
// and sends it as a Bearer token on every request. A key may also arrive as `/#key=…` (for scripted
// browsers); it is moved into sessionStorage and removed from the address bar at once. Fragments are
// never sent to the server, so the key does not reach access logs either.
"use strict";
(function () {
  const C = window.Charts;
  const P = window.Pivots;  // pivots.js: links to the console and to an asset's history
  const STORE = "invgraph.apiKey";
  const REFRESH_MS = 30000;
  const $ = (id) => document.getElementById(id);
  let timer = null;

  function takeKeyFromFragment() {
    const m = /(?:^#|&)key=([^&]+)/.exec(window.location.hash);
    if (m) {
      sessionStorage.setItem(STORE, decodeURIComponent(m[1]));
      history.replaceState(null, "", window.location.pathname + window.location.search);
    }
  }

  class Unauthorized extends Error {}
  class NotFound extends Error {}

  async function api(path) {
    const key = sessionStorage.getItem(STORE);
    const res = await fetch(path, { headers: { Authorization: "Bearer " + key }, cache: "no-store" });
    if (res.status === 401) throw new Unauthorized("the key was refused (unknown, revoked or mistyped)");
    const body = await res.json().catch(() => ({}));
    if (res.status === 404) throw new NotFound((body.error && body.error.message) || path);
    if (!res.ok) {
      const err = new Error((body.error && body.error.message) || res.status + " " + res.statusText);
      err.rule = body.error && body.error.rule;  // e.g. "scoped_key": a refusal the card can explain
      throw err;
    }
    return body;
  }

  function cell(v, cls) {
    const td = document.createElement("td");
    if (v instanceof Node) td.appendChild(v);
    else if (v === null || v === undefined) td.textContent = "–";
    else td.appendChild(C.breakable(v));
    if (cls) td.className = cls;
    // Cells wrap after id separators (C.breakable) so no column is pushed out; a short single word keeps
    // its width.
    if (!(v instanceof Node) && typeof v === "string" && v.length <= 18 && !/\s/.test(v)) td.classList.add("word");
    if (!(v instanceof Node) && v !== null && v !== undefined) td.title = String(v);
    return td;
  }

  function table(el, headers, rows, empty) {
    C.clear(el);
    const head = document.createElement("tr");
    headers.forEach((h) => {
      const th = document.createElement("th");
      th.textContent = h.replace(/^#/, "");
      if (h.startsWith("#")) th.className = "num";
      head.appendChild(th);
    });
    el.appendChild(head);
    if (!rows.length) {
      const tr = document.createElement("tr");
      const td = cell(empty || "nothing to show", "muted");
      td.colSpan = headers.length;
      tr.appendChild(td);
      el.appendChild(tr);
    }
    rows.forEach((r) => {
      const tr = document.createElement("tr");
      r.forEach((v, i) => tr.appendChild(cell(typeof v === "number" ? C.fmt(v) : v,
        headers[i].startsWith("#") ? "num" : "")));
      el.appendChild(tr);
    });
  }

  // An account / project / organization id kept whole in a table cell (table.grid .id); missing: "–".
  function wholeId(text) {
    if (!text) return text;
    const s = document.createElement("span");
    s.className = "id";
    s.textContent = text;
    return s;
  }

  function badge(text, kind) {
    const s = document.createElement("span");
    s.className = "badge " + (kind || text || "");
    s.textContent = text || "–";
    return s;
  }

  function note(el, text) {
    C.clear(el);
    const p = document.createElement("p");
    p.className = "unavailable";
    p.textContent = text;
    el.appendChild(p);
  }

  function stats(el, items) {
    C.clear(el);
    items.forEach(([value, label]) => {
      const d = document.createElement("div");
      d.className = "stat";
      const b = document.createElement("b");
      b.textContent = C.fmt(value);
      const s = document.createElement("span");
      s.textContent = label;
      d.append(b, s);
      el.appendChild(d);
    });
  }

  const pct = (v) => (v === null || v === undefined ? "–" : (v * 100).toFixed(1) + "%");

  const CATEGORY_COLORS = { compute: "#2f6fdb", data: "#d9452b", identity: "#8e44ad", network: "#2e9d5b",
    kubernetes: "#e8962e", other: "#8aa1b8", plumbing: "#c9d3de" };

  function renderAssets(w) {
    $("asset-total").textContent = C.fmt(w.total);
    const cats = w.by_category || [];
    stats($("asset-categories"), cats.filter((c) => !c.folded).map((c) => [c.count, c.category]));
    // The chart shows what an analyst counts as assets; plumbing (IP rules, interfaces, reservations, policy
    // statements) is folded below it with its own counts.
    const shown = cats.filter((c) => !c.folded).flatMap((c) => c.labels.map((l) => ({ label: l.label,
      value: l.count, color: CATEGORY_COLORS[c.category] || "#8aa1b8" }))).sort((a, b) => b.value - a.value);
    C.hbar($("assets-by-label"), shown.slice(0, 14), { title: "assets by type (plumbing folded)" });
    const plumbing = cats.find((c) => c.folded);
    $("assets-plumbing").hidden = !plumbing;
    if (plumbing) {
      $("assets-plumbing-summary").textContent = `plumbing, folded: ${C.fmt(plumbing.count)} records ` +
        "(network interfaces, reservations, routes, policy statements, IP rules)";
      table($("assets-plumbing-table"), ["type", "#records"], plumbing.labels.map((l) => [l.label, l.count]));
    }
    const scopes = (rows) => rows.map((r) => [r.name || r.id, r.count]);
    table($("assets-by-account"), ["account", "#assets"], scopes(w.by_account), "no AWS account inventoried");
    const external = w.external_accounts || [];
    $("assets-external-h").hidden = $("assets-external").hidden = !external.length;
    if (external.length) table($("assets-external"), ["account", "#nodes here"], scopes(external));
    table($("assets-by-cluster"), ["cluster", "#assets"], scopes(w.by_cluster), "no Kubernetes cluster inventoried");
    $("assets-by-project-h").hidden = $("assets-by-project").hidden = !w.by_project.length;
    if (w.by_project.length) table($("assets-by-project"), ["project", "#assets"], scopes(w.by_project));
    const parents = w.by_gcp_parent || [];
    $("assets-gcp-parent-h").hidden = $("assets-gcp-parent").hidden = !parents.length;
    if (parents.length) table($("assets-gcp-parent"), ["organization / folder", "#assets"], scopes(parents));
    const subs = w.by_subscription || [];
    $("assets-by-subscription-h").hidden = $("assets-by-subscription").hidden = !subs.length;
    if (subs.length) table($("assets-by-subscription"), ["subscription", "#assets"], scopes(subs));
    fillSelect(document.querySelector("#findings-filters [name=scope]"),
      [...w.by_account, ...w.by_cluster, ...w.by_project, ...parents, ...subs].map((r) => [r.id, r.name || r.id]));
  }

  function tallyBars(rows, labelOf) {
    return rows.map((r) => ({ label: labelOf(r), segments: [
      { name: "open", value: r.open, color: "#d9452b" },
      { name: "suppressed", value: r.suppressed, color: "#8aa1b8" }] }));
  }
  const TALLY_LEGEND = [{ name: "open", color: "#d9452b" }, { name: "suppressed", color: "#8aa1b8" }];

  function renderSeverity(w) {
    $("findings-open-total").textContent = w.available ? C.fmt(w.total_open) : "–";
    if (!w.available) return note($("findings-severity"), w.reason);
    C.vbar($("findings-severity"), w.severities.map((s) => ({ label: s.severity, segments: [
      { name: s.severity + " open", value: s.open, color: C.SEVERITY_COLORS[s.severity] },
      { name: "suppressed", value: s.suppressed, color: "#c9d3de" }] })),
    { title: "open findings by severity", legend: [{ name: "suppressed", color: "#c9d3de" }] });
  }

  function renderDomain(w) {
    if (!w.available) return note($("findings-domain"), w.reason);
    C.hbar($("findings-domain"), w.domains.map((d, i) => ({ label: d.domain, value: d.open,
      color: C.PALETTE[i % C.PALETTE.length] })), { labelWidth: 165, width: 400, barHeight: 20, title: "open findings by domain" });
  }

  function renderMaturity(w) {
    if (!w.available) return note($("findings-maturity"), w.reason);
    C.vbar($("findings-maturity"), tallyBars(w.levels, (l) => (l.maturity ? "level " + l.maturity : "unknown")),
      { legend: TALLY_LEGEND, title: "findings by maturity" });
  }

  function renderRates(w) {
    if (!w.available) return note($("control-rates"), w.reason);
    table($("control-rates"), ["control", "severity", "status", "#evaluated", "#failed", "#unknown", "#pass rate", "trend"],
      w.controls.map((c) => [c.title || c.control_id, badge(c.severity),
        Object.assign(badge(c.status), { title: c.error || "" }), c.evaluated, c.failed, c.unknown,
        pct(c.pass_rate), C.sparkline(c.trend.map((t) => t.pass_rate))]));
    fillSelect(document.querySelector("#findings-filters [name=control]"),
      w.controls.map((c) => [c.control_id, c.control_id]).sort());
  }

  function renderExposed(w) {
    if (!w.available) return note($("exposed-assets"), "Not available yet: " + w.reason);
    table($("exposed-assets"), ["asset", "label", "how", "#open findings"],
      w.assets.map((a) => [P.cell(a.id, a.name || a.id, { reach: true }), a.label, a.exposure.join(", "), a.open_findings]),
      "nothing is reachable from the internet in the latest exposure run");
  }

  // -- compare two points in time: drift, privilege creep and exposure change share one from/to range ----
  // The choice lives in the address bar (?from=&to=); the default is the last 7 days before the latest run.
  const DAY_MS = 86400000;
  let range = { from: "", to: "" };

  function readRange() {
    const q = new URLSearchParams(window.location.search);
    return { from: q.get("from") || "", to: q.get("to") || "" };
  }

  function writeRange(r) {
    const q = new URLSearchParams(window.location.search);
    ["from", "to"].forEach((k) => { if (r[k]) q.set(k, r[k]); else q.delete(k); });
    const search = q.toString();
    history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
  }

  // The default "from": the last run collected on or before (latest − 7 days), else the oldest run.
  function defaultFrom(runs) {
    const done = runs.filter((r) => r.collected_at && r.status !== "running");
    if (done.length < 2) return "";
    const times = done.map((r) => Date.parse(r.collected_at));
    const cut = Math.max(...times) - 7 * DAY_MS;
    const before = done.filter((r, i) => times[i] <= cut);
    const pick = before.length ? before.reduce((a, b) => (Date.parse(a.collected_at) >= Date.parse(b.collected_at) ? a : b))
      : done.reduce((a, b) => (Date.parse(a.collected_at) <= Date.parse(b.collected_at) ? a : b));
    return pick.id;
  }

  function rangeQuery() {
    const q = new URLSearchParams();
    if (range.from) q.set("from", range.from);
    if (range.to) q.set("to", range.to);
    return q.toString();
  }

  async function loadRange() {
    const runs = await api("/api/v1/runs?limit=1000");
    const list = $("range-runs");
    C.clear(list);
    runs.forEach((r) => list.appendChild(new Option(`${(r.collected_at || "").slice(0, 19)} ${r.status}`, r.id)));
    const chosen = readRange();
    range = { from: chosen.from || defaultFrom(runs), to: chosen.to };
    $("range-from").value = range.from;
    $("range-to").value = range.to;
  }

  function renderDrift(doc) {
    const a = doc.assets, r = doc.relationships;
    stats($("drift-summary"), [[a.added.length, "assets added"], [a.removed.length, "removed"],
      [a.changed.length, "changed"], [r.added.length + r.removed.length, "relationship changes"]]);
    const by = {};
    ["added", "removed", "changed"].forEach((k) => a[k].forEach((x) => {
      const label = x.labels[x.labels.length - 1] || "";
      (by[label] = by[label] || { label, added: 0, removed: 0, changed: 0 })[k] += 1;
    }));
    const rows = Object.values(by).sort((x, y) => (y.added + y.removed + y.changed) - (x.added + x.removed + x.changed));
    table($("drift-by-label"), ["label", "#added", "#removed", "#changed"],
      rows.slice(0, 8).map((d) => [d.label, d.added, d.removed, d.changed]),
      `no changes between ${doc.from.id} and ${doc.to.id}`);
    const sample = [...a.removed.map((x) => ["removed", x]), ...a.changed.map((x) => ["changed", x]),
      ...a.added.map((x) => ["added", x])].slice(0, 25);
    table($("drift-sample"), ["kind", "label", "asset", "properties"],
      sample.map(([k, x]) => [badge(k, k === "removed" ? "failed" : k === "added" ? "ok" : "partial"),
        x.labels[x.labels.length - 1], P.cell(x.id, x.name || x.id), (x.changes || []).map((c) => c.property).join(", ")]));
    $("range-info").textContent = `${doc.from.id} (${(doc.from.collected_at || "").slice(0, 10)}) → ` +
      `${doc.to.id} (${(doc.to.collected_at || "").slice(0, 10)})`;
  }

  function renderCreep(doc) {
    const ps = doc.principals;
    if (!ps.length) {
      C.clear($("creep-top"));
      return note($("creep-summary"), `No privilege changes between ${doc.from} and ${doc.to}; widen the range ` +
        "with an earlier From.");
    }
    stats($("creep-summary"), [[ps.length, "principals changed"],
      [ps.filter((p) => p.admin_after && !p.admin_before).length, "newly admin"],
      [ps.filter((p) => p.assumable_gained.length).length, "can assume more"],
      [ps.reduce((n, p) => n + p.gained.length, 0), "permissions gained"]]);
    const via = (p) => [...new Set(Object.values(p.provenance.gained).flat().map((x) => x.text))].join("; ");
    table($("creep-top"), ["principal", "kind", "#gained", "#lost", "admin", "via"],
      ps.slice(0, 10).map((p) => [P.cell(p.id, p.name || p.id), p.kind, p.gained.length, p.lost.length,
        p.admin_after ? "yes" : "no", via(p)]));
  }

  function renderExposureChange(doc) {
    const a = doc.assets, p = doc.paths;
    stats($("exposure-change-summary"), [[a.newly_reachable.length, "newly reachable"],
      [a.no_longer_reachable.length, "no longer"], [p.new.length, "new paths"], [p.gone.length, "gone paths"]]);
    const names = (x) => x.nodes.map((n) => n.name || n.id).join(" → ") + (x.replicas > 1 ? ` (${x.replicas} replicas)` : "");
    const rows = [...a.newly_reachable.map((x) => ["reachable", `${x.label} ${x.name || x.id}`, (x.ports || []).join(", ")]),
      ...a.no_longer_reachable.map((x) => ["unreachable", `${x.label} ${x.name || x.id}`, (x.ports || []).join(", ")]),
      ...p.new.map((x) => ["new path", names(x), x.score]), ...p.gone.map((x) => ["gone path", names(x), x.score])];
    table($("exposure-change-table"), ["change", "what", "ports / score"],
      rows.slice(0, 20).map(([k, w, d]) => [badge(k, k.startsWith("new") || k === "reachable" ? "failed" : "ok"), w, d]),
      `no exposure changes between ${doc.from.id} and ${doc.to.id}`);
  }

  async function loadCompare() {
    const q = rangeQuery();
    const parts = [["/api/v1/drift?", renderDrift, "drift-summary"], ["/api/v1/privileges/creep?", renderCreep,
      "creep-summary"], ["/api/v1/exposure/drift?", renderExposureChange, "exposure-change-summary"]];
    await Promise.all(parts.map(async ([path, render, target]) => {
      try { render(await api(path + q)); } catch (e) {
        if (e instanceof NotFound) return note($(target), "Not available for this range: " + e.message);
        handle(e, $(target));
      }
    }));
  }

  function renderRuns(w) {
    table($("runs-table"), ["started", "status", "#modules", "#nodes", "#seconds"],
      w.runs.map((r) => [(r.started_at || "").replace("T", " ").slice(0, 19), badge(r.status), r.modules, r.nodes,
        r.duration_s === null ? null : Math.round(r.duration_s)]), "no ingest run yet");
    const latest = w.runs[0];
    $("run-info").textContent = latest ? `latest run ${latest.id} (${latest.status})` : "";
  }

  function fillSelect(select, options) {
    const current = select.value;
    while (select.options.length > 1) select.remove(1);
    const seen = new Set();
    options.forEach(([value, text]) => {
      if (seen.has(value)) return;
      seen.add(value);
      select.add(new Option(text, value));
    });
    select.value = [...seen].includes(current) ? current : "";
  }

  async function loadFindings() {
    const params = new URLSearchParams();
    new FormData($("findings-filters")).forEach((v, k) => { if (v) params.set(k, v); });
    try {
      const page = await api("/api/v1/findings?" + params.toString());
      if (!page.available) { $("findings-count").textContent = ""; return note($("findings-table"),
        "No control run yet: findings appear after the controls ran once."); }
      $("findings-count").textContent = `${C.fmt(page.total)} matching` + (page.truncated ? ", first " +
        page.items.length + " shown" : "");
      table($("findings-table"), ["severity", "state", "control", "asset", "scope", "reason"],
        page.items.map((f) => [badge(f.severity), f.state, f.control_id, P.cell(f.asset_id, f.asset_name || f.asset_id), wholeId(f.scope),
          f.reason]), "no finding matches these filters");
    } catch (e) { handle(e, $("findings-table")); }
  }

  const idOf = (n) => (n === undefined ? undefined : typeof n === "string" ? n : n.id);

  function normalisePaths(doc) {
    const list = Array.isArray(doc) ? doc : doc.paths || doc.items || [];
    return list.filter((p) => p && Array.isArray(p.nodes) && p.nodes.length).map((p) => ({
      title: p.title || p.summary || (p.score !== undefined ? `score ${p.score} → ${p.target || ""}` : p.id || ""),
      nodes: p.nodes.map((n) => (typeof n === "string" ? { id: n } : { id: n.id, label: n.label ||
        (n.labels && n.labels[0]), name: n.name })),
      // Hops without endpoints are consecutive: hop i joins node i and node i + 1.
      hops: (p.hops || p.edges || p.relationships || []).map((h, i) => ({
        from: h.from || h.start || h.source || idOf(p.nodes[i]),
        to: h.to || h.end || h.target || idOf(p.nodes[i + 1]),
        type: [h.type || h.via || "", (h.ports || []).join(",")].filter(Boolean).join(" "),
        reason: h.reason || "" })),
    }));
  }

  let paths = [];
  async function loadExposurePath() {
    try {
      paths = normalisePaths(await api("/api/v1/exposure/paths?limit=20"));
    } catch (e) {
      if (e instanceof NotFound) return note($("exposure-path"), "No exposure paths: " + e.message);
      return handle(e, $("exposure-path"));
    }
    if (!paths.length) return note($("exposure-path"), "No exposure path found in the latest run.");
    const select = $("path-select");
    const keep = select.value;
    while (select.options.length) select.remove(0);
    paths.forEach((p, i) => select.add(new Option(
      `${i + 1}. ${p.title || ""} (${p.nodes.map((n) => n.name || n.id).join(" → ")})`.slice(0, 140), String(i))));
    // Default: the highest-scored path (the API ranks them); the reader picks others from the list.
    select.value = keep && Number(keep) < paths.length ? keep : "0";
    select.hidden = paths.length < 2;
    C.pathGraph($("exposure-path"), paths[Number(select.value)]);
    P.hops($("exposure-path-hops"), paths[Number(select.value)]);
  }

  const WIDGETS = { "asset-counts": renderAssets, "findings-by-severity": renderSeverity,
    "findings-by-domain": renderDomain, "findings-by-maturity": renderMaturity, "control-pass-rates": renderRates,
    "top-exposed-assets": renderExposed, "runs": renderRuns };
  const TARGET = { "asset-counts": "assets-by-label", "findings-by-severity": "findings-severity",
    "findings-by-domain": "findings-domain", "findings-by-maturity": "findings-maturity",
    "control-pass-rates": "control-rates", "top-exposed-assets": "exposed-assets",
    "runs": "runs-table" };

  function handle(e, el) {
    if (e instanceof Unauthorized) return signOut(e.message);
    note(el, "Could not load: " + e.message);
  }

  async function loadAll() {
    await Promise.all(Object.entries(WIDGETS).map(async ([name, render]) => {
      try { render(await api("/api/v1/widgets/" + name)); } catch (e) { handle(e, $(TARGET[name])); }
    }));
    if (!sessionStorage.getItem(STORE)) return;
    try { if (!$("range-runs").options.length) await loadRange(); } catch (e) { handle(e, $("range-info")); }
    await Promise.all([loadFindings(), loadExposurePath(), loadCompare(),
      window.RoadmapWidget.load({ api, table, badge, note, handle }), window.UsageWidget.load()]);
    $("refreshed").textContent = "updated " + new Date().toLocaleTimeString();
    document.body.dataset.loaded = "true";  // for scripted checks: everything rendered at least once
  }

  // A loader beside the API (`make demo`) reports its day on /health (no key needed); while it runs the
  // board says which day is loading and redraws each time a day (or its control run) completes.
  const LOADING_POLL_MS = 3000;
  let loadingState = null;
  let loadingTimer = null;
  async function watchLoading() {
    let loading = null;
    try {
      const res = await fetch("/api/v1/health", { cache: "no-store" });
      loading = res.ok ? (await res.json()).loading || null : null;
    } catch (e) { loading = null; }
    const banner = $("loading");
    const state = loading ? `${loading.day}/${loading.days}/${loading.phase}` : null;
    if (loading) {
      const what = loading.phase === "sample" ? "generating the sample" :
        `loading day ${loading.day} of ${loading.days}` + (loading.phase === "controls" ? " (running controls)" : "");
      banner.textContent = `Sample data: ${what}. Panels fill in as each day lands.`;
    }
    banner.hidden = !loading;
    if (loadingState !== null && state !== loadingState && sessionStorage.getItem(STORE)) loadAll();
    loadingState = state;
    clearTimeout(loadingTimer);
    if (loading) loadingTimer = setTimeout(watchLoading, LOADING_POLL_MS);
  }

  function signOut(message) {
    sessionStorage.removeItem(STORE);
    clearInterval(timer);
    $("board").hidden = true;
    $("signout").hidden = $("refresh").hidden = true;
    window.InvgraphConsole.signedOut();
    $("login").hidden = false;
    $("login-error").textContent = message || "";
  }

  function start() {
    $("login").hidden = true;
    $("board").hidden = false;
    $("signout").hidden = $("refresh").hidden = $("open-console").hidden = false;
    loadAll();
    clearInterval(timer);
    timer = setInterval(loadAll, REFRESH_MS);
  }

  document.addEventListener("DOMContentLoaded", () => {
    takeKeyFromFragment();
    $("login-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      sessionStorage.setItem(STORE, $("key-input").value.trim());
      $("key-input").value = "";
      start();
    });
    $("signout").addEventListener("click", () => signOut(""));
    $("refresh").addEventListener("click", loadAll);
    $("findings-filters").addEventListener("change", loadFindings);
    $("range-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      range = { from: $("range-from").value.trim(), to: $("range-to").value.trim() };
      writeRange(range);
      loadCompare();
    });
    $("range-reset").addEventListener("click", async () => {
      writeRange({ from: "", to: "" });
      C.clear($("range-runs"));
      await loadRange();
      loadCompare();
    });
    $("path-select").addEventListener("change", (ev) => {
      C.pathGraph($("exposure-path"), paths[Number(ev.target.value)]);
      P.hops($("exposure-path-hops"), paths[Number(ev.target.value)]);
    });
    if (sessionStorage.getItem(STORE)) start(); else signOut("");
    watchLoading();
  });
})();
