"""API test wiring: a TestClient on `create_app()` over the session's real Neo4j, and keys per role."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import get_api_settings
from appdb import keys as apikeys
from config import ApiSettings


@pytest.fixture()
def make_client(neo4j: str) -> Iterator[Callable[..., TestClient]]:
    """Factory: a client whose app uses ApiSettings(**overrides) (e.g. a short Cypher timeout)."""
    clients: list[TestClient] = []

    def make(**overrides: object) -> TestClient:
        app: FastAPI = create_app()
        if overrides:
            settings = ApiSettings(**overrides)  # type: ignore[arg-type]
            app.dependency_overrides[get_api_settings] = lambda: settings
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.__exit__(None, None, None)


@pytest.fixture()
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


def _key(role: str) -> str:
    return apikeys.create_key(f"test-{role}", role)[1]


@pytest.fixture()
def admin_key(neo4j: str) -> str:
    return _key("admin")


@pytest.fixture()
def analyst_key(neo4j: str) -> str:
    return _key("analyst")


@pytest.fixture()
def viewer_key(neo4j: str) -> str:
    return _key("viewer")
