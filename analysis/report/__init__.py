"""The nightly report: drift since the previous run, finding changes, exposure / privilege changes.

``build`` gathers the data (analysis/report/nightly.py), ``render`` turns it into markdown, HTML or JSON
(analysis/report/render_text.py, render_html.py) and ``webhook.post`` sends a Slack-compatible summary.
"""
