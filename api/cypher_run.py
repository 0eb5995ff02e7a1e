"""The one guarded, audited way the API runs Cypher: `POST /cypher` and `POST /queries/{id}/run` both use it.

`guarded_read` is the sequence of layers every query goes through, with the API settings: row limit,
parameter checks, the lexical guard (`api.cypher_guard`), the EXPLAIN plan check and the READ
transaction with its timeout and row and byte limits (`api.cypher_exec`). `audited_response` wraps one
run: it maps every way the run can end to an audit outcome, writes the audit record (and, for ad-hoc
Cypher, the key's console history), counts it, and answers in the `/cypher` shape. Keeping both here
means a layer or an audit rule added once holds for ad-hoc Cypher, library queries and the CLI alike.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from neo4j.exceptions import ServiceUnavailable, SessionExpired
from prometheus_client import Counter
from pydantic import BaseModel, Field, JsonValue

from api.cypher_exec import Limits, QueryResult, check_parameters, elapsed_ms, explain_check, run_read
from api.cypher_guard import CypherRefused, inspect_query
from api.errors import ApiError
from appdb import audit, query_history
from appdb.keys import ApiKey
from config import ApiSettings

log = logging.getLogger("invgraph.api")

# Refused for its size before anything was read: too big to keep in the console history.
_NOT_KEPT = ("query_too_large", "parameters_too_large")


class CypherResponse(BaseModel):
    columns: list[str]
    rows: list[list[JsonValue]]
    truncated: bool = Field(
        description="True when the answer was cut (more rows than `limit`, or more "
        "bytes than INVGRAPH_CYPHER_MAX_RESULT_BYTES)."
    )
    truncated_by: Literal["rows", "bytes"] | None = Field(default=None, description="What cut the answer.")
    row_count: int
    elapsed_ms: float


def check_query_length(query: str, settings: ApiSettings) -> None:
    """Ad-hoc text is bounded before it is parsed (library queries are ours and loaded at start-up)."""
    if len(query) > settings.max_query_length:
        raise ApiError(
            413,
            "query_too_large",
            f"the query is {len(query)} characters; the limit is {settings.max_query_length}",
        )


def guarded_read(
    query: str, parameters: Mapping[str, JsonValue], settings: ApiSettings, limit: int | None = None
) -> QueryResult:
    """Check, plan-check and run one read-only statement. Raises ApiError or CypherRefused, which
    `audited_response` (or the CLI) reports."""
    limit = limit or settings.cypher_default_rows
    if limit > settings.cypher_max_rows:
        raise ApiError(422, "limit_too_large", f"limit must be at most {settings.cypher_max_rows}")
    check_parameters(parameters, settings.max_parameters_bytes)
    text = inspect_query(query)
    limits = Limits(
        settings.cypher_timeout_s,
        settings.cypher_max_estimated_rows,
        settings.cypher_max_path_hops,
        settings.cypher_max_result_bytes,
    )
    explain_check(text, parameters, settings.cypher_timeout_s, limits)
    return run_read(text, parameters, limit, settings.cypher_timeout_s, settings.cypher_max_result_bytes)


@dataclass
class AuditedRun:
    """Who runs what, for the audit record. `query` is filled in by the run as soon as the text is known
    (a library id may not resolve, and that attempt is audited too, without a hash)."""

    key: ApiKey
    action: str  # the audit action: "cypher" or "query.run"
    query: str | None = None
    parameters: dict[str, JsonValue] | None = None  # set only where the text is kept in the key's history
    label: str | None = None  # prefixed to the audit detail, e.g. "id=<investigation id>"
    counter: Counter | None = None  # the metric counting these runs by outcome, where there is one

    def record(self, outcome: str, rows: int | None, start: float, detail: str | None, failing: bool) -> None:
        """Count the run, write its audit record and, where asked, keep its text in the key's history."""
        if self.counter is not None:
            self.counter.labels(outcome).inc()
        event = audit.AuditEvent(
            key_id=self.key.id,
            key_name=self.key.name,
            action=self.action,
            outcome=outcome,
            query_sha256=audit.query_hash(self.query) if self.query is not None else None,
            rows=rows,
            duration_ms=elapsed_ms(start),
            detail=" ".join(p for p in (self.label, detail) if p) or None,
        )
        try:
            audit.record(event)
        except Exception:
            # On the success path this propagates (503): no result leaves without its audit record. On an
            # error path the original error is the more useful answer, so the audit failure is only logged.
            if not failing:
                raise
            log.exception("could not write audit event %s", event)
            return
        if self.parameters is None or self.query is None or detail in _NOT_KEPT:
            return
        try:
            query_history.record(event, self.query, self.parameters)
        except Exception:
            # The history is a convenience for the console; the audit record above is the one that must exist.
            log.exception("could not keep the query in this key's history")


def audited_response(run: AuditedRun, execute: Callable[[], QueryResult]) -> CypherResponse:
    """Run `execute`, audit how it ended (refused, timeout, not_found, error, unavailable or ok) and
    answer in the `/cypher` shape; errors propagate to the API's handlers after their audit record."""
    start = time.perf_counter()
    try:
        result = execute()
    except CypherRefused as refused:
        run.record("refused", None, start, refused.rule, failing=True)
        raise ApiError(400, "query_refused", refused.message, rule=refused.rule) from refused
    except ApiError as err:
        outcome = {504: "timeout", 404: "not_found"}.get(err.status, "refused" if err.rule else "error")
        run.record(outcome, None, start, err.rule or err.code, failing=True)
        raise
    except (ServiceUnavailable, SessionExpired):
        run.record("unavailable", None, start, "neo4j_unavailable", failing=True)
        raise
    detail = f"truncated_by={result.truncated_by}" if result.truncated else None
    run.record("ok", len(result.rows), start, detail, failing=False)
    return CypherResponse(
        columns=result.columns,
        rows=result.rows,
        truncated=result.truncated,
        truncated_by=result.truncated_by,  # type: ignore[arg-type]
        row_count=len(result.rows),
        elapsed_ms=elapsed_ms(start),
    )
