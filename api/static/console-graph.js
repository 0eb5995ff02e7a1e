// invgraph console: the graph view of a Cypher answer, drawn with Cytoscape (installed by `make setup` from
// the npm registry, served from /static/vendor). Nodes are filled by provider and outlined by kind; a tap
// shows a node's labels and properties, a double tap (or the "Expand one hop" button) adds its neighbours.
"use strict";
(function () {
  const PROVIDER_COLORS = { aws: "#f29b1d", gcp: "#4285f4", k8s: "#7e57c2", azure: "#0aa1c7", none: "#9aa8b8" };
  const PROVIDER_NAMES = { aws: "AWS", gcp: "GCP", k8s: "Kubernetes", azure: "Azure", none: "other / shared" };
  // The dashboard's category colours (dashboard.js) and one shape per kind, so kind reads without colour too.
  const KIND_STYLE = { compute: ["#2f6fdb", "ellipse"], data: ["#d9452b", "barrel"], identity: ["#8e44ad", "diamond"],
    network: ["#2e9d5b", "hexagon"], kubernetes: ["#e8962e", "round-rectangle"], other: ["#8aa1b8", "ellipse"],
    plumbing: ["#c9d3de", "rectangle"] };

  const isNode = (v) => v && typeof v === "object" && "element_id" in v && Array.isArray(v.labels);
  const isRel = (v) => v && typeof v === "object" && "element_id" in v && "type" in v && "start" in v;

  // Every node and relationship anywhere in the rows (plain values, lists, maps, paths).
  function extract(rows) {
    const nodes = new Map(), rels = new Map();
    const walk = (v) => {
      if (v === null || typeof v !== "object") return;
      if (isNode(v)) { nodes.set(v.element_id, v); return; }
      if (isRel(v)) { rels.set(v.element_id, v); return; }
      (Array.isArray(v) ? v : Object.values(v)).forEach(walk);
    };
    rows.forEach((r) => r.forEach(walk));
    return { nodes, rels };
  }

  const nameOf = (n) => {
    const p = n.properties || {};
    return String(p.name || p.displayname || p.arn || p.id || n.element_id);
  };

  class Graph {
    constructor(container, legend, onExpand, onSelect) {
      this.container = container;
      this.legend = legend;
      this.onExpand = onExpand;
      this.onSelect = onSelect;
      this.labels = new Map();  // label → {provider, kind}, from GET /api/v1/cypher/labels
      this.cy = null;
      this.skipped = 0;  // relationships whose end is not in the answer
    }

    setLabels(list) { list.forEach((l) => this.labels.set(l.label, l)); }

    // The node's specific label decides: one that belongs to a single provider, else any known one.
    classify(labels) {
      const known = labels.map((l) => this.labels.get(l)).filter(Boolean);
      const own = known.find((l) => l.provider) || known[0];
      return { provider: (own && own.provider) || "none", kind: (own && own.kind) || "other" };
    }

    ensure() {
      if (this.cy) return this.cy;
      const style = [
        { selector: "node", style: { label: "data(caption)", "font-size": 10, "text-wrap": "wrap",
          "text-max-width": 130, "text-valign": "bottom", "text-margin-y": 4, color: "#1d2530",
          "background-color": "data(fill)", "border-width": 3, "border-color": "data(stroke)", shape: "data(shape)",
          width: 30, height: 30 } },
        { selector: "node:selected", style: { "overlay-color": "#2f6fdb", "overlay-opacity": 0.25 } },
        { selector: "edge", style: { label: "data(type)", "font-size": 8.5, color: "#677384", width: 1.5,
          "line-color": "#9fb3cc", "target-arrow-color": "#9fb3cc", "target-arrow-shape": "triangle",
          "curve-style": "bezier", "text-rotation": "autorotate", "text-background-color": "#fff",
          "text-background-opacity": 0.8 } },
      ];
      this.cy = window.cytoscape({ container: this.container, style, wheelSensitivity: 0.3, minZoom: 0.1, maxZoom: 3 });
      this.cy.on("tap", "node", (ev) => this.onSelect(ev.target.data("raw")));
      this.cy.on("dbltap", "node", (ev) => this.onExpand(ev.target.data("raw")));
      return this.cy;
    }

    elements(rows) {
      const { nodes, rels } = extract(rows);
      const cy = this.ensure();
      const els = [];
      nodes.forEach((n) => {
        if (cy.getElementById(n.element_id).nonempty()) return;
        const { provider, kind } = this.classify(n.labels);
        const [stroke, shape] = KIND_STYLE[kind] || KIND_STYLE.other;
        const main = n.labels.find((l) => this.labels.has(l)) || n.labels[0] || "";
        const name = nameOf(n);
        els.push({ group: "nodes", data: { id: n.element_id, raw: n, provider, kind, shape, stroke,
          fill: PROVIDER_COLORS[provider] || PROVIDER_COLORS.none,
          caption: main + "\n" + (name.length > 28 ? name.slice(0, 27) + "…" : name) } });
      });
      let skipped = 0;
      rels.forEach((r) => {
        if (cy.getElementById(r.element_id).nonempty()) return;
        const known = (id) => nodes.has(id) || cy.getElementById(id).nonempty();
        if (!known(r.start) || !known(r.end)) { skipped += 1; return; }
        els.push({ group: "edges", data: { id: r.element_id, source: r.start, target: r.end, type: r.type, raw: r } });
      });
      return { els, skipped };
    }

    // Replace the drawing with the nodes and relationships of `rows`; returns how many were drawn.
    show(rows) {
      const cy = this.ensure();
      cy.elements().remove();
      const { els, skipped } = this.elements(rows);
      this.skipped = skipped;
      cy.add(els);
      this.layout(true);
      this.drawLegend();
      return { nodes: cy.nodes().length, edges: cy.edges().length, skipped };
    }

    // Add the rows of a one-hop expansion around `centre` (an element id); returns the nodes added.
    expand(rows, centre) {
      const cy = this.ensure();
      const before = cy.nodes().length;
      const { els, skipped } = this.elements(rows);
      this.skipped += skipped;
      cy.add(els);
      this.layout(false);
      this.drawLegend();
      const added = cy.nodes().length - before;
      if (centre) cy.getElementById(centre).select();
      return added;
    }

    layout(fresh) {
      const cy = this.cy;
      cy.resize();
      if (!cy.nodes().length) return;
      cy.layout({ name: cy.nodes().length > 1 ? "cose" : "grid", animate: false, randomize: fresh,
        nodeRepulsion: () => 9000, idealEdgeLength: () => 90, fit: true, padding: 30 }).run();
    }

    resize() { if (this.cy) { this.cy.resize(); this.cy.fit(undefined, 30); } }

    counts() { return this.cy ? { nodes: this.cy.nodes().length, edges: this.cy.edges().length } : { nodes: 0, edges: 0 }; }

    drawLegend() {
      const el = this.legend;
      while (el.firstChild) el.removeChild(el.firstChild);
      if (!this.cy) return;
      const used = (key) => [...new Set(this.cy.nodes().map((n) => n.data(key)))].sort();
      const item = (text, cls, color) => {
        const s = document.createElement("span");
        s.className = "legend-item";
        const swatch = document.createElement("i");
        swatch.className = cls;
        // A CSSOM property, not a style attribute: the page's CSP forbids inline style attributes.
        swatch.style.setProperty(cls === "fill" ? "background" : "border-color", color);
        s.append(swatch, document.createTextNode(text));
        el.appendChild(s);
      };
      used("provider").forEach((p) => item(PROVIDER_NAMES[p] || p, "fill", PROVIDER_COLORS[p] || PROVIDER_COLORS.none));
      used("kind").forEach((k) => item(k + " (" + (KIND_STYLE[k] || KIND_STYLE.other)[1] + ")", "ring",
        (KIND_STYLE[k] || KIND_STYLE.other)[0]));
      if (this.skipped) {
        const s = document.createElement("span");
        s.className = "muted";
        s.textContent = `${this.skipped} relationship(s) not drawn: an end node is not in the answer`;
        el.appendChild(s);
      }
    }
  }

  window.ConsoleGraph = { Graph, extract, nameOf, isNode, isRel };
})();
