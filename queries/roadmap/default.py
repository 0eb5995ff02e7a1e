"""The built-in roadmap: one task per area × level × layer our controls cover, plus tasks no control judges.

Generated from the control catalogue, so a new control lands in the default roadmap without another list
to keep in step. The wording lives in default_roadmap.yaml.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from queries.models import Control, Domain
from queries.roadmap.model import COLUMNS, LAYER_LABELS, Roadmap, RoadmapTask

_DATA = Path(__file__).resolve().parent / "default_roadmap.yaml"
_DOMAIN_ORDER = {d.value: i for i, d in enumerate(Domain)}


@cache
def _data() -> dict[str, Any]:
    return yaml.safe_load(_DATA.read_text(encoding="utf-8"))


def default_roadmap(catalogue: Iterable[Control]) -> Roadmap:
    data = _data()
    groups: dict[tuple[str, str, int, str], list[Control]] = defaultdict(list)
    for c in catalogue:
        if c.meta.severity.value == "info":
            continue  # inventories are not verdicts: no task is done by them
        m = c.meta
        groups[(m.domain.value, m.roadmap_control, m.maturity, m.layer.value)].append(c)
    tasks = []
    for (domain, area, level, layer), controls in groups.items():
        controls.sort(key=lambda c: c.id)
        tasks.append(
            RoadmapTask(
                domain=domain,
                control=area,
                task=f"{data['areas'].get(area, area)} (level {level}, {LAYER_LABELS[layer].lower()})",
                description="Checked by: " + "; ".join(c.meta.title for c in controls),
                priority=level,
                layer=layer,
                epic=area,
                csa_ccm=sorted({x for c in controls for x in c.meta.frameworks.csa_ccm}),
                controls=[c.id for c in controls],
            )
        )
    tasks += [RoadmapTask(**t) for t in data["manual"]]
    tasks.sort(key=lambda t: (_DOMAIN_ORDER[t.domain], t.priority, t.control, t.layer, t.task))
    return Roadmap(tasks, list(COLUMNS), "built-in")
