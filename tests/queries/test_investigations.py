"""The investigation library on the generated sample, ingested for real (two days, AWS + Kubernetes + GCP):
every library query returns its planted answer (queries/investigations/<id>/expected.yaml) through the
same guard and limits as /cypher; the API's role rules and parameter errors; the CLI gives the same answers.

One sample load for the module; the investigations whose answer the sample lacks run last, each on its own
small graph.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.investigations import library, run_investigation
from appdb import audit
from appdb import keys as apikeys
from cli.main import app as cli_app
from config import get_settings, set_settings
from ingest.sample import generate
from pipeline.run import ingest_snapshot
from tests.conftest import _wipe, wipe_app_db
from tests.queries.graph_fixture import GraphFixture, load_graph
from tests.queries.investigation_expect import placeholders, problems, read_cases, read_expected

LIBRARY = library()
ON_SAMPLE = [i.id for i in LIBRARY if "graph" not in read_expected(i.folder)]
ON_OWN_GRAPH = [i.id for i in LIBRARY if "graph" in read_expected(i.folder)]
runner = CliRunner(env={"COLUMNS": "200"})
# The module loads a two-day sample once (the first test pays for it); on a busy machine that alone can pass
# the suite's default 600 s, as for the other sample-loading modules.
pytestmark = pytest.mark.timeout(1800)


@pytest.fixture(scope="module")
def sample(neo4j_uri: str) -> Iterator[dict[str, Any]]:
    out = Path(tempfile.mkdtemp(prefix="invgraph-investigations-"))
    manifest = generate(out, scale=0.1, days=2, gcp_projects=1)
    set_settings(None)
    _wipe()
    wipe_app_db()
    for day in ("day-01", "day-02"):
        report = ingest_snapshot(out / day)
        assert report.status == "ok", report.as_json()
    yield {"manifest": manifest, "values": placeholders(manifest)}
    shutil.rmtree(out, ignore_errors=True)


@pytest.fixture(scope="module")
def api(sample: dict[str, Any]) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    def header(name: str, role: str, scopes: apikeys.Scopes | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {apikeys.create_key(name, role, scopes=scopes)[1]}"}

    with TestClient(create_app(), raise_server_exceptions=False) as client:
        yield (
            client,
            {
                "viewer": header("inv-viewer", "viewer"),
                "analyst": header("inv-analyst", "analyst"),
                "scoped": header("inv-scoped", "viewer", apikeys.Scopes(clusters=("prod-eks",))),
            },
        )


def test_the_library_has_the_investigations_the_issue_and_the_dashboard_name() -> None:
    assert len(LIBRARY) >= 25
    for pivot in ("neighbourhood", "reach_to_asset", "reach_from_asset"):
        params = LIBRARY.get(pivot).meta.parameters  # type: ignore[union-attr]
        assert [(p.name, p.type, p.required) for p in params] == [("id", "string", True)]


@pytest.mark.parametrize("investigation_id", ON_SAMPLE)
def test_investigation_returns_its_planted_answer(sample: dict[str, Any], investigation_id: str) -> None:
    inv = LIBRARY.get(investigation_id)
    assert inv is not None
    for n, case in enumerate(read_cases(inv.folder, sample["values"])):
        result = run_investigation(inv, case.get("parameters", {}), get_settings().api)
        assert not result.truncated, (investigation_id, n)
        assert problems(result.columns, result.rows, case) == [], (investigation_id, n, case)


def test_listing_has_the_documented_shape(api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, keys = api
    for who in ("viewer", "scoped"):  # the list holds no inventory data: scoped keys may read it
        response = client.get("/api/v1/queries", headers=keys[who])
        assert response.status_code == 200, response.text
    queries = {q["id"]: q for q in response.json()["queries"]}
    assert set(queries) == {i.id for i in LIBRARY}
    assert queries["assets_changed_recently"]["parameters"] == [
        {
            "name": "scope",
            "type": "string",
            "description": queries["assets_changed_recently"]["parameters"][0]["description"],
            "required": True,
            "default": None,
        },
        {
            "name": "days",
            "type": "int",
            "description": "How many days back from the latest collection.",
            "required": False,
            "default": 7,
        },
    ]
    assert {"id", "title", "description", "parameters"} <= set(queries["neighbourhood"])
    assert client.get("/api/v1/queries").status_code == 401


def test_a_viewer_runs_a_library_query_in_the_cypher_shape(
    api: tuple[TestClient, dict[str, dict[str, str]]], sample: dict[str, Any]
) -> None:
    client, keys = api
    role = f"arn:aws:iam::{sample['values']['prod']}:role/payments-api-irsa"
    body = {"parameters": {"role": role}}
    response = client.post("/api/v1/queries/role_can_read/run", json=body, headers=keys["viewer"])
    assert response.status_code == 200, response.text
    doc = response.json()
    assert set(doc) == {"columns", "rows", "truncated", "truncated_by", "row_count", "elapsed_ms"}
    assert doc["row_count"] == len(doc["rows"]) > 0
    assert f"prod-{sample['values']['prod']}-customer-data" in {
        r[doc["columns"].index("asset_id")] for r in doc["rows"]
    }
    # The same rows as the library function, and the row limit of /cypher applies.
    limited = client.post(
        "/api/v1/queries/role_can_read/run", json={**body, "limit": 1}, headers=keys["analyst"]
    ).json()
    assert limited["rows"] == doc["rows"][:1] and limited["truncated"] and limited["truncated_by"] == "rows"
    # Viewers run library queries; ad-hoc Cypher stays analyst-only.
    adhoc = client.post("/api/v1/cypher", json={"query": "RETURN 1"}, headers=keys["viewer"])
    assert adhoc.status_code == 403
    events = audit.list_events(action="query.run", limit=5)
    assert events[0].outcome == "ok" and events[0].detail.startswith("id=role_can_read")


def test_graph_results_serialise_as_nodes_and_relationships(
    api: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, keys = api
    doc = client.post(
        "/api/v1/queries/neighbourhood/run",
        json={"parameters": {"id": "prod-eks/payments/payments-api"}},
        headers=keys["viewer"],
    ).json()
    row = dict(zip(doc["columns"], doc["rows"][0], strict=True))
    assert {"element_id", "labels", "properties"} <= set(row["node"])
    assert {"element_id", "type", "start", "end"} <= set(row["relationship"])
    assert row["relationship"]["start"] in {row["node"]["element_id"], row["neighbour"]["element_id"]}


@pytest.mark.parametrize(
    ("query_id", "parameters", "status", "fragment"),
    [
        ("assets_changed_recently", {"scope": "x", "days": "7"}, 422, "'days' must be an int, got string"),
        ("assets_changed_recently", {"scope": "x", "days": True}, 422, "'days' must be an int, got bool"),
        ("assets_changed_recently", {"days": 3}, 422, "'scope' (string) is required"),
        ("neighbourhood", {"id": "x", "depth": 2}, 422, "unknown parameter 'depth'"),
        ("neighbourhood", {"id": ""}, 422, "non-empty string"),
        ("no_such_query", {}, 404, "no investigation 'no_such_query'"),
    ],
)
def test_parameters_are_checked_against_their_declared_types(
    api: tuple[TestClient, dict[str, dict[str, str]]],
    query_id: str,
    parameters: dict[str, Any],
    status: int,
    fragment: str,
) -> None:
    client, keys = api
    response = client.post(
        f"/api/v1/queries/{query_id}/run", json={"parameters": parameters}, headers=keys["viewer"]
    )
    assert response.status_code == status, response.text
    assert fragment in response.json()["error"]["message"]


def test_scoped_keys_and_bad_bodies_are_refused(api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, keys = api
    body = {"parameters": {"id": "prod-eks/payments/payments-api"}}
    scoped = client.post("/api/v1/queries/neighbourhood/run", json=body, headers=keys["scoped"])
    assert scoped.status_code == 403 and scoped.json()["error"]["rule"] == "scoped_key"
    assert "library queries cannot be limited" in scoped.json()["error"]["message"]
    assert client.post("/api/v1/queries/neighbourhood/run", json=body).status_code == 401
    extra = client.post(
        "/api/v1/queries/neighbourhood/run",
        json={**body, "query": "MATCH (n) DETACH DELETE n"},
        headers=keys["viewer"],
    )
    assert extra.status_code == 422  # no way to send Cypher through the library endpoint


def _api_rows(
    client: TestClient, headers: dict[str, str], query_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    response = client.post(f"/api/v1/queries/{query_id}/run", json={"parameters": params}, headers=headers)
    assert response.status_code == 200, response.text
    doc: dict[str, Any] = response.json()
    return doc


@pytest.mark.parametrize(
    ("query_id", "cli_params", "api_params"),
    [
        ("reach_to_asset", ["id=prod-{prod}-customer-data"], {"id": "prod-{prod}-customer-data"}),
        ("assets_changed_recently", ["scope={cluster}", "days=1"], {"scope": "{cluster}", "days": 1}),
        ("security_groups_open_to_internet_on_port", ["port=22"], {"port": 22}),
    ],
)
def test_the_cli_gives_the_same_answers(
    api: tuple[TestClient, dict[str, dict[str, str]]],
    sample: dict[str, Any],
    query_id: str,
    cli_params: list[str],
    api_params: dict[str, Any],
) -> None:
    client, keys = api
    values = sample["values"]
    expected = _api_rows(
        client,
        keys["viewer"],
        query_id,
        {k: v.format_map(values) if isinstance(v, str) else v for k, v in api_params.items()},
    )
    args = ["query", "run", query_id]
    for p in cli_params:
        args += ["--param", p.format_map(values)]
    as_json = runner.invoke(cli_app, [*args, "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    got = json.loads(as_json.output)
    assert (got["columns"], got["rows"], got["row_count"]) == (
        expected["columns"],
        expected["rows"],
        expected["row_count"],
    )
    as_csv = runner.invoke(cli_app, [*args, "--format", "csv"])
    table = list(csv.reader(io.StringIO(as_csv.output)))
    assert table[0] == expected["columns"] and len(table) == expected["row_count"] + 1
    as_table = runner.invoke(cli_app, args, terminal_width=200)
    assert as_table.exit_code == 0 and LIBRARY.get(query_id).meta.title in as_table.output  # type: ignore[union-attr]


def test_cli_list_and_errors(api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, keys = api
    listed = runner.invoke(cli_app, ["query", "list", "--format", "json"])
    assert json.loads(listed.output) == client.get("/api/v1/queries", headers=keys["viewer"]).json()
    bad_type = runner.invoke(cli_app, ["query", "run", "internet_exposed_on_port", "--param", "port=ssh"])
    assert bad_type.exit_code == 2 and "'port' must be int" in bad_type.output
    unknown = runner.invoke(cli_app, ["query", "run", "reach_to"])
    assert unknown.exit_code == 2 and "reach_to_asset" in unknown.output


@pytest.mark.parametrize("investigation_id", ON_OWN_GRAPH)
def test_investigation_on_its_own_graph(sample: dict[str, Any], investigation_id: str) -> None:
    """Last in the module: each wipes the sample and loads its own small graph."""
    inv = LIBRARY.get(investigation_id)
    assert inv is not None
    graph = read_expected(inv.folder)["graph"]
    _wipe()
    load_graph(GraphFixture(expect=[], nodes=graph["nodes"], rels=graph.get("rels", [])))
    for n, case in enumerate(read_cases(inv.folder, sample["values"])):
        result = run_investigation(inv, case.get("parameters", {}), get_settings().api)
        assert problems(result.columns, result.rows, case) == [], (investigation_id, n, case)
