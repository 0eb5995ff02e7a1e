"""The delivery files hold together: compose stack, Dockerfile and the CI entry point (no Docker needed)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
# ${VAR}, ${VAR:?message} or ${VAR?message}: a reference with no default value baked in.
_REQUIRED_ENV_REF = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*(?::?\?[^}]*)?\}$")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def _env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {k: str(v) for k, v in env.items()}


def _published_ports(service: dict) -> list[tuple[str, str]]:
    """(host_ip, entry) per published port, short or long syntax."""
    out = []
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            out.append((str(port.get("host_ip", "")), json.dumps(port)))
        else:
            text = str(port)
            parts = text.split(":")
            out.append((parts[0] if len(parts) == 3 else "", text))
    return out


def test_services_exist(compose: dict) -> None:
    assert {"neo4j", "postgres", "api", "scheduler"} <= set(compose["services"])


def test_postgres_image_healthcheck_and_password(compose: dict) -> None:
    pg = compose["services"]["postgres"]
    assert pg["image"] == "postgres:16"
    test = pg["healthcheck"]["test"]
    command = " ".join(test) if isinstance(test, list) else test
    assert "pg_isready" in command
    env = _env(pg)
    assert _REQUIRED_ENV_REF.match(env["POSTGRES_PASSWORD"]), env["POSTGRES_PASSWORD"]
    assert not pg.get("ports"), "PostgreSQL is reached over the compose network only"
    assert "postgres-data" in (compose.get("volumes") or {})
    assert any(str(v).startswith("postgres-data:") for v in pg["volumes"])


@pytest.mark.parametrize("name", ["api", "scheduler"])
def test_app_services_use_postgres_for_application_state(compose: dict, name: str) -> None:
    service = compose["services"][name]
    assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
    url = _env(service)["INVGRAPH_APP_DB_URL"]
    pg_env = _env(compose["services"]["postgres"])
    assert url.startswith(f"postgresql+psycopg://{pg_env['POSTGRES_USER']}:") and url.endswith(
        f"@postgres:5432/{pg_env['POSTGRES_DB']}"
    )
    # The password is the same required variable, not a value baked in.
    assert "${POSTGRES_PASSWORD:?" in url


def test_neo4j_image_and_healthcheck(compose: dict) -> None:
    neo4j = compose["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    test = neo4j["healthcheck"]["test"]
    command = " ".join(test) if isinstance(test, list) else test
    assert "cypher-shell" in command or "7474" in command


@pytest.mark.parametrize("name", ["api", "scheduler"])
def test_app_services_wait_for_a_healthy_neo4j(compose: dict, name: str) -> None:
    service = compose["services"][name]
    assert service["depends_on"]["neo4j"]["condition"] == "service_healthy"
    env = _env(service)
    assert env["NEO4J_URI"] == "bolt://neo4j:7687"
    assert _REQUIRED_ENV_REF.match(env["NEO4J_PASSWORD"]), env["NEO4J_PASSWORD"]


def test_api_is_production(compose: dict) -> None:
    assert _env(compose["services"]["api"])["INVGRAPH_ENVIRONMENT"] == "production"


def test_scheduler_runs_the_nightly_schedule(compose: dict) -> None:
    command = compose["services"]["scheduler"]["command"]
    command = command if isinstance(command, list) else command.split()
    assert command[:3] == ["invgraph", "schedule", "--cron"]


def test_neo4j_auth_references_an_env_var_and_bakes_in_no_password(compose: dict) -> None:
    auth = _env(compose["services"]["neo4j"])["NEO4J_AUTH"]
    user, _, password = auth.partition("/")
    assert user == "neo4j"
    assert _REQUIRED_ENV_REF.match(password), f"NEO4J_AUTH must be neo4j/${{VAR:?…}}, no default: {auth!r}"


def test_csv_import_from_files_is_disabled(compose: dict) -> None:
    env = _env(compose["services"]["neo4j"])
    assert env["NEO4J_dbms_security_allow__csv__import__from__file__urls"] == "false"


def test_published_ports_are_loopback_only(compose: dict) -> None:
    published = [
        (name, ip, entry) for name, svc in compose["services"].items() for ip, entry in _published_ports(svc)
    ]
    assert published, "the stack publishes no port at all"
    wrong = [(name, entry) for name, ip, entry in published if ip != "127.0.0.1"]
    assert not wrong, f"ports not bound to 127.0.0.1: {wrong}"
    api_ports = [entry for name, _, entry in published if name == "api"]
    assert "127.0.0.1:8000:8000" in api_ports


def test_named_volumes_are_declared(compose: dict) -> None:
    declared = set(compose.get("volumes") or {})
    assert "neo4j-data" in declared
    assert "neo4j-data:/data" in compose["services"]["neo4j"]["volumes"]
    for name, svc in compose["services"].items():
        for volume in svc.get("volumes") or []:
            source = volume["source"] if isinstance(volume, dict) else str(volume).split(":", 1)[0]
            if source and not source.startswith((".", "/", "~", "$")):
                assert source in declared, f"{name} mounts undeclared named volume {source!r}"


def test_dockerfile_runs_invgraph_serve_as_non_root() -> None:
    lines = [line.strip() for line in (REPO / "Dockerfile").read_text().splitlines()]
    cmd = [line for line in lines if line.upper().startswith("CMD ")]
    assert cmd, "Dockerfile has no CMD"
    argv = json.loads(cmd[-1][4:])
    assert argv[:2] == ["invgraph", "serve"]
    assert any(line.startswith("FROM python:3.11-slim") for line in lines)
    users = [line.split()[1] for line in lines if line.upper().startswith("USER ")]
    assert users and users[-1] not in ("root", "0"), "the image must run as a non-root user"


def test_ci_run_is_make_test_and_nothing_else() -> None:
    path = REPO / ".ci" / "run"
    text = path.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert path.stat().st_mode & 0o111, ".ci/run must be executable"
    lines = [line.strip() for line in text.splitlines()]
    assert "set -euo pipefail" in lines
    commands = [
        line for line in lines if line and not line.startswith("#") and not line.startswith(("set ", "cd "))
    ]
    assert commands == ["make test"]
