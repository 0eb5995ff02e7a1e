"""Markdown, JSON and Slack-block renderings of the nightly report."""

from __future__ import annotations

import json
from typing import Any

from analysis.report.nightly import NightlyReport


def _fmt(value: Any, limit: int = 120) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _md_cell(value: Any) -> str:
    return _fmt(value).replace("|", "\\|").replace("\n", " ")


def _md_line(line: str) -> str:
    return line.replace("\n", " ")


def to_json(report: NightlyReport) -> str:
    return json.dumps(report.as_json(), indent=2, default=str)


def to_markdown(report: NightlyReport) -> str:
    d = report.drift
    none = f"no changes between {report.pair}"
    title = "Drift report" if report.drift_only else "Nightly report"
    out = [
        f"# {title} — {d['to']['collected_at']}",
        "",
        f"Run `{d['to']['id']}` ({d['to']['status']}) compared with `{d['from']['id']}` "
        f"(collected {d['from']['collected_at']}). Generated {report.generated_at}.",
        "",
        "## Summary",
        "",
        "| change | count |",
        "|---|---|",
    ]
    out += [f"| {k} | {v} |" for k, v in report.totals.items()]
    out += [
        "",
        "## Findings by severity",
        "",
        "| severity | new | resolved | reopened |",
        "|---|---|---|---|",
    ]
    out += [
        f"| {s} | {c['new']} | {c['resolved']} | {c['reopened']} |"
        for s, c in report.findings_by_severity.items()
    ]
    if not any(d["findings"].values()):
        out += ["", f"Findings: {none}"]
    for kind in ("new", "reopened", "resolved"):
        items = d["findings"][kind]
        if items:
            out += ["", f"### Findings {kind}", "", "| severity | control | asset |", "|---|---|---|"]
            out += [
                f"| {_md_cell(f.get('severity'))} | {_md_cell(f['control_id'])} | "
                f"{_md_cell(f.get('asset_name') or f['asset_id'])} |"
                for f in items
            ]
    for kind in ("added", "removed"):
        items = d["assets"][kind]
        out += ["", f"## Assets {kind} ({len(items)})", ""]
        out += ["| label | name | id | scope |", "|---|---|---|---|"] if items else [none]
        out += [
            f"| {_md_cell(a['labels'][-1] if a['labels'] else '')} | {_md_cell(a['name'])} | "
            f"{_md_cell(a['id'])} | {_md_cell(a['scope'])} |"
            for a in items
        ]
    changed = d["assets"]["changed"]
    out += ["", f"## Assets changed ({len(changed)})", ""]
    out += ["| asset | property | before | after |", "|---|---|---|---|"] if changed else [none]
    for a in changed:
        for c in a["changes"]:
            out.append(
                f"| {_md_cell(a['name'])} (`{_md_cell(a['id'])}`) | {_md_cell(c['property'])} | "
                f"{_md_cell(c['before'])} | {_md_cell(c['after'])} |"
            )
    for kind in ("added", "removed"):
        rels = d["relationships"][kind]
        out += ["", f"## Relationships {kind} ({len(rels)})", ""]
        out += [f"- `{_fmt(r['start'])}` -[{r['type']}]-> `{_fmt(r['end'])}`" for r in rels] or [none]
    for section in report.extras:
        out += ["", f"## {section.title}", ""]
        out += [f"- {_md_line(line)}" for line in section.lines] or [section.note]
    return "\n".join(out) + "\n"


def slack_payload(report: NightlyReport) -> dict[str, Any]:
    """Slack-compatible message: ``text`` (fallback / notifications) and a few ``blocks``."""
    d, t = report.drift, report.totals
    headline = (
        f"invgraph nightly: {t['assets added']} added, {t['assets removed']} removed, "
        f"{t['assets changed']} changed; findings {t['findings new']} new, "
        f"{t['findings resolved']} resolved, {t['findings reopened']} reopened"
    )
    if report.exposure is not None:
        headline += (
            f"; exposure {t['newly reachable']} newly reachable, {t['no longer reachable']} no longer, "
            f"paths {t['paths new']} new / {t['paths gone']} gone / {t['paths re-scored']} re-scored"
        )
    if report.privileges is not None:
        headline += (
            f"; privileges {t['principals with privilege change']} principals changed, "
            f"{t['principals newly admin']} newly admin, {t['permissions gained']} permissions gained, "
            f"{t['permissions lost']} lost"
        )
    headline += "".join(f"; {s.note}" for s in report.extras if not s.available)
    sev = (
        ", ".join(
            f"{s}: +{c['new']}/-{c['resolved']}"
            for s, c in report.findings_by_severity.items()
            if any(c.values())
        )
        or "no finding changes"
    )
    lines = [
        f"• {a['labels'][-1] if a['labels'] else ''} {a['name']}: "
        + ", ".join(
            f"{c['property']} {_fmt(c['before'], 40)} → {_fmt(c['after'], 40)}" for c in a["changes"][:3]
        )
        for a in d["assets"]["changed"][:10]
    ]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "invgraph nightly report"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": headline}},
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*Findings by severity:* {sev}"}},
    ]
    if lines:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _fmt("\n".join(lines), 2900)}})
    for section in report.extras:
        text = "\n".join(f"• {x}" for x in section.lines[:10]) or section.note
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": _fmt(f"*{section.title}:*\n{text}", 2900)}}
        )
    blocks.append(
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": f"run {d['to']['id']} vs {d['from']['id']}"}],
        }
    )
    return {"text": headline, "blocks": blocks}
