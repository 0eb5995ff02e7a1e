"""Dashboard widgets: a registry of small, cached, read-only summaries of the graph.

Each widget is a function `(RunMarker, **params, allowed=None) -> <its response model>` in a module of this
package; `allowed` is a scoped API key's accounts / projects / clusters (api/scopes.py), None for an unscoped
key, and every widget limits its answer to them. `api/routers/widgets.py` turns every entry into
`GET /api/v1/widgets/<name>` with that response model. Results are cached per run and scope list (`cache.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

from api.widgets import assets, drift, exposure, findings, privileges, runs
from api.widgets.cache import WidgetCache
from api.widgets.models import (
    AssetCounts,
    ControlPassRates,
    FindingsByDomain,
    FindingsByMaturity,
    FindingsBySeverity,
    LatestDrift,
    PrivilegeCreep,
    Runs,
    TopExposedAssets,
    WidgetBase,
)


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TrendParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    runs: int = Field(default=10, ge=1, le=50, description="Control runs in each control's trend.")


class LimitParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    limit: int = Field(default=10, ge=1, le=100, description="Rows to return.")


@dataclass(frozen=True)
class Widget:
    name: str
    title: str
    description: str
    model: type[WidgetBase]
    compute: Callable[..., WidgetBase]
    params: type[BaseModel] = NoParams


WIDGETS: dict[str, Widget] = {
    w.name: w
    for w in (
        Widget(
            "asset-counts",
            "Assets",
            "Assets by label, by AWS account, by Kubernetes cluster and by GCP project.",
            AssetCounts,
            assets.asset_counts,
        ),
        Widget(
            "findings-by-severity",
            "Findings by severity",
            "Open, suppressed and resolved findings per severity.",
            FindingsBySeverity,
            findings.findings_by_severity,
        ),
        Widget(
            "findings-by-domain",
            "Findings by domain",
            "Findings per control domain (control metadata).",
            FindingsByDomain,
            findings.findings_by_domain,
        ),
        Widget(
            "findings-by-maturity",
            "Findings by maturity",
            "Findings per roadmap maturity level (1–5).",
            FindingsByMaturity,
            findings.findings_by_maturity,
        ),
        Widget(
            "control-pass-rates",
            "Control pass rates",
            "Per control: evaluated, failed, pass rate, and the trend over the last `runs` control runs.",
            ControlPassRates,
            findings.control_pass_rates,
            TrendParams,
        ),
        Widget(
            "top-exposed-assets",
            "Top exposed assets",
            "Internet-exposed assets ranked by exposure score or severity-weighted open findings.",
            TopExposedAssets,
            exposure.top_exposed_assets,
            LimitParams,
        ),
        Widget(
            "latest-drift",
            "Latest drift",
            "Assets and relationships added, removed, changed by the latest run.",
            LatestDrift,
            drift.latest_drift,
        ),
        Widget(
            "privilege-creep",
            "Privilege creep",
            "Principals whose permissions changed between the last two runs.",
            PrivilegeCreep,
            privileges.privilege_creep,
        ),
        Widget(
            "runs",
            "Ingest runs",
            "Recent ingest runs with status, modules and control run.",
            Runs,
            runs.runs,
            LimitParams,
        ),
    )
}


def install(app: FastAPI) -> None:
    """Per-app cache whose counters live in the app's Prometheus registry."""
    app.state.widget_cache = WidgetCache(app.state.metrics.registry)
