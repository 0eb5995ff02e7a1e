"""`create_app()`: the FastAPI application, one router per area under /api/v1."""

from __future__ import annotations

from contextlib import asynccontextmanager
from collections.abc import AsyncIterator

from fastapi import FastAPI

from api.routers import health
from graph.driver import close_driver

API_PREFIX = "/api/v1"


@asynccontextmanager
async def _lifespan(_: FastAPI) -> AsyncIterator[None]:
    yield
    close_driver()


def create_app() -> FastAPI:
    app = FastAPI(
        title="invgraph",
        version="0.1.0",
        description="Asset-inventory graph and query service for cloud security teams.",
        lifespan=_lifespan,
    )
    app.include_router(health.router, prefix=API_PREFIX)
    return app
