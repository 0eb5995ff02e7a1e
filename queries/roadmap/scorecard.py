"""The maturity scorecard: per domain and per layer, the level the control evidence supports.

Level N is reached when every level 1…N meets the pass-rate threshold, and level N has at least one control
with evidence (a level with no applicable control neither blocks nor counts). A level's pass rate is the share
of its controls that pass, a failing control whose findings are all muted or accepted counting as passing
(a documented risk). With the default threshold 1.0 that is "every automated control of levels ≤ N passes".
Controls without evidence (n/a: no assets of their kind; not run) are left out, and informational controls
(severity ``info``) are inventories, not verdicts, so they never count. The blocking controls are those not
passing at the first level that is not met.

Layers: a control of layer ``both`` counts in the cloud and in the Kubernetes column.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from neo4j import Driver

from queries.catalogue import Catalogue, load_catalogue
from queries.models import Control, Domain
from queries.roadmap.evidence import NO_EVIDENCE, Verdict, carried, recent_runs
from queries.roadmap.render import scorecard_html, scorecard_markdown

LEVELS = (1, 2, 3, 4, 5)
LAYERS = ("cloud", "kubernetes")


@dataclass(frozen=True)
class LevelStat:
    level: int
    controls: int  # with evidence
    passing: int  # pass or documented
    documented: int
    met: bool

    @property
    def pass_rate(self) -> float | None:
        return round(self.passing / self.controls, 4) if self.controls else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "controls": self.controls,
            "passing": self.passing,
            "documented": self.documented,
            "pass_rate": self.pass_rate,
            "met": self.met,
        }


@dataclass(frozen=True)
class Blocker:
    control_id: str
    title: str
    severity: str
    maturity: int
    layer: str
    state: str
    failed: int
    open_findings: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Standing:
    """The level one group of controls (a domain, a layer, or both) has reached."""

    level: int
    next_level: int | None  # the first level not met (None: every level with evidence is met)
    levels: list[LevelStat]
    blocking: list[Blocker]
    trend: list[int]  # the level after each of the last runs, oldest first

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "controls": sum(s.controls for s in self.levels),
            "next_level": self.next_level,
            "levels": [s.to_dict() for s in self.levels],
            "blocking": [b.to_dict() for b in self.blocking],
            "trend": self.trend,
        }


@dataclass(frozen=True)
class DomainCard:
    domain: str
    overall: Standing
    layers: dict[str, Standing]

    def to_dict(self) -> dict[str, Any]:
        return {
            "domain": self.domain,
            **self.overall.to_dict(),
            "layers": {k: v.to_dict() for k, v in self.layers.items()},
        }


@dataclass
class Scorecard:
    threshold: float
    runs: list[dict[str, Any]]  # {run_id, at, ingest_run_id}, oldest first
    domains: list[DomainCard] = field(default_factory=list)
    layers: dict[str, Standing] = field(default_factory=dict)

    @property
    def available(self) -> bool:
        return bool(self.runs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "available": self.available,
            "reason": None if self.available else "no control run yet: run `invgraph controls run`",
            "threshold": self.threshold,
            "control_run_id": self.runs[-1]["run_id"] if self.runs else None,
            "runs": self.runs,
            "domains": [d.to_dict() for d in self.domains],
            "layers": {k: v.to_dict() for k, v in self.layers.items()},
        }

    def to_markdown(self) -> str:
        return scorecard_markdown(self.to_dict())

    def to_html(self) -> str:
        return scorecard_html(self.to_dict())


def _in_layer(control: Control, layer: str | None) -> bool:
    return layer is None or control.meta.layer.value in (layer, "both")


def _level_stats(
    controls: list[Control], verdicts: dict[str, Verdict], threshold: float
) -> tuple[list[LevelStat], int, int | None]:
    stats, reached, first_unmet = [], 0, None
    for level in LEVELS:
        judged = [
            verdicts[c.id]
            for c in controls
            if c.meta.maturity == level and c.id in verdicts and verdicts[c.id].state not in NO_EVIDENCE
        ]
        passing = sum(v.passing for v in judged)
        met = not judged or passing / len(judged) >= threshold
        stats.append(
            LevelStat(level, len(judged), passing, sum(v.state == "documented" for v in judged), met)
        )
        if first_unmet is None:
            if not met:
                first_unmet = level
            elif judged:
                reached = level
    return stats, reached, first_unmet


def _standing(controls: list[Control], history: list[dict[str, Verdict]], threshold: float) -> Standing:
    current = history[-1] if history else {}
    levels, reached, unmet = _level_stats(controls, current, threshold)
    blocking = []
    if unmet is not None:
        for c in controls:
            v = current.get(c.id)
            if c.meta.maturity == unmet and v and v.state not in NO_EVIDENCE and not v.passing:
                blocking.append(
                    Blocker(
                        c.id,
                        c.meta.title,
                        c.meta.severity.value,
                        c.meta.maturity,
                        c.meta.layer.value,
                        v.state,
                        v.failed,
                        v.open_findings,
                    )
                )
    trend = [_level_stats(controls, verdicts, threshold)[1] for verdicts in history]
    return Standing(reached, unmet, levels, blocking, trend)


def scorecard_from(catalogue: Iterable[Control], runs: list, threshold: float = 1.0) -> Scorecard:
    """The scorecard of ``runs`` (evidence.recent_runs, oldest first) over the catalogue's controls."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError("the pass-rate threshold must be in (0, 1]")
    graded = [c for c in catalogue if c.meta.severity.value != "info"]
    history = carried(runs)
    card = Scorecard(
        threshold,
        [{"run_id": r.run_id, "at": r.at, "ingest_run_id": r.ingest_run_id} for r in runs],
    )
    for domain in Domain:
        mine = [c for c in graded if c.meta.domain == domain]
        card.domains.append(
            DomainCard(
                domain.value,
                _standing(mine, history, threshold),
                {
                    layer: _standing([c for c in mine if _in_layer(c, layer)], history, threshold)
                    for layer in LAYERS
                },
            )
        )
    card.layers = {
        layer: _standing([c for c in graded if _in_layer(c, layer)], history, threshold) for layer in LAYERS
    }
    return card


def build_scorecard(
    driver: Driver | None = None,
    threshold: float = 1.0,
    runs: int = 10,
    catalogue: Catalogue | None = None,
) -> Scorecard:
    """The scorecard from the last ``runs`` control runs in Neo4j (``driver``: a neo4j Driver; None: the
    process-wide one of graph.driver)."""
    return scorecard_from(catalogue or load_catalogue(), recent_runs(driver, runs), threshold)
