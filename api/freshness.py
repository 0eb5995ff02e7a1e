"""The `freshness` object answers carry (history/freshness.py): which finished ingest run they reflect and,
for modules that run did not collect, when their data was last collected."""

from __future__ import annotations

from pydantic import BaseModel, Field

from history.freshness import freshness


class StaleModule(BaseModel):
    module: str
    scope: str
    status: str = Field(
        description="The module's status in the reflected run: failed, partial, not collected."
    )
    last_collected_run_id: str | None = Field(description="Last run that collected it fully (null: never).")
    last_collected_at: str | None = Field(description="That run's collection time (ISO 8601).")


class Freshness(BaseModel):
    ingest_run_id: str | None = Field(
        description="The finished (ok / partial) ingest run reflected; null: none."
    )
    collected_at: str | None
    finished_at: str | None
    stale_modules: list[StaleModule] = Field(
        description="Modules × scopes not collected ok in that run: their data is the last collection's."
    )


def read_freshness(run_id: str | None = None, allowed: list[str] | None = None) -> Freshness:
    """Freshness of `run_id` (latest finished run when None), limited to a scoped key's scopes."""
    return Freshness.model_validate(freshness(run_id, allowed))
