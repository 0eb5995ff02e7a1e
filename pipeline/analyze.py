"""`invgraph analyze`: the post-ingest analyses on a graph that is already loaded — ours, or Cartography's.

In order: a history pass (``--from-cartography`` only: our own ingest records history as it loads), the
registered post-ingest steps (effective permissions and creep for every scope the graph holds, exposure) under
the pipeline's error policy (pipeline/run.py: a failing step is reported in ``steps``, the others still run),
then the controls. The analyses are the same code the ingest runs; where Cartography's model differs from
ours, the adapters beside each reader
(``analysis/privileges/cartography_aws.py``, ``analysis/exposure/cartography_s3.py``) read it.

A scope is only computed from data that is there: an AWS account with principals, a Kubernetes cluster with
roles (Cartography's flattened rules read by ``analysis/privileges/cartography_k8s.py``), a GCP scope with
policy bindings, an Azure subscription with role assignments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from analysis.privileges.steps import PROVIDERS
from graph import driver
from history.runs import ModuleResult, RunContext, Status
from history.snapshot import snapshot_pass
from pipeline.run import run_post_ingest
from queries.report import summary
from queries.service import execute, load_validated

SCOPES = {
    "aws": "MATCH (a:AWSAccount)-[:RESOURCE]->(:AWSPrincipal) RETURN DISTINCT a.id AS scope",
    "k8s": "MATCH (c:KubernetesCluster)-[:RESOURCE]->(r) WHERE r:KubernetesRole OR r:KubernetesClusterRole "
    "RETURN DISTINCT c.name AS scope",
    "gcp": "MATCH (b:GCPPolicyBinding)-[:APPLIES_TO]->(t) WHERE t:GCPOrganization OR t:GCPProject "
    "OR t:GCPFolder RETURN DISTINCT t.id AS scope",
    # The Azure modules' scope is ``<tenant>/<subscription>`` (the snapshot folder).
    "azure": "MATCH (t:AzureTenant)-[:RESOURCE]->(s:AzureSubscription)-[:RESOURCE]->(:AzureRoleAssignment) "
    "RETURN DISTINCT t.id + '/' + s.id AS scope",
}
# The run the results are recorded against: the history pass's, or the latest finished ingest.
RUN = (
    "MATCH (r:IngestRun) WHERE ($id IS NULL AND r.status IN ['ok', 'partial']) OR r.id = $id "
    "RETURN r.id AS id, r.update_tag AS tag, r.collected_at AS collected ORDER BY r.started_at DESC LIMIT 1"
)


@dataclass
class AnalyzeReport:
    run_id: str
    history: dict[str, Any] | None = None
    privileges: dict[str, list[str]] = field(default_factory=dict)
    exposure: dict[str, Any] | None = None
    controls: dict[str, int] | None = None
    control_run_id: str | None = None
    controls_report: dict[str, Any] | None = None
    steps: list[dict[str, Any]] = field(default_factory=list)  # name, status, error, seconds per step

    def as_json(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out.pop("controls_report")
        return out


def scopes() -> list[ModuleResult]:
    """A collected ModuleResult per (provider module, scope) the graph has data for."""
    results = []
    for provider in PROVIDERS:
        for row in driver.read(SCOPES[provider.name]):
            results += [ModuleResult(m, str(row["scope"]), Status.OK) for m in sorted(provider.module_ids())]
    return results


def analyze(from_cartography: bool, controls: bool = True) -> AnalyzeReport:
    history = snapshot_pass() if from_cartography else None
    rows = driver.read(RUN, {"id": history["run_id"] if history else None})
    if not rows:
        raise LookupError("no finished ingest run: ingest first, or use --from-cartography")
    run_id, tag = rows[0]["id"], rows[0]["tag"]
    collected = rows[0]["collected"].to_native() if rows[0]["collected"] else datetime.now(UTC)
    report = AnalyzeReport(run_id, history)
    # The run's own update tag: creep compares permission versions by the tags of the runs they belong to.
    outcomes = run_post_ingest(RunContext(run_id, tag, collected), scopes())
    report.steps = [o.as_json() for o in outcomes]
    summaries = {o.name: o.summary for o in outcomes if o.summary is not None}
    report.privileges = summaries.get("privileges", {}).get("scopes", {})
    report.exposure = summaries.get("exposure")
    if controls:
        outcome = execute(list(load_validated()), run_id)
        report.control_run_id = outcome.run_id
        report.controls_report = outcome.report
        report.controls = summary(outcome.report)
    return report
