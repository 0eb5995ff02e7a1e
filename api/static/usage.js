// "Granted versus used" card: the most over-privileged principals from GET /api/v1/privileges/usage, with the
// evidence window of each. dashboard.js calls UsageWidget.load() in every load cycle, before it marks the page
// loaded (body[data-loaded]), so scripted checks measure this card drawn; it uses the same session key. Text goes through textContent only, never innerHTML.
"use strict";
(function () {
  const STORE = "invgraph.apiKey";
  const TOP = 10;
  const $ = (id) => document.getElementById(id);

  function el(tag, text, cls) {
    const n = document.createElement(tag);
    if (text !== undefined && text !== null) n.textContent = String(text);
    if (cls) n.className = cls;
    return n;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  const pct = (v) => (v === null || v === undefined ? "–" : (v * 100).toFixed(1) + "%");

  function summary(counts, doc) {
    const box = $("usage-summary");
    clear(box);
    [[counts.collected, "with usage data"], [counts.unused_principals, "unused principals"],
      [counts.unused_credentials, "unused keys / passwords"], [counts.admin_low_usage, "admins using < 10 %"],
      [counts.not_collected, "not collected"]].forEach(([v, label]) => {
      const d = el("div", null, "stat");
      d.append(el("b", (v || 0).toLocaleString("en-US")), el("span", label));
      box.appendChild(d);
    });
    $("usage-at").textContent = doc.at ? `as of ${doc.at.slice(0, 16).replace("T", " ")}, unused ≥ ${doc.unused_days} d` : "";
  }

  function flags(p) {
    const out = [];
    if (p.admin) out.push("admin");
    if (p.principal_unused) out.push("unused");
    const creds = p.credentials.filter((c) => c.status === "unused").length;
    if (creds) out.push(`${creds} unused credential${creds > 1 ? "s" : ""}`);
    return out.join(", ");
  }

  function render(doc) {
    summary(doc.counts || {}, doc);
    const table = $("usage-top");
    clear(table);
    const head = el("tr");
    ["principal", "kind", "scope", "used / granted", "ratio", "unused", "last activity", "flags", "window and evidence"]
      .forEach((h) => head.appendChild(el("th", h)));
    table.appendChild(head);
    const rows = doc.principals.filter((p) => p.status !== "not collected").slice(0, TOP);
    if (!rows.length) {
      const tr = el("tr");
      const td = el("td", "No usage data collected yet (credential report, last-accessed reports, policy insights, " +
        "audit log): nothing is called unused.", "muted");
      td.colSpan = 9;
      tr.appendChild(td);
      table.appendChild(tr);
      return;
    }
    rows.forEach((p) => {
      const tr = el("tr");
      const name = el("td", p.name);
      name.title = p.id;
      tr.append(name, el("td", p.kind, "word"), el("td", p.scope, "id"),
        el("td", p.granted === null ? "–" : `${p.used} / ${p.granted} ${p.unit}`, "num"),
        el("td", pct(p.ratio), "num"), el("td", p.unused_count, "num"),
        el("td", p.last_activity ? p.last_activity.slice(0, 10) : "none in window"),
        el("td", flags(p)), el("td", `${p.window_days} d — ${p.evidence}`, "muted"));
      table.appendChild(tr);
    });
  }

  async function load() {
    const key = sessionStorage.getItem(STORE);
    if (!key || !$("card-usage")) return;
    try {
      const res = await fetch("/api/v1/privileges/usage?limit=200", {
        headers: { Authorization: "Bearer " + key }, cache: "no-store" });
      if (!res.ok) throw new Error(res.status + " " + res.statusText);
      render(await res.json());
    } catch (e) {
      const box = $("usage-summary");
      clear(box);
      box.appendChild(el("p", "Could not load: " + e.message, "unavailable"));
    }
  }

  window.UsageWidget = { load };
})();
