"""The pipeline: one ingest run from folder to finished run, and ``invgraph analyze`` on a loaded graph.

``run.ingest_snapshot`` is the one way a snapshot becomes a run (CLI, scheduler, demo and tests use it);
``analyze.analyze`` runs the same registered post-ingest steps, under the same error policy, on a graph that
is already loaded. docs/architecture.md has the picture and the layer order.
"""
