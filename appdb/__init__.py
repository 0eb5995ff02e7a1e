"""Application state that is not inventory: API keys and the audit log, in SQLite or PostgreSQL.

Kept out of Neo4j on purpose: ad-hoc Cypher (`POST /api/v1/cypher`) can read every node of the graph,
and Neo4j Community has no per-label access control, so anything there is readable by every analyst.
Sits beside `ingest/` above `graph/` (it imports `graph` only to move legacy nodes out of it).
"""
