"""The security roadmap as a product: a maturity scorecard from control evidence, and the roadmap
spreadsheet (CSV) kept true by that evidence (docs/roadmap.md).

evidence.py (control verdicts per run) · scorecard.py (levels per domain and layer) · render.py (Markdown,
HTML, table rows) · model.py (tasks, columns) · csvio.py (parse / write the CSV) · store.py (Neo4j) ·
linking.py (tasks → controls, evidence-derived status) · default.py (the built-in roadmap) · service.py
(import / export for the CLI).
"""
