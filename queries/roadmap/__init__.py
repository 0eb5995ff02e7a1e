"""The security roadmap as a product: a maturity scorecard from control evidence, and the roadmap
spreadsheet (CSV) kept true by that evidence.

model.py (tasks, columns) · default.py (the built-in roadmap) · evidence.py (control results per run) ·
scorecard.py (levels per domain and layer) · csvio.py (parse and write the CSV) · store.py (Neo4j) ·
linking.py (tasks → controls, evidence-derived status).
"""
