"""`/api/v1/widgets`: dashboard widgets (viewer), one route per widget, each answered from a per-run cache.

No `from __future__ import annotations` here: the endpoints are built in a loop and FastAPI must see each
widget's real query-parameter model in the signature, not a string it cannot resolve.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.auth import ScopedViewer
from api.deps import on_loop, strict_query
from api.errors import error_responses
from api.freshness import read_freshness
from api.scopes import allowed_scopes
from api.widgets import WIDGETS, Widget
from api.widgets.cache import RunMarker, WidgetCache
from api.widgets.models import WidgetInfo, WidgetList

router = APIRouter(prefix="/widgets", tags=["widgets"])
PREFIX = "/api/v1/widgets"


@router.get(
    "", response_model=WidgetList, responses=error_responses(), dependencies=[Depends(strict_query())]
)
def list_widgets(_: ScopedViewer) -> WidgetList:
    """The widgets this server offers, with their paths and query parameters."""
    return WidgetList(
        widgets=[
            WidgetInfo(
                name=w.name,
                title=w.title,
                description=w.description,
                path=f"{PREFIX}/{w.name}",
                parameters=sorted(w.params.model_fields),
            )
            for w in WIDGETS.values()
        ]
    )


def _add_route(widget: Widget) -> None:
    params_model = widget.params

    async def endpoint(
        request: Request, api_key: ScopedViewer, params: Annotated[params_model, Query()]
    ) -> Response:  # type: ignore[valid-type]
        cache: WidgetCache = request.app.state.widget_cache
        values: dict[str, int] = params.model_dump()  # type: ignore[attr-defined]
        # A scoped key's answer is cached apart, under its scope list (keys with the same scopes share it).
        allowed = allowed_scopes(api_key)
        key = (*(values[k] for k in sorted(values)), tuple(allowed) if allowed is not None else None)
        # Fast path: a fresh marker and a valid entry are answered on the event loop with the stored
        # bytes: no Neo4j, no re-serialisation, no thread hop beyond the auth dependency's.
        body = cache.peek(widget.name, key)
        outcome = "hit"
        if body is None:

            def compute(marker: RunMarker) -> bytes:
                answer = widget.compute(marker, allowed=allowed, **values)
                answer.freshness = read_freshness(None, allowed)
                return answer.model_dump_json().encode()

            body, was_hit = await run_in_threadpool(cache.get, widget.name, key, compute)
            outcome = "hit" if was_hit else "miss"
        return Response(body, media_type="application/json", headers={"X-Widget-Cache": outcome})

    endpoint.__name__ = "widget_" + widget.name.replace("-", "_")
    endpoint.__doc__ = widget.description
    router.add_api_route(
        f"/{widget.name}",
        endpoint,
        methods=["GET"],
        response_model=widget.model,
        summary=widget.title,
        responses=error_responses(),
        dependencies=[Depends(on_loop(strict_query(*widget.params.model_fields)))],
    )


for _widget in WIDGETS.values():
    _add_route(_widget)
