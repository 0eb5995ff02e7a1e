// invgraph pivots: beside every asset, path hop, finding and principal the dashboard shows, two links —
// "neighbourhood" opens the console on the library query `neighbourhood` with the id filled in, and
// "history" opens the asset's change timeline. Exposed assets also get "reaches it" / "it reaches" (the
// library's reach_to_asset / reach_from_asset). The console itself is console.js.
"use strict";
(function () {
  function link(text, title, action) {
    const a = document.createElement("button");
    a.type = "button";
    a.className = "pivot";
    a.textContent = text;
    a.title = title;
    a.addEventListener("click", (ev) => {
      ev.preventDefault();
      window.InvgraphConsole.open();
      action();
    });
    return a;
  }

  // A small group of pivot links for the asset (or principal) `id`, shown as `name`.
  function links(id, name, options) {
    const C = window.InvgraphConsole;
    const span = document.createElement("span");
    span.className = "pivots";
    span.dataset.id = id;
    const who = name || id;
    span.append(link("neighbourhood", `${who}: its neighbourhood in the console`,
      () => C.runLibrary("neighbourhood", { id })));
    if (options && options.reach) {
      span.append(link("reaches it", `${who}: everything that can reach it`, () => C.runLibrary("reach_to_asset", { id })),
        link("it reaches", `${who}: everything it can reach`, () => C.runLibrary("reach_from_asset", { id })));
    }
    span.append(link("history", `${who}: its change timeline`, () => C.timeline(id, who)));
    return span;
  }

  // A table cell value: the name followed by its pivots (ids missing: the name alone).
  function cell(id, name, options) {
    if (!id) return name;
    const wrap = document.createElement("span");
    wrap.append(window.Charts.breakable(name || id), " ", links(id, name, options));
    return wrap;
  }

  // Under the exposure-path drawing: one entry per hop node, each with its pivots.
  function hops(container, path) {
    while (container.firstChild) container.removeChild(container.firstChild);
    (path ? path.nodes : []).forEach((n, i) => {
      const item = document.createElement("span");
      item.className = "hop";
      item.append(document.createTextNode(`${i + 1}. ${n.label ? n.label + " " : ""}${n.name || n.id} `),
        links(n.id, n.name || n.id, { reach: i === path.nodes.length - 1 }));
      container.append(item);
    });
  }

  window.Pivots = { links, cell, hops };
})();
