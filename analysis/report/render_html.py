"""One self-contained HTML page: inline CSS, summary figures, SVG bar charts, tables; nothing external."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from analysis.report.lines import SHOWN, via_text
from analysis.report.nightly import NightlyReport

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;
  background:#f5f6f8;color:#1d2330}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #d8dce3;padding-bottom:4px}
.meta{color:#5b6475;margin-bottom:16px}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px}
.card{background:#fff;border-radius:8px;padding:12px 14px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.card .n{font-size:28px;font-weight:700} .card .l{color:#5b6475;font-size:12px;text-transform:uppercase}
table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 1px 2px rgba(0,0,0,.08);margin:6px 0}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e6e8ec;vertical-align:top;
  word-break:break-word}
th{background:#eef0f4;font-size:12px;text-transform:uppercase;color:#3a4254}
code{font:12px ui-monospace,Menlo,monospace;background:#eef0f4;padding:1px 4px;border-radius:3px}
.sev-critical{color:#fff;background:#8b0000}.sev-high{color:#fff;background:#c0392b}
.sev-medium{background:#f39c12}.sev-low{background:#f7dc6f}.sev-info{background:#d5dbe3}
.sev{padding:1px 6px;border-radius:10px;font-size:12px}
.na{color:#5b6475;font-style:italic} .charts{display:flex;gap:24px;flex-wrap:wrap}
"""
_COLORS = {
    "added": "#27ae60",
    "removed": "#c0392b",
    "changed": "#2980b9",
    "new": "#c0392b",
    "resolved": "#27ae60",
    "reopened": "#e67e22",
}


def _v(value: Any, limit: int = 200) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return escape(text if len(text) <= limit else text[: limit - 1] + "…")


def bar_chart(title: str, bars: list[tuple[str, int, str]], width: int = 360) -> str:
    """A small horizontal bar chart as inline SVG (label, value, colour)."""
    top = max([v for _, v, _ in bars] + [1])
    row, label_w = 24, 110
    height = row * len(bars) + 28
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}"><text x="0" y="16" font-size="13" font-weight="600">'
        f"{escape(title)}</text>"
    ]
    for i, (label, value, color) in enumerate(bars):
        y = 26 + i * row
        w = int((width - label_w - 40) * value / top)
        parts.append(
            f'<text x="0" y="{y + 14}" font-size="12">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{max(w, 1)}" height="16" fill="{color}" rx="2"/>'
            f'<text x="{label_w + w + 6}" y="{y + 14}" font-size="12">{value}</text>'
        )
    return "".join(parts) + "</svg>"


def _table(headers: list[str], rows: list[list[str]], empty: str = "none") -> str:
    if not rows:
        return f'<p class="na">{escape(empty)}</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _sev(s: str | None) -> str:
    s = s or "info"
    return f'<span class="sev sev-{escape(s)}">{escape(s)}</span>'


def _path_cell(p: dict[str, Any]) -> str:
    hops = "".join(
        f"<li>[{_v(h['type'])}] {_v(n['label'])} {_v(n.get('name') or n['id'])}: {_v(h['reason'], 300)}</li>"
        for n, h in zip(p["nodes"][1:], p["hops"], strict=True)
    )
    reps = f" <b>[{p['replicas']} replicas]</b>" if p.get("replicas", 1) > 1 else ""
    names = " → ".join(_v(n.get("name") or n["id"]) for n in p["nodes"])
    return f"{names}{reps}<ul>{hops}</ul>"


def _exposure_html(doc: dict[str, Any], none: str) -> list[str]:
    a, p = doc["assets"], doc["paths"]
    parts = []
    for title, key in (
        ("Newly reachable from the internet", "newly_reachable"),
        ("No longer reachable", "no_longer_reachable"),
    ):
        parts += [
            f"<h3>{title} ({len(a[key])})</h3>",
            _table(
                ["label", "asset", "ports", "reason"],
                [
                    [
                        _v(x["label"]),
                        _v(x["name"] or x["id"]),
                        _v(", ".join(x["ports"] or [])),
                        _v("; ".join(x["reasons"] or []), 500),
                    ]
                    for x in a[key]
                ],
                none,
            ),
        ]
    if a["changed"]:
        parts += [
            f"<h3>Exposure changed ({len(a['changed'])})</h3>",
            _table(
                ["label", "asset", "ports before", "ports after"],
                [
                    [
                        _v(x["label"]),
                        _v(x["name"] or x["id"]),
                        _v(", ".join(x["ports_before"] or [])),
                        _v(", ".join(x["ports"] or [])),
                    ]
                    for x in a["changed"]
                ],
            ),
        ]
    for title, key in (("New paths", "new"), ("Gone paths", "gone"), ("Re-scored paths", "rescored")):
        rows = [
            [
                f"{x['score']:.1f}" + (f" (was {x['score_before']:.1f})" if "score_before" in x else ""),
                _path_cell(x),
            ]
            for x in p[key]
        ]
        parts += [f"<h3>{title} ({len(p[key])})</h3>", _table(["score", "path"], rows, none)]
    return parts


def _privileges_html(doc: dict[str, Any], none: str) -> list[str]:
    rows = []
    for p in doc["principals"]:
        flag = {(False, True): "now admin", (True, False): "no longer admin"}.get(
            (p["admin_before"], p["admin_after"]), ""
        )
        prov = p.get("provenance") or {}
        cells = []
        for key in ("gained", "lost"):
            items = [
                f"<li><code>{_v(e)}</code> via {_v(via_text(prov.get(key, {}).get(e, [])), 500)}</li>"
                for e in p[key][:SHOWN]
            ]
            more = f"<li>… {len(p[key]) - SHOWN} more</li>" if len(p[key]) > SHOWN else ""
            cells.append(f"<ul>{''.join(items)}{more}</ul>" if items else "")
        extra = [f"may now assume {_v(r)}" for r in p.get("assumable_gained") or []]
        extra += [f"escalation {_v(e)}" for e in p.get("escalations_gained") or []]
        rows.append(
            [
                f"{_v(p['name'])}<br><code>{_v(p['id'])}</code>",
                _v(p["kind"]),
                _v(p["scope"]),
                f"<b>{flag}</b>" if flag else "",
                cells[0],
                cells[1],
                "<br>".join(extra),
            ]
        )
    return [_table(["principal", "kind", "scope", "admin", "gained", "lost", "other"], rows, none)]


def to_html(report: NightlyReport) -> str:
    d, t = report.drift, report.totals
    none = f"no changes between {report.pair}"
    cards = "".join(
        f'<div class="card"><div class="n">{v}</div><div class="l">{escape(k)}</div></div>'
        for k, v in t.items()
    )
    asset_chart = bar_chart(
        "Assets", [(k, len(d["assets"][k]), _COLORS[k]) for k in ("added", "removed", "changed")]
    )
    finding_chart = bar_chart(
        "Findings", [(k, len(d["findings"][k]), _COLORS[k]) for k in ("new", "resolved", "reopened")]
    )
    sev_chart = bar_chart(
        "New findings by severity", [(s, c["new"], "#c0392b") for s, c in report.findings_by_severity.items()]
    )
    kind = "drift" if report.drift_only else "nightly"
    parts = [
        f"<h1>invgraph {kind} report</h1><div class='meta'>Run <code>{_v(d['to']['id'])}</code> "
        f"({_v(d['to']['status'])}, collected {_v(d['to']['collected_at'])}) compared with "
        f"<code>{_v(d['from']['id'])}</code> (collected {_v(d['from']['collected_at'])}). "
        f"Generated {_v(report.generated_at)}.</div>",
        f"<div class='cards'>{cards}</div>",
        f"<h2>Overview</h2><div class='charts'>{asset_chart}{finding_chart}{sev_chart}</div>",
        "<h2>Findings by severity</h2>",
        _table(
            ["severity", "new", "resolved", "reopened"],
            [
                [_sev(s), str(c["new"]), str(c["resolved"]), str(c["reopened"])]
                for s, c in report.findings_by_severity.items()
            ],
        ),
    ]
    for kind in ("new", "reopened", "resolved"):
        parts += [
            f"<h2>Findings {kind}</h2>",
            _table(
                ["severity", "control", "asset", "scope"],
                [
                    [
                        _sev(f.get("severity")),
                        _v(f["control_id"]),
                        _v(f.get("asset_name") or f["asset_id"]),
                        _v(f.get("scope")),
                    ]
                    for f in d["findings"][kind]
                ],
                none,
            ),
        ]
    for kind in ("added", "removed"):
        parts += [
            f"<h2>Assets {kind} ({len(d['assets'][kind])})</h2>",
            _table(
                ["label", "name", "id", "scope"],
                [
                    [
                        _v(a["labels"][-1] if a["labels"] else ""),
                        _v(a["name"]),
                        f"<code>{_v(a['id'])}</code>",
                        _v(a["scope"]),
                    ]
                    for a in d["assets"][kind]
                ],
                none,
            ),
        ]
    rows = [
        [
            _v(a["name"]) + f"<br><code>{_v(a['id'])}</code>",
            _v(c["property"]),
            _v(c["before"]),
            _v(c["after"]),
        ]
        for a in d["assets"]["changed"]
        for c in a["changes"]
    ]
    parts += [
        f"<h2>Assets changed ({len(d['assets']['changed'])})</h2>",
        _table(["asset", "property", "before", "after"], rows, none),
    ]
    for kind in ("added", "removed"):
        parts += [
            f"<h2>Relationships {kind} ({len(d['relationships'][kind])})</h2>",
            _table(
                ["from", "type", "to"],
                [
                    [f"<code>{_v(r['start'])}</code>", _v(r["type"]), f"<code>{_v(r['end'])}</code>"]
                    for r in d["relationships"][kind]
                ],
                none,
            ),
        ]
    for s in report.extras:
        parts.append(f"<h2>{escape(s.title)}</h2>")
        if not s.available:
            parts.append(f'<p class="na">{_v(s.note, 500)}</p>')
        elif s.title.startswith("Exposure") and report.exposure is not None:
            parts += _exposure_html(report.exposure, s.note or none)
        elif report.privileges is not None:
            parts += _privileges_html(report.privileges, s.note or none)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>invgraph nightly report</title>"
        f"<style>{_CSS}</style></head><body><main>{''.join(parts)}</main></body></html>\n"
    )
