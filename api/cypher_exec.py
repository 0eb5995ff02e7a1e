"""Plan and execution layers of the ad-hoc Cypher guard (d, e), plus parameter checks.

(d) `EXPLAIN` in a READ session with the caller's parameters: the query type must be 'r', and every
operator of the plan is checked — procedures against the allowlist, no LOAD CSV, no SHOW / admin
operators, nothing planned on another database, no variable-length pattern without an upper bound (or
above the hop limit), and no operator the planner expects to produce more rows than the cost budget, so
a cartesian product over the inventory is refused before it runs, with the estimate in the message.
(e) the query runs in an explicit READ transaction (explicit, so `IN TRANSACTIONS` cannot run even if
everything above missed it) with a server-side timeout; at most limit + 1 rows and at most the result
byte budget are pulled, so neither a wide nor a long result can exhaust the API's memory.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from neo4j.exceptions import ClientError, Neo4jError, TransientError
from pydantic import JsonValue

from api.cypher_guard import PROCEDURE_ALLOWLIST, CypherRefused
from api.cypher_values import to_json
from api.errors import ApiError
from graph.driver import session

_PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_MAX_DEPTH = 16
_INT64 = (-(2**63), 2**63 - 1)
_DENIED_OPERATORS = (
    "LoadCSV",
    "Show",
    "AdministrationCommand",
    "Transaction",
    "Create",
    "Drop",
    "Terminate",
    "Merge",
    "Delete",
    "Set",
    "Remove",
    "Foreach",
)


# `*`, `*3`, `*2..`, `*..5`, `*1..5` in a VarLengthExpand's details; `{1, }` / `{1, 4}` in a Repeat's.
_VAR_LENGTH = re.compile(r"\*(\d*)(\.\.(\d*))?\]")
_QUANTIFIER = re.compile(r"\{\s*(\d+)\s*,\s*(\d*|\*)\s*\}")


@dataclass(frozen=True)
class Limits:
    """Per-query bounds, from the API settings."""

    timeout_s: float
    max_estimated_rows: float = float("inf")
    max_path_hops: int = 1_000_000
    max_result_bytes: int = 1 << 40


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[list[JsonValue]]
    truncated: bool
    truncated_by: str | None = None  # "rows" or "bytes"


def check_parameters(parameters: Mapping[str, JsonValue], max_bytes: int) -> None:
    """Names Cypher can address, bounded size and depth, integers Neo4j can hold."""
    size = len(json.dumps(parameters, separators=(",", ":")).encode())
    if size > max_bytes:
        raise ApiError(413, "parameters_too_large", f"parameters are {size} bytes; the limit is {max_bytes}")
    for name in parameters:
        if not _PARAM_NAME.match(name):
            raise ApiError(
                400, "invalid_parameters", f"parameter name {name[:70]!r} is not a plain identifier"
            )

    def walk(value: JsonValue, depth: int) -> None:
        if depth > _MAX_DEPTH:
            raise ApiError(400, "invalid_parameters", f"parameters nest deeper than {_MAX_DEPTH} levels")
        if isinstance(value, bool):
            return
        if isinstance(value, int) and not _INT64[0] <= value <= _INT64[1]:
            raise ApiError(400, "invalid_parameters", "integer parameter outside the 64-bit range")
        if isinstance(value, list):
            for v in value:
                walk(v, depth + 1)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v, depth + 1)

    for v in parameters.values():
        walk(v, 1)


def _operators(plan: Mapping[str, object]) -> Iterator[tuple[str, str, str, float]]:
    """(operator, database, details, estimated rows) for every node of an EXPLAIN plan."""
    op, _, db = str(plan.get("operatorType", "")).partition("@")
    args = plan.get("args") or {}
    details = str(args.get("Details", "")) if isinstance(args, Mapping) else ""
    estimate = args.get("EstimatedRows") if isinstance(args, Mapping) else None
    yield op, db, details, float(estimate) if isinstance(estimate, int | float) else 0.0
    children = plan.get("children") or []
    for child in children if isinstance(children, list) else []:
        yield from _operators(child)


def _path_upper_bound(op: str, details: str) -> tuple[bool, int | None]:
    """(is a variable-length expansion, its upper hop bound or None when unbounded)."""
    if op.startswith("VarLengthExpand"):
        m = _VAR_LENGTH.search(details)
        if m is None:
            return True, None
        if m.group(2):  # a range: `*2..`, `*..5`, `*1..5`
            return True, int(m.group(3)) if m.group(3) else None
        return True, int(m.group(1)) if m.group(1) else None
    if op.startswith("Repeat"):  # quantified path pattern that was not rewritten to VarLengthExpand
        m = _QUANTIFIER.search(details)
        return True, int(m.group(2)) if m and m.group(2).isdigit() else None
    return False, None


def _check_cost(op: str, details: str, estimate: float, limits: Limits) -> None:
    is_var, upper = _path_upper_bound(op, details)
    if is_var and (upper is None or upper > limits.max_path_hops):
        bound = "no upper bound" if upper is None else f"up to {upper} hops"
        hops = limits.max_path_hops
        raise CypherRefused(
            "unbounded_path",
            f"variable-length pattern with {bound}; give it an upper "
            f"bound of at most {hops} hops (e.g. [*1..{hops}])",
        )
    if estimate > limits.max_estimated_rows:
        raise CypherRefused(
            "cost_budget",
            f"the planner estimates {estimate:,.0f} rows at operator {op}; the budget is "
            f"{limits.max_estimated_rows:,.0f} (INVGRAPH_CYPHER_MAX_ESTIMATED_ROWS): narrow the MATCH "
            "(labels, properties) or avoid cartesian products",
        )


def translate_neo4j_error(exc: Neo4jError, timeout_s: float) -> ApiError:
    code = exc.code or ""
    if (
        "TransactionTimedOut" in code
        or code.endswith("Transaction.Terminated")
        or code.endswith("Transaction.LockClientStopped")
    ):
        return ApiError(504, "query_timeout", f"the query was stopped after the {timeout_s:g} s limit")
    if code.endswith("Statement.AccessMode") or ".Security." in code:
        return ApiError(
            400, "query_refused", "the database refused a write in the read-only session", rule="access_mode"
        )
    if "MemoryPoolOutOfMemoryError" in code or "OutOfMemory" in code:
        return ApiError(400, "query_too_expensive", "the query exceeded the transaction memory limit")
    message = (exc.message or str(exc)).strip().splitlines()[0][:500]
    if isinstance(exc, ClientError):
        return ApiError(400, "cypher_error", f"{code.rsplit('.', 1)[-1]}: {message}")
    if isinstance(exc, TransientError):
        return ApiError(503, "neo4j_busy", f"transient database error, retry: {message}")
    return ApiError(502, "neo4j_error", f"database error: {message}")


def explain_check(
    query: str, parameters: Mapping[str, JsonValue], timeout_s: float, limits: Limits | None = None
) -> None:
    """Layer d. Raises CypherRefused, or ApiError for invalid Cypher."""
    limits = limits or Limits(timeout_s)
    try:
        with session(read_only=True) as s, s.begin_transaction(timeout=timeout_s) as tx:
            summary = tx.run("EXPLAIN " + query, dict(parameters)).consume()
    except Neo4jError as exc:
        raise translate_neo4j_error(exc, timeout_s) from exc
    if summary.query_type != "r":
        raise CypherRefused(
            "read_only", f"the query is not read-only (Neo4j query type {summary.query_type!r})"
        )
    if summary.plan is None:
        raise CypherRefused("no_plan", "Neo4j returned no plan for the query")
    for op, db, details, _ in _operators(summary.plan):
        if db and db != session_database(summary):
            raise CypherRefused("use_database", f"operator {op} runs on database {db!r}")
        if op == "ProcedureCall":
            name = details.split("(", 1)[0].strip()
            if name.lower() not in PROCEDURE_ALLOWLIST:
                raise CypherRefused("procedure_not_allowed", f"procedure {name!r} is not on the allowlist")
        elif op.startswith(_DENIED_OPERATORS):
            raise CypherRefused("plan_operator", f"plan operator {op} is not allowed")
    # Cost only after every operator passed the checks above: a refused write says "write", not "cost".
    for op, _, details, estimate in _operators(summary.plan):
        _check_cost(op, details, estimate, limits)


def session_database(summary: object) -> str:
    db = getattr(summary, "database", None)
    return str(db) if db else "neo4j"


def run_read(
    query: str,
    parameters: Mapping[str, JsonValue],
    limit: int,
    timeout_s: float,
    max_bytes: int | None = None,
) -> QueryResult:
    """Layer e: explicit READ transaction with a timeout; pulls at most limit + 1 rows and stops once
    the rows kept reach `max_bytes` of JSON."""
    rows: list[list[JsonValue]] = []
    size = 0
    try:
        with session(read_only=True) as s, s.begin_transaction(timeout=timeout_s) as tx:
            result = tx.run(query, dict(parameters))
            columns = list(result.keys())
            for record in result:
                if len(rows) == limit:
                    return QueryResult(columns, rows, truncated=True, truncated_by="rows")
                row = [to_json(v) for v in record.values()]
                size += len(json.dumps(row, separators=(",", ":"), default=str))
                if max_bytes is not None and size > max_bytes:
                    return QueryResult(columns, rows, truncated=True, truncated_by="bytes")
                rows.append(row)
            # Leaving the block without commit rolls back: nothing a read did is kept.
    except Neo4jError as exc:
        raise translate_neo4j_error(exc, timeout_s) from exc
    return QueryResult(columns, rows, truncated=False)


def elapsed_ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 3)
