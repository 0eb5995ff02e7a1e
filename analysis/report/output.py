"""Render a report in one format and deliver it (file and / or webhook); used by the CLI and scheduler."""

from __future__ import annotations

from pathlib import Path

from analysis.report import webhook
from analysis.report.nightly import NightlyReport
from analysis.report.render_html import to_html
from analysis.report.render_text import slack_payload, to_json, to_markdown

FORMATS = ("markdown", "html", "json")


def render(report: NightlyReport, fmt: str) -> str:
    if fmt == "html":
        return to_html(report)
    if fmt == "json":
        return to_json(report)
    if fmt == "markdown":
        return to_markdown(report)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def deliver(
    report: NightlyReport, fmt: str, out: Path | None, webhook_url: str | None, backoff: float = 1.0
) -> str:
    """Write ``out`` (if given), post the webhook (if given); returns the rendered text."""
    text = render(report, fmt)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    if webhook_url:
        webhook.post(webhook_url, slack_payload(report), backoff=backoff)
    return text
