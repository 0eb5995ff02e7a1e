// Roadmap maturity widget: per domain, the level the control evidence supports (GET /api/v1/roadmap), the
// level per layer, pass rates per level, the controls blocking the next level and the trend over the last
// control runs. Drawn with the dashboard's own helpers (passed in by dashboard.js); text via textContent only.
"use strict";
(function () {
  const MAX_IDS = 3;

  function levelBadge(h, standing) {
    if (!standing.controls) return "–";
    return h.badge("L" + standing.level, standing.level > 0 ? "ok" : "failed");
  }

  function rate(stat) {
    if (!stat.controls) return "–";
    return `${stat.passing}/${stat.controls}` + (stat.documented ? ` (${stat.documented} doc.)` : "");
  }

  function blocking(standing) {
    const ids = standing.blocking.map((b) => b.control_id);
    if (!ids.length) return standing.controls ? "none" : "–";
    const box = document.createElement("div");
    box.className = "roadmap-blockers";
    box.title = standing.blocking.map((b) => `${b.control_id} (${b.severity}, ${b.state})`).join("\n");
    const head = document.createElement("b");
    head.textContent = `to L${standing.next_level}: `;
    box.appendChild(head);
    ids.slice(0, MAX_IDS).forEach((id) => {
      const code = document.createElement("code");
      code.textContent = id;
      box.appendChild(code);
    });
    if (ids.length > MAX_IDS) box.appendChild(document.createTextNode(`+${ids.length - MAX_IDS} more`));
    return box;
  }

  // The last few levels, oldest first, on one line; every run's level in the tooltip.
  const TREND_SHOWN = 6;
  function trend(standing) {
    if (!standing.controls) return "–";
    const span = document.createElement("span");
    span.className = "roadmap-trend";
    const t = standing.trend;
    span.textContent = (t.length > TREND_SHOWN ? "… " : "") + t.slice(-TREND_SHOWN).join("→");
    span.title = "level after each control run, oldest first: " + t.join(" → ");
    return span;
  }

  function render(h, doc) {
    const info = document.getElementById("roadmap-info");
    const el = document.getElementById("roadmap-table");
    if (!doc.available) {
      info.textContent = "";
      return h.note(el, doc.reason);
    }
    info.textContent = `level met at ${(doc.threshold * 100).toFixed(0)}% of its controls passing; ` +
      `muted / accepted count as documented; trend over ${doc.runs.length} control run(s)`;
    const row = (name, s, cloud, k8s) => [name, levelBadge(h, s), cloud, k8s,
      ...s.levels.map(rate), blocking(s), trend(s)];
    const rows = doc.domains.map((d) => row(d.domain, d, levelBadge(h, d.layers.cloud),
      levelBadge(h, d.layers.kubernetes)));
    rows.push(row("All domains (cloud)", doc.layers.cloud, levelBadge(h, doc.layers.cloud), ""));
    rows.push(row("All domains (Kubernetes)", doc.layers.kubernetes, "", levelBadge(h, doc.layers.kubernetes)));
    h.table(el, ["domain", "level", "cloud", "Kubernetes", "L1", "L2", "L3", "L4", "L5",
      "blocking the next level", "trend"], rows);
  }

  async function load(h) {
    const el = document.getElementById("roadmap-table");
    try { render(h, await h.api("/api/v1/roadmap")); } catch (e) {
      // A scoped key is refused by design (a control's result covers the whole inventory): say so, not "error".
      if (e.rule === "scoped_key") return h.note(el, "The roadmap grades controls over the whole inventory; " +
        "this key is limited to some scopes, so ask for an unscoped key to see it.");
      h.handle(e, el);
    }
  }

  window.RoadmapWidget = { load };
})();
