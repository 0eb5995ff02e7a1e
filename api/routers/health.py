"""Health: the only endpoint that needs no API key."""

from __future__ import annotations

import json
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field, ValidationError

from api.deps import Settings
from api.settings import ApiSettings
from graph.driver import server_info

router = APIRouter(tags=["health"])


class Loading(BaseModel):
    """What a loader running beside the API (`make demo`) is doing now."""

    day: int = Field(ge=0)
    days: int = Field(ge=1)
    phase: Literal["sample", "ingest", "controls"]


class Health(BaseModel):
    status: str
    neo4j_version: str
    neo4j_edition: str
    loading: Loading | None = None


def _loading(settings: ApiSettings) -> Loading | None:
    path = settings.load_progress_file
    if path is None:
        return None
    try:
        return Loading.model_validate(json.loads(path.read_text()))
    except FileNotFoundError:
        return None  # the loader finished (it removes the file) or has not started
    except (OSError, ValueError, ValidationError):
        # Read mid-rewrite or malformed: progress is a hint, never a reason for health to fail.
        return None


@router.get("/health", response_model=Health)
def health(settings: Settings) -> Health:
    """Liveness plus the Neo4j version and edition the API talks to, and any load in progress."""
    info = server_info()
    return Health(
        status="ok", neo4j_version=info["version"], neo4j_edition=info["edition"], loading=_loading(settings)
    )
