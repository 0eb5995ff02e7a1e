"""Public response models of the dashboard widgets: one per widget, all sharing `WidgetBase`.

Every widget says whether its data source exists yet (`available`) so the dashboard can show "not
available yet" instead of an error while drift, exposure or privilege analysis are missing from a graph.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.freshness import Freshness

SEVERITIES = ("critical", "high", "medium", "low", "info")


class WidgetBase(BaseModel):
    widget: str
    available: bool = Field(description="False while the data source (a module or a first run) is missing.")
    reason: str | None = Field(default=None, description="Why the widget is unavailable, when it is.")
    ingest_run_id: str | None = Field(description="Latest ingest run when this was computed (the cache key).")
    control_run_id: str | None = Field(description="Latest control run when this was computed.")
    computed_at: str = Field(description="ISO 8601 UTC time of the computation (cached until a new run).")
    freshness: Freshness | None = Field(
        default=None, description="The finished ingest run reflected and modules it did not collect."
    )


class WidgetInfo(BaseModel):
    name: str
    title: str
    description: str
    path: str
    parameters: list[str]


class WidgetList(BaseModel):
    widgets: list[WidgetInfo]


# --- asset-counts -------------------------------------------------------------------------------------
class LabelCount(BaseModel):
    label: str
    count: int


class ScopeCount(BaseModel):
    id: str
    name: str | None
    count: int
    external: bool = Field(default=False, description="An AWS account seen only in trust policies.")


class CategoryCount(BaseModel):
    category: str = Field(description="compute, data, identity, network, kubernetes, other or plumbing")
    count: int
    folded: bool = Field(
        description="Records that make up assets rather than being one (IP rules, network "
        "interfaces, reservations, policy statements): shown folded."
    )
    labels: list[LabelCount]


class AssetCounts(WidgetBase):
    total: int = Field(description="Assets: nodes of the ingestion schemas, each counted once.")
    by_label: list[LabelCount]
    by_category: list[CategoryCount] = Field(
        default_factory=list, description="by_label grouped into categories; plumbing last, folded."
    )
    by_account: list[ScopeCount] = Field(
        description="Assets owned by each inventoried AWS account (RESOURCE edge)."
    )
    external_accounts: list[ScopeCount] = Field(
        default_factory=list,
        description="AWS accounts seen only in trust policies (not inventoried), with what they own here.",
    )
    by_cluster: list[ScopeCount] = Field(description="Assets owned by each Kubernetes cluster.")
    by_project: list[ScopeCount] = Field(description="Assets owned by each GCP project (empty without GCP).")
    by_gcp_parent: list[ScopeCount] = Field(
        default_factory=list, description="Assets owned directly by a GCP organization or folder."
    )
    by_subscription: list[ScopeCount] = Field(
        default_factory=list, description="Assets owned by each Azure subscription (empty without Azure)."
    )


# --- findings -------------------------------------------------------------------------------------------
class FindingTally(BaseModel):
    open: int = Field(description="new, open or reopened, and not muted or accepted")
    suppressed: int = Field(description="not resolved but muted or accepted")
    resolved: int


class SeverityCount(FindingTally):
    severity: str


class FindingsBySeverity(WidgetBase):
    total_open: int
    severities: list[SeverityCount] = Field(description="All five severities, critical first.")


class DomainCount(FindingTally):
    domain: str
    controls: int = Field(description="Controls of the catalogue in this domain.")


class FindingsByDomain(WidgetBase):
    domains: list[DomainCount]


class MaturityCount(FindingTally):
    maturity: int = Field(description="Roadmap maturity level 1–5 of the controls; 0 for unknown controls.")
    controls: int


class FindingsByMaturity(WidgetBase):
    levels: list[MaturityCount]


# --- control-pass-rates --------------------------------------------------------------------------------
class PassRatePoint(BaseModel):
    control_run_id: str
    at: str | None
    status: str
    evaluated: int | None
    failed: int
    unknown: int = Field(0, description="Assets the control could not decide (required data not collected).")
    pass_rate: float | None = Field(description="(evaluated - failed) / evaluated; null if nothing evaluated")


class ControlPassRate(BaseModel):
    control_id: str
    title: str | None
    severity: str | None
    status: str = Field(description="pass, fail, unknown or error in the latest control run")
    evaluated: int | None
    failed: int
    unknown: int = Field(0, description="Assets left undecided in the latest run (required data missing).")
    error: str | None = Field(None, description="The error message when the latest run's status is error.")
    pass_rate: float | None
    trend: list[PassRatePoint] = Field(description="Oldest first, over the last `runs` control runs.")


class ControlPassRates(WidgetBase):
    runs: int = Field(description="Control runs the trend covers.")
    controls: list[ControlPassRate]


# --- top-exposed-assets ---------------------------------------------------------------------------------
class ExposedAsset(BaseModel):
    id: str
    label: str
    name: str | None
    scope: str | None
    exposure: list[str] = Field(description="How it is exposed (e.g. direct IP, load balancer).")
    open_findings: int
    score: float = Field(description="Ranking score: the exposure source's, or severity-weighted findings.")


class TopExposedAssets(WidgetBase):
    source: str | None = Field(description="`analysis.exposure`, `exposed_internet` properties, or null.")
    assets: list[ExposedAsset]


# --- latest-drift ---------------------------------------------------------------------------------------
class ChangeCounts(BaseModel):
    added: int = 0
    removed: int = 0
    changed: int = 0


class LabelDrift(ChangeCounts):
    label: str


class AssetChangeRow(BaseModel):
    asset_id: str
    label: str
    kind: str
    scope: str | None
    properties: list[str] = Field(description="Changed property names (for kind = changed).")


class LatestDrift(WidgetBase):
    run_id: str | None
    baseline: bool = Field(description="True for the first run: everything is 'added'.")
    assets: ChangeCounts
    relationships: ChangeCounts
    by_label: list[LabelDrift]
    sample: list[AssetChangeRow] = Field(description="Up to 25 changes, removals and changes first.")


# --- privilege-creep ------------------------------------------------------------------------------------
class CreepPrincipal(BaseModel):
    id: str
    name: str | None
    kind: str | None
    scope: str | None
    project: str | None = None  # GCP: the project holding the principal (a service account), see /privileges
    status: str
    gained: int
    lost: int
    admin_after: bool


class PrivilegeCreep(WidgetBase):
    from_run: str | None
    to_run: str | None
    principals: int
    newly_admin: int
    assumable_grew: int
    gained_entries: int
    lost_entries: int
    top: list[CreepPrincipal] = Field(description="Up to 10 principals, newly-admin first.")


# --- runs -----------------------------------------------------------------------------------------------
class RunRow(BaseModel):
    id: str
    status: str | None
    source: str | None
    started_at: str | None
    finished_at: str | None
    collected_at: str | None
    duration_s: float | None
    modules: int
    modules_failed: int
    nodes: int
    control_run_id: str | None


class Runs(WidgetBase):
    runs: list[RunRow] = Field(description="Newest first.")
