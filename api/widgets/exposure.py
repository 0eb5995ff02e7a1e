"""`top-exposed-assets`: the internet-exposed assets that matter most.

Sources, first that answers wins:

1. `analysis.exposure.top_exposed_assets(limit, allowed)` (contract: an iterable of mappings with `id`,
   `label`, and optionally `name`, `scope`, `exposure` (list of strings), `score`); its `NoExposureRun`
   (never computed) falls through to the next source;
2. Cartography's convention: nodes with `exposed_internet = true` (and `exposed_internet_type`), ranked
   by their open findings weighted by severity;
3. otherwise `available: false`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import analysis.exposure
from analysis.exposure.paths import NoExposureRun
from api.widgets.cache import RunMarker
from api.widgets.common import header
from api.widgets.models import ExposedAsset, TopExposedAssets
from graph import driver
from graph.scopes import is_owner, owned_in_scope, owner_scope

WEIGHTS = {"critical": 10.0, "high": 5.0, "medium": 2.0, "low": 1.0, "info": 0.0}

_EXPOSED = f"""
MATCH (n) WHERE n.exposed_internet = true AND {owned_in_scope("n")}
OPTIONAL MATCH (owner)-[:RESOURCE]->(n) WHERE {is_owner("owner")}
WITH n, head(collect({owner_scope("owner")})) AS scope
RETURN n.id AS id, labels(n) AS labels, coalesce(n.name, n.displayname, n.dnsname) AS name,
       scope, n.exposed_internet_type AS how
"""
_OPEN_FINDINGS = """
MATCH (f:Finding) WHERE f.asset_id IN $ids AND f.state <> 'resolved' AND f.suppression IS NULL
RETURN f.asset_id AS id, f.severity AS severity, count(*) AS n
"""


def _open_findings(ids: list[str]) -> dict[str, tuple[int, float]]:
    out: dict[str, tuple[int, float]] = {}
    for r in driver.read(_OPEN_FINDINGS, {"ids": ids}) if ids else []:
        count, score = out.get(r["id"], (0, 0.0))
        out[r["id"]] = (count + r["n"], score + r["n"] * WEIGHTS.get(r["severity"] or "info", 0.0))
    return out


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def _from_analysis(rows: Iterable[Mapping[str, Any]], limit: int) -> list[ExposedAsset]:
    rows = list(rows)[:limit]
    findings = _open_findings([str(r["id"]) for r in rows])
    return [
        ExposedAsset(
            id=str(r["id"]),
            label=str(r["label"]),
            name=r.get("name"),
            scope=r.get("scope"),
            exposure=_as_list(r.get("exposure")),
            open_findings=findings.get(str(r["id"]), (0, 0.0))[0],
            score=float(r.get("score") or 0.0),
        )
        for r in rows
    ]


def _from_properties(limit: int, allowed: list[str] | None = None) -> list[ExposedAsset]:
    rows = driver.read(_EXPOSED, {"allowed": allowed})
    findings = _open_findings([r["id"] for r in rows if r["id"] is not None])
    assets = []
    for r in rows:
        if r["id"] is None:
            continue
        count, score = findings.get(r["id"], (0, 0.0))
        label = next((x for x in r["labels"] if not x.startswith(("Compute", "Network"))), r["labels"][0])
        assets.append(
            ExposedAsset(
                id=r["id"],
                label=label,
                name=r["name"],
                scope=r["scope"],
                exposure=_as_list(r["how"]),
                open_findings=count,
                score=score,
            )
        )
    assets.sort(key=lambda a: (-a.score, -a.open_findings, a.id))
    return assets[:limit]


def top_exposed_assets(
    marker: RunMarker, limit: int = 10, allowed: list[str] | None = None
) -> TopExposedAssets:
    """`allowed` (a scoped key's ids): only assets of those accounts, projects and clusters."""
    reason = "exposure analysis has not produced data yet"
    try:  # "never computed" is the analysis' own NoExposureRun; any other error is a real failure
        ranked = analysis.exposure.top_exposed_assets(limit, allowed)
        return TopExposedAssets(
            **header("top-exposed-assets", marker),
            source="analysis.exposure",
            assets=_from_analysis(ranked, limit),
        )
    except NoExposureRun as exc:
        reason = str(exc) or reason
    assets = _from_properties(limit, allowed)
    if assets:
        return TopExposedAssets(
            **header("top-exposed-assets", marker), source="exposed_internet", assets=assets
        )
    return TopExposedAssets(**header("top-exposed-assets", marker, False, reason), source=None, assets=[])
