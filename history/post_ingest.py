"""The post-ingest steps: analyses that run after every ingest, registered by the analyses themselves.

A step is ``run(ctx, results) -> summary or None``: the run's context and its module results (so a step can
tell which scopes the run collected). The registry sits here, below both ingest and the analyses, so an
analysis registers itself when imported (``STEP = register(PostIngestStep(...))``) and the pipeline
(pipeline/run.py) runs what is registered: ingest never imports an analysis, an analysis never imports
ingest. ``order`` fixes the sequence whatever the import order (privileges 10 before exposure 20: exposure
paths read effective permissions). The error policy is the pipeline's, not the step's: a step raises, the
pipeline records the error on the run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from history.runs import ModuleResult, RunContext

StepFunction = Callable[[RunContext, list[ModuleResult]], dict[str, Any] | None]


@dataclass(frozen=True)
class PostIngestStep:
    name: str  # recorded on the run's ``steps``
    run: StepFunction
    order: int  # lower runs first


STEPS: list[PostIngestStep] = []


def register(step: PostIngestStep) -> PostIngestStep:
    """Add a step (a step of the same name is replaced, so re-importing a module does not run it twice)."""
    STEPS[:] = [s for s in STEPS if s.name != step.name] + [step]
    return step


def registered() -> list[PostIngestStep]:
    return sorted(STEPS, key=lambda s: (s.order, s.name))
