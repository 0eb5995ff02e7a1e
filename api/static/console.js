// invgraph console: read-only Cypher through POST /api/v1/cypher (the same guard, timeout, row and cost
// limits as for curl), the investigation library (GET /api/v1/queries, POST /api/v1/queries/{id}/run),
// results as a table and a graph, CSV / JSON export, this key's recent queries (GET /api/v1/cypher/history,
// kept by the server beside the audit log) and an asset's change timeline (GET /api/v1/assets/{id}/history).
// Analyst and admin keys write their own queries; a viewer key gets the library only (the server decides:
// its /cypher/history answer is 403). The editor is CodeMirror 5 and the graph Cytoscape, both installed by
// `make setup` from the npm registry and served by this API: no request leaves the machine.
"use strict";
(function () {
  const STORE = "invgraph.apiKey";  // the dashboard's sessionStorage entry (dashboard.js)
  const G = window.ConsoleGraph;
  const $ = (id) => document.getElementById(id);
  const EXPAND = "MATCH (n)-[r]-(m) WHERE elementId(n) = $element_id RETURN n, r, m LIMIT 50";

  const state = { ready: null, role: null, editor: null, graph: null, library: [], result: null, view: "table" };

  class HttpError extends Error {
    constructor(status, body) {
      const err = (body && body.error) || {};
      super(err.message || `${status}`);
      this.status = status;
      this.code = err.code || "";
      this.rule = err.rule || "";
    }
  }

  async function call(method, path, body) {
    const headers = { Authorization: "Bearer " + sessionStorage.getItem(STORE) };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(path, { method, headers, cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body) });
    const doc = await res.json().catch(() => ({}));
    if (!res.ok) throw new HttpError(res.status, doc);
    return doc;
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => { if (k === "class") e.className = v; else e.setAttribute(k, v); });
    children.forEach((c) => e.append(c));
    return e;
  }

  // -- layout (built here so index.html only holds an empty <section id="console">) ------------------------
  function build() {
    const root = $("console");
    root.append(
      el("div", { class: "card console-main" },
        el("div", { class: "console-bar" },
          el("h2", {}, "Console"),
          el("label", {}, "Library ", el("select", { id: "lib-select" }, el("option", { value: "" }, "—"))),
          el("span", { id: "lib-params", class: "filters" }),
          el("button", { id: "lib-run", type: "button" }, "Run investigation"),
          el("span", { id: "lib-info", class: "muted" })),
        el("p", { id: "lib-description", class: "muted" }),
        el("div", { id: "editor-block" },
          el("textarea", { id: "cypher-text", "aria-label": "Cypher query", spellcheck: "false" }),
          el("div", { class: "console-bar" },
            el("label", { class: "params" }, "Parameters (JSON object) ",
              el("textarea", { id: "cypher-params", rows: "2", spellcheck: "false", "aria-label": "parameters" })),
            el("label", {}, "Row limit ", el("input", { id: "cypher-limit", type: "number", min: "1", placeholder: "default" })),
            el("button", { id: "cypher-run", type: "button", class: "primary" }, "Run (Ctrl-Enter)")),
          el("p", { id: "param-hint", class: "muted" })),
        el("p", { id: "viewer-note", class: "muted", hidden: "" },
          "This key is a viewer key: it runs the library's investigations. Writing your own Cypher needs an analyst key."),
        el("div", { id: "console-message", role: "alert", hidden: "" }),
        el("div", { class: "console-bar" },
          el("span", { id: "result-status", class: "muted" }),
          el("span", { class: "spacer" }),
          el("button", { id: "view-table", type: "button", class: "tab on" }, "Table"),
          el("button", { id: "view-graph", type: "button", class: "tab" }, "Graph"),
          el("button", { id: "export-csv", type: "button", disabled: "" }, "Export CSV"),
          el("button", { id: "export-json", type: "button", disabled: "" }, "Export JSON")),
        el("div", { id: "result-table-wrap", class: "scroll" }, el("table", { id: "result-table", class: "grid" })),
        el("div", { id: "result-graph-wrap", hidden: "" },
          el("div", { id: "graph-legend", class: "legend" }),
          el("div", { class: "graph-row" },
            el("div", { id: "result-graph" }),
            el("div", { id: "node-info", class: "node-info muted" }, "Tap a node for its properties; double-tap to expand it one hop."))),
        el("div", { id: "timeline", hidden: "" })),
      el("aside", { class: "card console-side", id: "history-card" },
        el("h2", {}, "Recent queries ", el("span", { class: "muted" }, "(this key)")),
        el("ol", { id: "query-history", class: "history" })));
  }

  // -- start-up: role, library, label colours --------------------------------------------------------------
  function init() {
    build();
    state.graph = new G.Graph($("result-graph"), $("graph-legend"), expandNode, showNode);
    state.editor = window.CodeMirror.fromTextArea($("cypher-text"), { mode: "cypher", lineNumbers: true,
      lineWrapping: true, viewportMargin: Infinity,
      extraKeys: { "Ctrl-Enter": () => runCypher(), "Cmd-Enter": () => runCypher() } });
    state.editor.setValue("MATCH (n:AWSAccount) RETURN n LIMIT 25");
    state.editor.on("change", paramHint);
    $("cypher-params").value = "{}";
    $("cypher-params").addEventListener("input", paramHint);
    $("cypher-run").addEventListener("click", () => runCypher());
    $("lib-select").addEventListener("change", () => showLibraryParams($("lib-select").value));
    $("lib-run").addEventListener("click", () => runSelectedLibrary());
    $("view-table").addEventListener("click", () => setView("table"));
    $("view-graph").addEventListener("click", () => setView("graph"));
    $("export-csv").addEventListener("click", () => download("csv"));
    $("export-json").addEventListener("click", () => download("json"));
    state.built = true;
  }

  // What this key may do and which investigations the server has: asked again after every sign-in.
  async function probe() {
    await Promise.all([loadHistory(), loadLibrary(), loadLabels()]);
    document.body.dataset.console = "ready";  // for scripted checks
  }

  async function loadLabels() {
    try { state.graph.setLabels((await call("GET", "/api/v1/cypher/labels")).labels); } catch (e) {
      message("error", "Graph colours unavailable: " + e.message);
    }
  }

  async function loadHistory() {
    try {
      const doc = await call("GET", "/api/v1/cypher/history?limit=20");
      state.role = "analyst";
      renderHistory(doc.queries);
    } catch (e) {
      if (!(e instanceof HttpError) || e.status !== 403) return message("error", "History unavailable: " + e.message);
      state.role = "viewer";
    }
    $("editor-block").hidden = $("history-card").hidden = state.role !== "analyst";
    $("viewer-note").hidden = state.role === "analyst";
    $("console").classList.toggle("viewer", state.role !== "analyst");
  }

  function renderHistory(queries) {
    const list = $("query-history");
    while (list.firstChild) list.removeChild(list.firstChild);
    if (!queries.length) list.append(el("li", { class: "muted" }, "No query yet."));
    queries.forEach((q) => {
      const item = el("li", {}, el("span", { class: "badge " + (q.outcome === "ok" ? "ok" : "failed") }, q.outcome),
        " ", el("span", { class: "muted" }, q.at.replace("T", " ").slice(0, 19)),
        el("code", {}, q.query.length > 160 ? q.query.slice(0, 159) + "…" : q.query));
      item.title = q.query + (q.detail ? "\n— " + q.detail : "");
      item.addEventListener("click", () => {
        state.editor.setValue(q.query);
        $("cypher-params").value = JSON.stringify(q.parameters);
        paramHint();
      });
      list.append(item);
    });
  }

  // -- the library -------------------------------------------------------------------------------------------
  async function loadLibrary() {
    try {
      state.library = (await call("GET", "/api/v1/queries")).queries;
    } catch (e) {
      state.library = [];
      $("lib-run").disabled = $("lib-select").disabled = true;
      $("lib-info").textContent = "library could not be loaded: " + e.message;
      return;
    }
    const select = $("lib-select");
    $("lib-run").disabled = select.disabled = false;
    $("lib-info").textContent = "";
    while (select.options.length > 1) select.remove(1);
    state.library.forEach((q) => select.add(new Option(q.title || q.id, q.id)));
    showLibraryParams(select.value);
  }

  function showLibraryParams(id) {
    const box = $("lib-params");
    while (box.firstChild) box.removeChild(box.firstChild);
    const q = state.library.find((x) => x.id === id);
    $("lib-description").textContent = q ? q.description || "" : "";
    $("lib-run").disabled = !q;
    (q ? q.parameters : []).forEach((p) => box.append(el("label", { title: p.description || "" }, p.name + " ",
      el("input", { "data-param": p.name, "data-type": p.type || "string", placeholder: p.type || "" }))));
  }

  function typed(value, type) {
    if (/^(int|integer|float|number)$/i.test(type)) return Number(value);
    if (/^bool/i.test(type)) return value === "true";
    if (/^(list|array|map|object)/i.test(type)) return JSON.parse(value);
    return value;
  }

  function runSelectedLibrary() {
    const id = $("lib-select").value;
    const params = {};
    try {
      $("lib-params").querySelectorAll("input").forEach((i) => { params[i.dataset.param] = typed(i.value, i.dataset.type); });
    } catch (e) { return message("error", "A list or map parameter must be JSON: " + e.message); }
    return runLibrary(id, params);
  }

  // Public (pivots): run library query `id` with `params`, filling the form so the reader sees what ran.
  async function runLibrary(id, params) {
    await state.ready;
    const q = state.library.find((x) => x.id === id);
    if (!q) return message("error", `The library query "${id}" is not available on this server` +
      ($("lib-info").textContent ? ` (${$("lib-info").textContent})` : "") + ".");
    $("lib-select").value = id;
    showLibraryParams(id);
    $("lib-params").querySelectorAll("input").forEach((i) => {
      const v = params[i.dataset.param];
      if (v !== undefined) i.value = typeof v === "string" ? v : JSON.stringify(v);
    });
    return execute(`library ${id}`, () => call("POST", `/api/v1/queries/${encodeURIComponent(id)}/run`, { parameters: params }));
  }

  // -- hand-written Cypher -----------------------------------------------------------------------------------
  function readParams() {
    const text = $("cypher-params").value.trim() || "{}";
    const value = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("not a JSON object");
    return value;
  }

  // Names the `$parameters` the query uses that the JSON does not give (a typo shows before the run).
  function paramHint() {
    const used = [...new Set([...state.editor.getValue().matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]))];
    let given = {};
    try { given = readParams(); } catch (e) { $("param-hint").textContent = "Parameters: " + e.message; return; }
    const missing = used.filter((p) => !(p in given));
    $("param-hint").textContent = missing.length ? "Missing parameter(s): " + missing.join(", ") : "";
  }

  async function runCypher(query, params) {
    await state.ready;
    if (query !== undefined) { state.editor.setValue(query); $("cypher-params").value = JSON.stringify(params || {}); }
    let parameters;
    try { parameters = readParams(); } catch (e) { return message("error", "Parameters: " + e.message); }
    const body = { query: state.editor.getValue(), parameters };
    const limit = Number($("cypher-limit").value);
    if (limit > 0) body.limit = limit;
    const out = await execute("query", () => call("POST", "/api/v1/cypher", body));
    loadHistory();
    return out;
  }

  // Runs `request`, shows its answer or says plainly why there is none.
  async function execute(what, request) {
    message(null);
    $("timeline").hidden = true;
    $("result-status").textContent = `running ${what}…`;
    document.body.dataset.consoleRun = "running";
    try {
      const doc = await request();
      state.result = { what, columns: doc.columns, rows: doc.rows };
      $("result-status").textContent = `${what}: ${doc.row_count} row(s) in ${Math.round(doc.elapsed_ms)} ms` +
        (doc.truncated ? ` — cut at ${doc.truncated_by === "bytes" ? "the size limit" : "the row limit"}` : "");
      renderTable(doc.columns, doc.rows);
      const drawn = state.graph.show(doc.rows);
      $("view-graph").textContent = `Graph (${drawn.nodes})`;
      $("export-csv").disabled = $("export-json").disabled = false;
      if (state.view === "graph") state.graph.resize();
      return doc;
    } catch (e) {
      // No answer: clear the previous one, so what is on screen never looks like this query's result.
      $("result-status").textContent = "";
      state.result = null;
      renderTable([], []);
      state.graph.show([]);
      $("view-graph").textContent = "Graph";
      $("export-csv").disabled = $("export-json").disabled = true;
      if (!(e instanceof HttpError)) message("error", "Request failed: " + e.message);
      else if (e.status === 504) message("timeout", "Timed out: " + e.message);
      else if (e.code === "query_refused" || e.rule) message("refused", `Refused (${e.rule || e.code}): ${e.message}`);
      else if (e.status === 403) message("refused", "Not allowed for this key: " + e.message);
      else message("error", `Error (${e.code || e.status}): ${e.message}`);
      return null;
    } finally {
      document.body.dataset.consoleRun = "done";
    }
  }

  function message(kind, text) {
    const box = $("console-message");
    box.hidden = !kind;
    box.className = "console-message " + (kind || "");
    box.textContent = text || "";
  }

  // -- results -------------------------------------------------------------------------------------------------
  function show(v) {
    if (v === null || v === undefined) return "";
    if (G.isNode(v)) return `(:${v.labels.join(":")} ${G.nameOf(v)})`;
    if (G.isRel(v)) return `[:${v.type}]`;
    if (v && typeof v === "object" && Array.isArray(v.nodes) && Array.isArray(v.relationships)) {
      return v.nodes.map((n) => G.nameOf(n)).join(" → ");
    }
    return typeof v === "object" ? JSON.stringify(v) : String(v);
  }

  function renderTable(columns, rows) {
    const t = $("result-table");
    while (t.firstChild) t.removeChild(t.firstChild);
    t.append(el("tr", {}, ...columns.map((c) => el("th", {}, c))));
    if (!rows.length) t.append(el("tr", {}, Object.assign(el("td", { class: "muted" }, "no rows"), { colSpan: columns.length || 1 })));
    rows.forEach((r) => t.append(el("tr", {}, ...r.map((v) => {
      const td = el("td", {}, show(v));
      const id = G.isNode(v) && v.properties && v.properties.id;
      if (id) td.append(" ", window.Pivots.links(String(id), G.nameOf(v)));
      return td;
    }))));
  }

  function setView(view) {
    state.view = view;
    $("result-table-wrap").hidden = view !== "table";
    $("result-graph-wrap").hidden = view !== "graph";
    $("view-table").classList.toggle("on", view === "table");
    $("view-graph").classList.toggle("on", view === "graph");
    if (view === "graph") state.graph.resize();
  }

  function showNode(n) {
    const box = $("node-info");
    while (box.firstChild) box.removeChild(box.firstChild);
    box.classList.remove("muted");
    const expand = el("button", { type: "button", id: "expand-node" }, "Expand one hop");
    expand.addEventListener("click", () => expandNode(n));
    box.append(el("h3", {}, n.labels.join(" · ")), el("b", {}, G.nameOf(n)), " ", expand);
    if (n.properties && n.properties.id) box.append(" ", window.Pivots.links(String(n.properties.id), G.nameOf(n)));
    const props = el("table", { class: "grid" });
    Object.entries(n.properties || {}).sort().forEach(([k, v]) =>
      props.append(el("tr", {}, el("td", {}, k), el("td", {}, typeof v === "object" ? JSON.stringify(v) : String(v)))));
    box.append(props);
  }

  // One hop around a drawn node: analysts through /cypher; viewers through the library's neighbourhood query.
  async function expandNode(n) {
    let request;
    if (state.role === "analyst") {
      request = () => call("POST", "/api/v1/cypher", { query: EXPAND, parameters: { element_id: n.element_id } });
    } else if (state.library.some((q) => q.id === "neighbourhood") && n.properties && n.properties.id) {
      request = () => call("POST", "/api/v1/queries/neighbourhood/run", { parameters: { id: n.properties.id } });
    } else {
      return message("error", "Expanding needs an analyst key or the library's neighbourhood query.");
    }
    message(null);
    try {
      const doc = await request();
      const added = state.graph.expand(doc.rows, n.element_id);
      const c = state.graph.counts();
      $("result-status").textContent = `expanded ${G.nameOf(n)}: ${added} new node(s); ${c.nodes} nodes, ${c.edges} relationships drawn`;
      $("view-graph").textContent = `Graph (${c.nodes})`;
      if (state.role === "analyst") loadHistory();
      return added;
    } catch (e) {
      message("error", "Could not expand: " + e.message);
      return null;
    }
  }

  // -- export --------------------------------------------------------------------------------------------------
  function csvCell(v) {
    let s = v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;  // a spreadsheet must not run a cell as a formula
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  }

  function exported(kind) {
    const { columns, rows } = state.result;
    if (kind === "json") return JSON.stringify({ columns, rows }, null, 2);
    return [columns, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
  }

  function download(kind) {
    if (!state.result) return;
    const blob = new Blob([exported(kind)], { type: kind === "json" ? "application/json" : "text/csv" });
    const a = el("a", { href: URL.createObjectURL(blob), download: `invgraph-query.${kind}` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }

  // -- an asset's change timeline (pivot "history") -------------------------------------------------------------
  async function timeline(id, name) {
    await state.ready;
    const box = $("timeline");
    while (box.firstChild) box.removeChild(box.firstChild);
    box.hidden = false;
    box.append(el("h3", {}, `History of ${name || id}`));
    box.scrollIntoView({ block: "nearest" });
    let entries;
    try {
      entries = await call("GET", `/api/v1/assets/${encodeURIComponent(id)}/history`);
    } catch (e) {
      box.append(el("p", { class: "unavailable" }, e instanceof HttpError && e.status === 404
        ? "No recorded change for this asset in the retained runs." : "Could not load: " + e.message));
      return 0;
    }
    const t = el("table", { class: "grid", id: "timeline-table" },
      el("tr", {}, ...["run", "collected", "change", "what changed"].map((h) => el("th", {}, h))));
    entries.forEach((e) => {
      const what = [...e.changes.map((c) => `${c.property}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`),
        ...e.relationships.map((r) => `${r.kind} ${r.start} -[:${r.type}]-> ${r.end}`)].join("\n");
      t.append(el("tr", {}, el("td", {}, e.run_id), el("td", {}, (e.collected_at || e.started_at || "").replace("T", " ").slice(0, 19)),
        el("td", {}, e.kind || ""), el("td", { class: "pre" }, what || "–")));
    });
    box.append(t);
    return entries.length;
  }

  // -- showing and hiding the console view -----------------------------------------------------------------------
  function open() {
    $("board").hidden = true;
    $("console").hidden = false;
    $("open-console").textContent = "Dashboard";
    if (!state.built) init();
    if (!state.ready) state.ready = probe();
    state.editor.refresh();
    if (state.view === "graph") state.graph.resize();
    return state.ready;
  }

  function close() {
    $("console").hidden = true;
    $("board").hidden = false;
    $("open-console").textContent = "Console";
  }

  // The key is gone (signed out or refused): hide the console and forget what the key was allowed and ran.
  function signedOut() {
    close();
    $("open-console").hidden = true;
    state.ready = null;
    state.role = null;
    state.result = null;
    if (state.built) {
      message(null);
      renderTable([], []);
      state.graph.show([]);
      renderHistory([]);
      $("result-status").textContent = "";
      $("timeline").hidden = true;
      $("export-csv").disabled = $("export-json").disabled = true;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("open-console").addEventListener("click", () => ($("console").hidden ? open() : close()));
  });

  window.InvgraphConsole = { open, close, signedOut, runCypher, runLibrary, timeline, expandNode, exported,
    graph: () => state.graph };
})();
