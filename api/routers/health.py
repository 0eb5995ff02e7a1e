"""Health: the only endpoint that needs no API key.

The Neo4j version and edition are asked at most once per `INFO_TTL_S` and shared by every caller in
between, so a load balancer polling health, or many clients at once, cost Neo4j one query a second and
the answer stays on the event loop (no thread hop) while the value is fresh. Neo4j going away shows up
within that second: the refresh fails and the answer is 503.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from api.deps import Settings
from config import ApiSettings
from graph.driver import server_info

router = APIRouter(tags=["health"])
INFO_TTL_S = 1.0


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


class ServerInfoCache:
    def __init__(self, ttl_s: float = INFO_TTL_S) -> None:
        self._ttl, self._lock = ttl_s, threading.Lock()
        self._value: dict[str, str] | None = None
        self._at = 0.0

    def fresh(self) -> dict[str, str] | None:
        return self._value if self._value is not None and time.monotonic() - self._at < self._ttl else None

    def refresh(self) -> dict[str, str]:
        with self._lock:  # one Neo4j query for a burst of callers
            if (value := self.fresh()) is not None:
                return value
            self._value, self._at = server_info(), time.monotonic()
            return self._value


@router.get("/health", response_model=Health)
async def health(request: Request, settings: Settings) -> Health:
    """Liveness plus the Neo4j version and edition the API talks to (checked at most once a second), and
    any load in progress."""
    cache: ServerInfoCache = request.app.state.server_info
    info = cache.fresh() or await run_in_threadpool(cache.refresh)
    return Health(
        status="ok", neo4j_version=info["version"], neo4j_edition=info["edition"], loading=_loading(settings)
    )
