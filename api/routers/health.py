"""Health: the only endpoint that needs no API key."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from graph.driver import server_info

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    neo4j_version: str
    neo4j_edition: str


@router.get("/health", response_model=Health)
def health() -> Health:
    """Liveness plus the Neo4j version and edition the API talks to."""
    info = server_info()
    return Health(status="ok", neo4j_version=info["version"], neo4j_edition=info["edition"])
