"""`GET /api/v1/roadmap`: the maturity scorecard per domain and layer (viewer, unscoped)."""

from __future__ import annotations

from functools import cache
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.auth import require_role
from api.deps import strict_query
from api.errors import error_responses
from appdb.keys import ApiKey
from queries.catalogue import Catalogue, load_catalogue
from queries.roadmap.scorecard import build_scorecard

router = APIRouter(
    prefix="/roadmap", tags=["roadmap"], dependencies=[Depends(strict_query("threshold", "runs"))]
)
# A control's verdict covers every account, project and cluster at once: no per-scope scorecard exists.
UnscopedViewer = Annotated[
    ApiKey,
    Depends(
        require_role(
            "viewer",
            refusal="the roadmap scorecard judges controls over the whole inventory and cannot be limited "
            "to a key's scopes; use an unscoped key",
        )
    ),
]


@cache
def _catalogue() -> Catalogue:
    """The control catalogue is files in the repository: read once per process."""
    return load_catalogue()


class LevelOut(BaseModel):
    level: int = Field(ge=1, le=5)
    controls: int = Field(description="Controls of this level with evidence (n/a and not-run left out).")
    passing: int = Field(description="Of those, passing or documented (every finding muted / accepted).")
    documented: int
    pass_rate: float | None = Field(description="passing / controls; null without controls.")
    met: bool


class BlockerOut(BaseModel):
    control_id: str
    title: str
    severity: str
    maturity: int
    layer: str
    state: str = Field(description="fail, unknown or error.")
    failed: int = Field(description="Assets failing in the latest run.")
    open_findings: int = Field(description="Findings neither muted nor accepted.")


class StandingOut(BaseModel):
    level: int = Field(description="0: level 1 is not met (or no control has evidence).")
    controls: int = Field(description="Controls with evidence in this group.")
    next_level: int | None = Field(description="The first level not met; null when all with evidence are.")
    levels: list[LevelOut]
    blocking: list[BlockerOut] = Field(description="Controls not passing at `next_level`.")
    trend: list[int] = Field(description="The level after each run of `runs`, oldest first.")


class DomainOut(StandingOut):
    domain: str
    layers: dict[str, StandingOut] = Field(description="`cloud` and `kubernetes` (layer `both` in each).")


class RunOut(BaseModel):
    run_id: str
    at: str
    ingest_run_id: str | None


class ScorecardOut(BaseModel):
    available: bool = Field(description="False until the controls have run once.")
    reason: str | None
    threshold: float
    control_run_id: str | None
    runs: list[RunOut]
    domains: list[DomainOut]
    layers: dict[str, StandingOut]


@router.get("", response_model=ScorecardOut, responses=error_responses())
async def scorecard(
    _: UnscopedViewer,
    threshold: Annotated[
        float, Query(gt=0, le=1, description="Share of a level's controls that must pass for it to be met.")
    ] = 1.0,
    runs: Annotated[int, Query(ge=1, le=100, description="Control runs in the trend.")] = 10,
) -> ScorecardOut:
    """Per domain and layer: the level the control evidence supports, what blocks the next level, pass
    rates per level and the trend over the last control runs (docs/roadmap.md)."""
    card = await run_in_threadpool(build_scorecard, None, threshold, runs, _catalogue())
    return ScorecardOut.model_validate(card.to_dict())
