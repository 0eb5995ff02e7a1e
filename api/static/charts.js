// Small SVG charts drawn by hand (no library, no CDN): horizontal bars, vertical bars, sparklines and an
// exposure-path graph. Every text goes through textContent, never innerHTML, so asset names from the
// graph cannot inject markup.
"use strict";
(function () {
  const NS = "http://www.w3.org/2000/svg";
  const SEVERITY_COLORS = { critical: "#8e1b2e", high: "#d9452b", medium: "#e8962e", low: "#e9c84a",
    info: "#8aa1b8" };
  const PALETTE = ["#2f6fdb", "#2e9d5b", "#8a5cd1", "#d9452b", "#e8962e", "#1f9bb0", "#c2478f", "#6b7c93"];

  function svg(tag, attrs, text) {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function clear(container) {
    while (container.firstChild) container.removeChild(container.firstChild);
  }

  // Text that may wrap only after the separators of ids, ARNs, e-mails and dotted names (/ : @ . _ -), never
  // inside a word: a <wbr> after each separator, so "alice@example.com" wraps as "alice@" + "example.com"
  // and a control id between its parts (dashboard.css: a segment wider than its column still splits).
  function breakable(text) {
    const frag = document.createDocumentFragment();
    String(text).split(/(?<=[\/:@._-])/).forEach((part, i) => {
      if (i) frag.appendChild(document.createElement("wbr"));
      frag.appendChild(document.createTextNode(part));
    });
    return frag;
  }

  function fmt(n) {
    return typeof n === "number" ? n.toLocaleString("en-US") : String(n);
  }

  function truncate(s, n) {
    s = String(s);
    return s.length > n ? s.slice(0, n - 1) + "…" : s;
  }

  // rows: [{label, value, color?}] → one bar per row, labels left, values right.
  function hbar(container, rows, opts) {
    opts = opts || {};
    clear(container);
    const barH = opts.barHeight || 18, gap = 5, labelW = opts.labelWidth || 170, valueW = 56;
    const width = opts.width || 560;
    const max = Math.max(1, ...rows.map((r) => r.value));
    const height = rows.length * (barH + gap) + gap;
    const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img",
      "aria-label": opts.title || "bar chart" });
    rows.forEach((r, i) => {
      const y = gap + i * (barH + gap);
      const w = Math.max(r.value > 0 ? 2 : 0, ((width - labelW - valueW) * r.value) / max);
      const label = svg("text", { x: labelW - 6, y: y + barH * 0.72, "text-anchor": "end", "font-size": 12,
        fill: "#1d2530" }, truncate(r.label, 26));
      label.appendChild(svg("title", {}, r.label));
      root.appendChild(label);
      root.appendChild(svg("rect", { x: labelW, y, width: w, height: barH, rx: 3,
        fill: r.color || PALETTE[0] }));
      root.appendChild(svg("text", { x: labelW + w + 5, y: y + barH * 0.72, "font-size": 12, fill: "#677384" },
        fmt(r.value)));
    });
    container.appendChild(root);
  }

  // rows: [{label, segments: [{value, color, name}]}] → stacked vertical bars with a legend.
  function vbar(container, rows, opts) {
    opts = opts || {};
    clear(container);
    const width = opts.width || 360, height = opts.height || 200, pad = 28, top = 16;
    const totals = rows.map((r) => r.segments.reduce((s, x) => s + x.value, 0));
    const max = Math.max(1, ...totals);
    const slot = (width - pad) / Math.max(1, rows.length), barW = Math.min(46, slot * 0.62);
    const root = svg("svg", { viewBox: `0 0 ${width} ${height + 34}`, width: "100%", role: "img",
      "aria-label": opts.title || "bar chart" });
    root.appendChild(svg("line", { x1: pad, y1: height, x2: width, y2: height, stroke: "#dde3ea" }));
    rows.forEach((r, i) => {
      const x = pad + i * slot + (slot - barW) / 2;
      let y = height;
      r.segments.forEach((s) => {
        const h = ((height - top) * s.value) / max;
        if (h <= 0) return;
        y -= h;
        const rect = svg("rect", { x, y, width: barW, height: h, fill: s.color });
        rect.appendChild(svg("title", {}, `${s.name}: ${fmt(s.value)}`));
        root.appendChild(rect);
      });
      root.appendChild(svg("text", { x: x + barW / 2, y: y - 4, "text-anchor": "middle", "font-size": 12,
        "font-weight": 600, fill: "#1d2530" }, fmt(totals[i])));
      root.appendChild(svg("text", { x: x + barW / 2, y: height + 15, "text-anchor": "middle", "font-size": 11.5,
        fill: "#677384" }, truncate(r.label, 14)));
    });
    const legend = opts.legend || [];
    legend.forEach((l, i) => {
      const lx = pad + i * 92;
      root.appendChild(svg("rect", { x: lx, y: height + 22, width: 10, height: 10, fill: l.color }));
      root.appendChild(svg("text", { x: lx + 14, y: height + 31, "font-size": 11, fill: "#677384" }, l.name));
    });
    container.appendChild(root);
  }

  // values: numbers in [0, 1] or null → a tiny trend line (nulls are gaps).
  function sparkline(values, opts) {
    opts = opts || {};
    const width = opts.width || 90, height = opts.height || 20;
    const root = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img",
      "aria-label": "trend" });
    const step = values.length > 1 ? (width - 4) / (values.length - 1) : 0;
    let d = "";
    values.forEach((v, i) => {
      if (v === null || v === undefined) return;
      const x = 2 + i * step, y = height - 2 - v * (height - 4);
      d += (d ? " L" : "M") + x.toFixed(1) + " " + y.toFixed(1);
      root.appendChild(svg("circle", { cx: x, cy: y, r: 1.8, fill: v >= 1 ? "#2e9d5b" : "#d9452b" }));
    });
    if (d) root.insertBefore(svg("path", { d, fill: "none", stroke: "#2f6fdb", "stroke-width": 1.4 }),
      root.firstChild);
    return root;
  }

  // A path is nodes [{id, label, name}] and hops [{from, to, type}] (indexes or ids). Laid out left to right.
  function pathGraph(container, path) {
    clear(container);
    const nodes = path.nodes, n = nodes.length;
    const boxW = 150, boxH = 46, gapX = 96, height = 130;
    const width = Math.max(600, n * boxW + (n - 1) * gapX + 40);
    // Drawn at its natural size (never scaled up), shrunk only when wider than the card.
    const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img",
      "aria-label": "exposure path", class: "path-svg" });
    const defs = svg("defs");
    const marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7,
      markerHeight: 7, orient: "auto-start-reverse" });
    marker.appendChild(svg("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#677384" }));
    defs.appendChild(marker);
    root.appendChild(defs);
    const pos = new Map();
    nodes.forEach((node, i) => pos.set(node.id, { x: 20 + i * (boxW + gapX), y: (height - boxH) / 2 }));
    const hops = path.hops.length ? path.hops
      : nodes.slice(1).map((node, i) => ({ from: nodes[i].id, to: node.id, type: "" }));
    hops.forEach((h) => {
      const a = pos.get(h.from), b = pos.get(h.to);
      if (!a || !b) return;
      const x1 = a.x + boxW, x2 = b.x, y = a.y + boxH / 2;
      root.appendChild(svg("line", { x1, y1: y, x2: x2 - 2, y2: b.y + boxH / 2, stroke: "#677384",
        "stroke-width": 1.5, "marker-end": "url(#arrow)" }));
      const label = svg("text", { x: (x1 + x2) / 2, y: y - 8, "text-anchor": "middle", "font-size": 10.5,
        fill: "#677384" }, truncate(h.type || "", 16));
      if (h.reason) label.appendChild(svg("title", {}, h.reason));
      root.appendChild(label);
    });
    nodes.forEach((node, i) => {
      const p = pos.get(node.id);
      const first = i === 0, last = i === n - 1;
      root.appendChild(svg("rect", { x: p.x, y: p.y, width: boxW, height: boxH, rx: 8,
        fill: first ? "#fdecea" : last ? "#fff4e0" : "#eef3fb", stroke: first ? "#d9452b" : "#9fb3cc" }));
      root.appendChild(svg("text", { x: p.x + boxW / 2, y: p.y + 18, "text-anchor": "middle", "font-size": 10.5,
        fill: "#677384" }, truncate(node.label || "", 22)));
      const name = svg("text", { x: p.x + boxW / 2, y: p.y + 35, "text-anchor": "middle", "font-size": 12.5,
        "font-weight": 600, fill: "#1d2530" }, truncate(node.name || node.id, 20));
      name.appendChild(svg("title", {}, node.id));
      root.appendChild(name);
    });
    container.appendChild(root);
  }

  window.Charts = { hbar, vbar, sparkline, pathGraph, clear, fmt, breakable, SEVERITY_COLORS, PALETTE };
})();
