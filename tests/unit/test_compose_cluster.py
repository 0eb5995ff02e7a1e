"""docker-compose.cluster.yml holds together (it needs Docker and a Neo4j Enterprise licence, so it cannot
run here): three Neo4j 5.26 Enterprise primaries that discover each other, licence acceptance left to the
user, two API replicas on `neo4j://` behind the proxy, schedulers sharing the graph's lease."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
SERVERS = ["neo4j-1", "neo4j-2", "neo4j-3"]
APIS = ["api-1", "api-2"]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.cluster.yml").read_text())


def test_three_enterprise_primaries_form_one_cluster(compose: dict) -> None:
    services = compose["services"]
    for name in SERVERS:
        server, env = services[name], services[name]["environment"]
        assert server["image"] == "neo4j:5.26-enterprise"
        assert env["NEO4J_initial_server_mode__constraint"] == "PRIMARY"
        assert sorted(env["NEO4J_dbms_cluster_discovery_endpoints"].split(",")) == [
            f"{s}:5000" for s in SERVERS
        ]
        assert env["NEO4J_server_default__advertised__address"] == name == server["hostname"]
        assert any(v.startswith(f"{name}-data:") for v in server["volumes"])  # a store of its own
        assert "cypher-shell" in " ".join(server["healthcheck"]["test"])
        # The licence is the user's to accept: a required variable, never a "yes" baked in.
        accept = env["NEO4J_ACCEPT_LICENSE_AGREEMENT"]
        assert re.fullmatch(r"\$\{NEO4J_ACCEPT_LICENSE_AGREEMENT:\?[^}]+\}", accept), accept
        assert re.fullmatch(r"neo4j/\$\{NEO4J_PASSWORD:\?[^}]+\}", env["NEO4J_AUTH"])
    assert services["neo4j-1"]["environment"]["NEO4J_initial_dbms_default__primaries__count"] == "3"


def test_two_api_replicas_route_through_the_cluster(compose: dict) -> None:
    services = compose["services"]
    for name in [*APIS, "scheduler"]:
        app, env = services[name], services[name]["environment"]
        assert (
            env["NEO4J_URI"].startswith("neo4j://")
            and env["NEO4J_URI"].split("//")[1].split(":")[0] in SERVERS
        )
        assert env["INVGRAPH_APP_DB_URL"].endswith("@postgres:5432/invgraph")  # shared keys and audit log
        assert {dep: c["condition"] for dep, c in app["depends_on"].items()} == {
            **dict.fromkeys(SERVERS, "service_healthy"),
            "postgres": "service_healthy",
        }
        assert not app.get("ports"), f"{name} is reached through the proxy only"
    assert services["scheduler"]["deploy"]["replicas"] >= 2  # the lease makes this safe


def test_proxy_balances_both_replicas_on_loopback(compose: dict) -> None:
    proxy = compose["services"]["proxy"]
    assert sorted(proxy["depends_on"]) == APIS
    assert all(str(p).startswith("127.0.0.1:") for p in proxy["ports"])
    conf = compose["configs"][proxy["configs"][0]["source"]]["content"]
    upstream = re.search(r"upstream (\w+) \{(.*?)\}", conf, re.S)
    assert upstream is not None
    assert re.findall(r"server ([\w-]+):8000", upstream.group(2)) == APIS
    assert f"proxy_pass http://{upstream.group(1)};" in conf
    # No other service publishes a port beyond loopback.
    for name, service in compose["services"].items():
        assert all(str(p).startswith("127.0.0.1:") for p in service.get("ports") or []), name
