"""The one sync skeleton every resource module goes through (the run types are in history/runs.py).

A resource module supplies ``get`` (raw input, or None when not collected), ``transform`` (pure: raw →
rows per schema) and the schemas; ``sync_resource`` does the rest the same way everywhere:

* input missing → status ``not collected``; nothing loaded, nothing cleaned up;
* input unusable (bad file, AccessDenied, throttled) → ``failed``; previous data kept, no cleanup;
* some per-resource inputs unusable → ``partial``; the good rows load, cleanup is skipped;
* otherwise → ``ok``; load in schema order, then mark-and-sweep cleanup scoped to the account/cluster;
* Neo4j unreachable (connection lost after the driver's retries) → the exception ends the whole run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from neo4j.exceptions import DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from graph.schema import loader
from graph.schema.gcp.common import ScopedSchema
from graph.schema.loader import LoadError
from graph.schema.model import NodeSchema
from history.runs import ModuleResult, RunContext, Status
from ingest.sources.errors import InputError, SourceDenied

log = logging.getLogger("invgraph.ingest")


@dataclass
class Transformed:
    """What every ``transform`` returns: rows per schema and per-resource errors (a non-empty ``errors``
    makes the module ``partial``). GCP modules may key rows by ``ScopedSchema``: ``sync_gcp`` picks."""

    rows: dict[NodeSchema | ScopedSchema, list[dict[str, Any]]]
    errors: list[str] = field(default_factory=list)


Getter = Callable[[], Any]  # raw input, or None when it was not collected
Transformer = Callable[[Any], Transformed]


def sync_resource(
    name: str,
    scope: str,
    ctx: RunContext,
    get: Getter,
    transform: Transformer,
    schemas: Sequence[NodeSchema],
    context: Mapping[str, Any],
    cleanup: bool = True,
) -> ModuleResult:
    """get → transform → load → cleanup with the status rules in the module docstring."""
    labels = tuple(s.label for s in schemas)
    result = ModuleResult(name, scope, Status.OK, labels=labels)
    try:
        raw = get()
    except (InputError, SourceDenied) as exc:
        return _failed(result, str(exc))
    if raw is None:
        result.status = Status.NOT_COLLECTED
        return result
    try:
        out = transform(raw)
    except InputError as exc:
        return _failed(result, str(exc))
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        return _failed(result, f"{name} [{scope}]: unexpected input shape: {type(exc).__name__}: {exc}")
    if not isinstance(out, Transformed):  # a programming error, not bad input: fail loudly
        raise TypeError(f"{name}: transform returned {type(out).__name__}, not Transformed")
    transformed = out
    if transformed.errors:
        result.status = Status.PARTIAL
        result.errors.extend(transformed.errors)
    try:
        for schema in schemas:
            loaded = loader.load(schema, transformed.rows.get(schema, []), ctx.update_tag, **context)
            result.nodes += loaded.nodes
            result.relationships += loaded.relationships
            result.unchanged += loaded.unchanged
            result.changes.extend(loaded.changes)
        if cleanup and result.status is Status.OK:
            for schema in reversed(schemas):
                if schema.sub_resource is None:
                    continue
                removed = loader.cleanup(schema, ctx.update_tag, **context)
                result.removed.removed_nodes.extend(removed.removed_nodes)
                result.removed.removed_relationships.extend(removed.removed_relationships)
    except LoadError as exc:
        return _failed(result, f"{name} [{scope}]: {exc}")
    except (ServiceUnavailable, SessionExpired):
        # Neo4j is gone (the driver already retried): stop the whole run instead of retrying every remaining
        # module. The run stays ``running`` and the next run marks it failed (history/runs.py).
        raise
    except (Neo4jError, DriverError) as exc:
        return _failed(result, f"{name} [{scope}]: Neo4j error: {exc}")
    return result


def _failed(result: ModuleResult, message: str) -> ModuleResult:
    log.error(message)
    result.status = Status.FAILED
    result.errors.append(message)
    return result
