"""History: ingest runs and what each one changed, drift between runs, retention.

Sits on ``graph`` (driver and schemas) and below everything that ingests or analyses: ``runs`` (the
IngestRun records), ``changes`` (what an ingest run added / changed / removed), ``snapshot`` (the same records
for graphs we did not load), ``fold`` + ``drift`` (net change between two runs), ``timeline`` (one asset's
changes), ``retention`` (pruning old runs without changing drift).
"""
