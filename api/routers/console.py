"""What the dashboard console reads besides `/cypher` itself: this key's recent queries, and which
provider and kind each graph label stands for (the graph view's colours and legend)."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, JsonValue

from api.auth import Analyst, ScopedViewer
from api.deps import strict_query
from api.errors import error_responses
from api.widgets.assets import label_categories
from appdb import query_history
from ingest import registry

router = APIRouter(prefix="/cypher", tags=["cypher"])


class HistoryEntryOut(BaseModel):
    at: str
    query: str
    parameters: dict[str, JsonValue]
    outcome: str
    rows: int | None = None
    duration_ms: float | None = None
    detail: str | None = None


class HistoryOut(BaseModel):
    queries: list[HistoryEntryOut]


class LabelOut(BaseModel):
    label: str
    provider: str | None
    kind: str


class LabelsOut(BaseModel):
    labels: list[LabelOut]


@router.get(
    "/history",
    response_model=HistoryOut,
    responses=error_responses(),
    dependencies=[Depends(strict_query("limit"))],
)
def cypher_history(
    key: Analyst, limit: Annotated[int, Query(ge=1, le=query_history.KEEP_PER_KEY)] = 20
) -> HistoryOut:
    """This key's recent `POST /cypher` queries with their text, newest first (never another key's)."""
    return HistoryOut(queries=[HistoryEntryOut(**vars(e)) for e in query_history.recent(key.id, limit)])


@lru_cache(maxsize=1)
def _labels() -> LabelsOut:
    providers: dict[str, set[str]] = {}
    for module in registry.all_modules():
        for schema in module.schemas:
            for label in (schema.label, *schema.extra_labels):
                providers.setdefault(label, set()).add(module.provider)
    kinds = label_categories()
    # A label shared by providers (e.g. a generic `Subnet`) names no provider: the node's specific label does.
    return LabelsOut(
        labels=[
            LabelOut(
                label=label,
                provider=next(iter(p)) if len(p) == 1 else None,
                kind=kinds.get(label, "other"),
            )
            for label, p in sorted(providers.items())
        ]
    )


@router.get(
    "/labels", response_model=LabelsOut, responses=error_responses(), dependencies=[Depends(strict_query())]
)
def graph_labels(_: ScopedViewer) -> LabelsOut:
    """Every graph label with the provider it belongs to (null when shared) and its kind, for colouring."""
    return _labels()
