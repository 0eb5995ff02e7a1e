"""Running a library investigation: bound parameters, then exactly the layers `/api/v1/cypher` applies.

The library's Cypher is ours, but it still goes through the lexical guard, the EXPLAIN plan check (read
only, cost budget, hop bound), the READ transaction with its timeout, and the row and byte limits, with
the same settings. A library query that a future graph makes too expensive is refused like an ad-hoc one,
never run unbounded. The router and `invgraph query run` both call `run_investigation`, so the CLI gives
the same answer as the API.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from pydantic import JsonValue

from api.cypher_exec import QueryResult
from api.cypher_run import guarded_read
from api.errors import ApiError
from config import ApiSettings
from queries.library import Investigation, Library, ParameterError, bind, load_library


@lru_cache(maxsize=1)
def library() -> Library:
    """Loaded once per process (it is data shipped with the code); a broken library fails loudly."""
    return load_library()


def get_investigation(investigation_id: str) -> Investigation:
    inv = library().get(investigation_id)
    if inv is None:
        raise ApiError(404, "not_found", f"no investigation {investigation_id[:100]!r} in the library")
    return inv


def bind_or_422(inv: Investigation, given: Mapping[str, JsonValue]) -> dict[str, JsonValue]:
    try:
        return bind(inv, given)
    except ParameterError as err:
        raise ApiError(422, "invalid_parameters", f"{inv.id}: {err}") from err


def run_investigation(
    inv: Investigation, parameters: Mapping[str, JsonValue], settings: ApiSettings, limit: int | None = None
) -> QueryResult:
    """Bind, then `guarded_read` exactly as `/cypher`. Raises ApiError (422 for parameters) or
    CypherRefused, which the router reports through `audited_response` and the CLI as exit codes."""
    bound = bind_or_422(inv, parameters)
    return guarded_read(inv.query, bound, settings, limit)
