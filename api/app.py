"""`create_app()`: the FastAPI application, one router per area under /api/v1."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from neo4j.exceptions import ServiceUnavailable, SessionExpired

from api import docs_ui, errors, widgets
from api.auth import KeyCache
from api.body_limit import BodyLimitMiddleware
from api.deps import get_api_settings
from api.metrics import Metrics, MetricsMiddleware
from api.routers import apikeys, audit, cypher, exposure, findings, health, history, metrics, privileges
from api.routers import queries as queries_router
from api.routers import roadmap as roadmap_router
from api.routers import widgets as widgets_router
from api.widgets import dashboard
from appdb import engine, graph_import
from graph.driver import close_driver

API_PREFIX = "/api/v1"
log = logging.getLogger("invgraph.api")


@asynccontextmanager
async def _lifespan(_: FastAPI) -> AsyncIterator[None]:
    engine.get_sessionmaker()  # create / migrate the application database now: a bad URL stops start-up
    try:
        graph_import.move_from_graph()
    except (ServiceUnavailable, SessionExpired) as exc:
        # Not fatal: the API still answers health checks; the move is retried at the next start.
        log.warning(
            "Neo4j unavailable at start-up; API keys or audit events still in the graph were not "
            "moved to the application database (retried at next start): %s",
            exc,
        )
    yield
    close_driver()
    engine.dispose_all()


def create_app() -> FastAPI:
    settings = get_api_settings()  # validated here so a bad configuration stops start-up, not a request
    app = FastAPI(
        title="invgraph",
        version="0.1.0",
        description="Asset-inventory graph and query service for cloud security teams.",
        lifespan=_lifespan,
        docs_url=None,  # served by api/docs_ui.py from packaged assets, not a CDN
        redoc_url=None,
    )
    # Per-app state (not module globals): each app, and each test, starts with its own cache and counters.
    app.state.key_cache = KeyCache()
    app.state.metrics = Metrics()
    app.state.server_info = health.ServerInfoCache()
    app.state.rate_limiter = None  # a RateLimiter, built on first use from the settings in force
    widgets.install(app)  # per-run widget cache; its counters join app.state.metrics
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    # Added last = outermost: counts every request, including those refused by the body limit.
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    errors.install(app)
    app.include_router(health.router, prefix=API_PREFIX)
    app.include_router(cypher.router, prefix=API_PREFIX)
    app.include_router(apikeys.router, prefix=API_PREFIX)
    app.include_router(audit.router, prefix=API_PREFIX)
    app.include_router(history.router, prefix=API_PREFIX)
    app.include_router(privileges.router, prefix=API_PREFIX)
    app.include_router(widgets_router.router, prefix=API_PREFIX)
    app.include_router(findings.router, prefix=API_PREFIX)
    app.include_router(exposure.router, prefix=API_PREFIX)
    app.include_router(roadmap_router.router, prefix=API_PREFIX)
    app.include_router(queries_router.router, prefix=API_PREFIX)
    app.include_router(metrics.router)
    docs_ui.install(app)
    dashboard.mount(app)  # GET / and /static/*: public, see api/widgets/dashboard.py
    return app
