"""The scorecard as text: one row per domain (and per layer), shared by Markdown, HTML and the CLI table.

Works on ``Scorecard.to_dict()`` so that what is printed is exactly what the API returns.
"""

from __future__ import annotations

import html
from typing import Any

MAX_BLOCKERS = 4
HEADERS = (
    "Domain",
    "Level",
    "Cloud",
    "Kubernetes",
    "L1",
    "L2",
    "L3",
    "L4",
    "L5",
    "Blocking next level",
    "Trend",
)


def _level(standing: dict[str, Any]) -> str:
    return str(standing["level"]) if standing["controls"] else "–"


def _rate(stat: dict[str, Any]) -> str:
    if not stat["controls"]:
        return "–"
    text = f"{stat['passing']}/{stat['controls']}"
    return text + (f" ({stat['documented']} doc.)" if stat["documented"] else "")


def _blocking(standing: dict[str, Any], ids_shown: bool = True) -> str:
    ids = [b["control_id"] for b in standing["blocking"]]
    if not ids:
        return ""
    if not ids_shown:
        return f"L{standing['next_level']}: {len(ids)}"
    shown = ", ".join(ids[:MAX_BLOCKERS]) + (
        f" +{len(ids) - MAX_BLOCKERS} more" if len(ids) > MAX_BLOCKERS else ""
    )
    return f"L{standing['next_level']}: {shown}"


def _trend(standing: dict[str, Any]) -> str:
    return " → ".join(str(x) for x in standing["trend"]) if standing["controls"] else ""


def rows(doc: dict[str, Any], ids_shown: bool = True) -> list[list[str]]:
    """One row per domain, then one per layer across all domains; without ``ids_shown`` the blocking
    column counts the controls (the terminal table lists them below, see ``blocker_lines``)."""
    out = []
    for d in doc["domains"]:
        out.append(
            [
                d["domain"],
                _level(d),
                _level(d["layers"]["cloud"]),
                _level(d["layers"]["kubernetes"]),
                *(_rate(s) for s in d["levels"]),
                _blocking(d, ids_shown),
                _trend(d),
            ]
        )
    for name, s in doc["layers"].items():
        out.append(
            [
                f"All domains ({name})",
                _level(s),
                _level(s) if name == "cloud" else "",
                _level(s) if name == "kubernetes" else "",
                *(_rate(x) for x in s["levels"]),
                _blocking(s, ids_shown),
                _trend(s),
            ]
        )
    return out


def blocker_lines(doc: dict[str, Any]) -> list[str]:
    """One line per control blocking a domain's next level."""
    return [
        f"{d['domain']} → level {d['next_level']}: {b['control_id']} ({b['severity']}, {b['state']}, "
        f"{b['open_findings']} open finding(s))"
        for d in doc["domains"]
        for b in d["blocking"]
    ]


def caption(doc: dict[str, Any]) -> str:
    if not doc["available"]:
        return f"Roadmap scorecard: not available ({doc['reason']})."
    return (
        f"Roadmap scorecard from control run {doc['control_run_id']} "
        f"({len(doc['runs'])} run(s) in the trend); "
        f"a level is met at a pass rate of {doc['threshold']:.0%} or more; muted / accepted findings count "
        "as documented. Lx: passing/controls with evidence."
    )


def scorecard_markdown(doc: dict[str, Any]) -> str:
    lines = ["## Roadmap scorecard", "", caption(doc), ""]
    if not doc["available"]:
        return "\n".join(lines)
    esc = lambda v: v.replace("|", "\\|")  # noqa: E731 - one-liner for table cells
    lines += ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows(doc)]
    return "\n".join(lines) + "\n"


def scorecard_html(doc: dict[str, Any]) -> str:
    """A standalone page (no scripts, no external resources)."""
    body = [f"<p>{html.escape(caption(doc))}</p>"]
    if doc["available"]:
        body.append(
            "<table><thead><tr>"
            + "".join(f"<th>{html.escape(h)}</th>" for h in HEADERS)
            + "</tr></thead><tbody>"
        )
        for row in rows(doc):
            body.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>")
        body.append("</tbody></table>")
    style = (
        "body{font:14px system-ui,sans-serif;margin:24px;color:#1d2530}table{border-collapse:collapse}"
        "th,td{border-bottom:1px solid #dde3ea;padding:4px 8px;text-align:left;vertical-align:top}"
        "th{color:#677384}"
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>invgraph roadmap scorecard</title>'
        f"<style>{style}</style></head><body><h1>Roadmap scorecard</h1>{''.join(body)}</body></html>\n"
    )
