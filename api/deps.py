"""Shared dependencies: the settings sections handlers read (tests override `get_api_settings` /
`get_exposure_settings`) and strict query strings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from api.errors import ApiError
from config import ApiSettings, ExposureSettings, get_settings


def get_api_settings() -> ApiSettings:
    return get_settings().api


def get_exposure_settings() -> ExposureSettings:
    return get_settings().exposure


Settings = Annotated[ApiSettings, Depends(get_api_settings)]


def strict_query(*allowed: str) -> Callable[[Request], None]:
    """Refuse unknown or repeated query parameters: a typo like `?actoin=` must not silently drop a filter."""

    def check(request: Request) -> None:
        unknown = sorted(set(request.query_params) - set(allowed))
        if unknown:
            raise ApiError(422, "validation_error", f"unknown query parameter(s): {', '.join(unknown)[:200]}")
        repeated = sorted(k for k in set(request.query_params) if len(request.query_params.getlist(k)) > 1)
        if repeated:  # every parameter here is a scalar; silently taking the last value hides mistakes
            raise ApiError(422, "validation_error", f"repeated query parameter(s): {', '.join(repeated)}")

    return check


def on_loop(check: Callable[[Request], None]) -> Callable[[Request], Awaitable[None]]:
    """Run a pure-CPU sync dependency (strict_query) on the event loop: FastAPI would otherwise send it
    to the thread pool, one thread hop per request on the hottest paths of the API (cached answers)."""

    async def run(request: Request) -> None:
        check(request)

    return run
