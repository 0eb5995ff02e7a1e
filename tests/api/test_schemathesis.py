"""Property-based API tests from the OpenAPI spec (schemathesis): no 5xx, responses match the schema.

The schema is built at import time: `create_app()` opens no connection, Neo4j is only reached when a
case is called, by which time the `neo4j` fixture has started it and `admin_key` has made a key.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from api.app import create_app

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app()).include(
    path_regex=r"^/api/v1/(cypher|apikeys|audit|queries)"
)


@schema.parametrize()
# derandomize: the same examples on every run, so CI cannot flake; database=None: no .hypothesis/ dir.
@settings(
    max_examples=30, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
def test_api_conforms_to_its_schema(case: schemathesis.Case, admin_key: str) -> None:
    # A schema-valid body may still hold invalid or refused Cypher (400 by design), so the
    # "positive data is accepted" check does not apply; every other built-in check runs.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {admin_key}"},
        excluded_checks=[checks.positive_data_acceptance],
    )
