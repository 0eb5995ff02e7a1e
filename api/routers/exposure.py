"""`GET /api/v1/exposure/assets`, `/paths` and `/drift`: what the internet reaches, ranked attack paths, and
how both changed between two runs (viewer).

`/paths` answers come from the per-run cache the widgets use (api/widgets/cache.py), keyed by the filters
and the key's scope list: a path request on an unchanged run costs no Neo4j query, and a new ingest,
control or exposure run invalidates every entry. Both read only an exposure run whose ingest run has
finished, and say which run that is (`freshness`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from analysis.exposure import drift as exposure_drift
from analysis.exposure import paths as exposure
from api.auth import ScopedViewer
from api.deps import get_exposure_settings, on_loop, strict_query
from api.errors import ApiError, error_responses
from api.freshness import Freshness, read_freshness
from api.scopes import allowed_scopes
from api.widgets.cache import RunMarker, WidgetCache
from config import ExposureSettings

router = APIRouter(prefix="/exposure", tags=["exposure"])
Settings = Annotated[ExposureSettings, Depends(get_exposure_settings)]


class ExposedAssetOut(BaseModel):
    id: str
    name: str | None
    label: str
    labels: list[str]
    account: str | None
    cluster: str | None
    ports: list[str] = Field(description="`22/tcp`, `1024-65535/tcp`, `all/udp`.")
    exposure_types: list[str] = Field(
        description="direct, elb, function-url, s3-policy, s3-acl, eks-endpoint, "
        "k8s-service, k8s-ingress, k8s-pod, gke-endpoint, gcs-public-iam, blob-anonymous-read, "
        "azure-lb, azure-app-gateway"
    )
    reasons: list[str]
    crown_jewel: bool
    score: float


_FRESHNESS = "The ingest run the exposure run was computed from, and modules that run did not collect."


class AssetsPage(BaseModel):
    run_id: str
    computed_at: str | None
    freshness: Freshness | None = Field(None, description=_FRESHNESS)
    total: int = Field(description="Assets matching the filters (before `limit`).")
    assets: list[ExposedAssetOut]


class PathNode(BaseModel):
    id: str
    name: str | None
    label: str
    labels: list[str]
    account: str | None = None
    cluster: str | None = None
    crown_jewel: bool | None = None
    sensitivity: float | None = None
    admin: bool | None = None


class PathHop(BaseModel):
    type: str = Field(
        description="internet, lb-target, k8s-route, runs-as, node-credentials, assume-role, "
        "data-access, mounts-secret"
    )
    reason: str
    ports: list[str] = []
    access: str | None = None


class ExposurePath(BaseModel):
    score: float = Field(description="100 × exposure × privilege × sensitivity (docs/exposure.md).")
    target: str
    nodes: list[PathNode]
    hops: list[PathHop]


class PathsPage(BaseModel):
    run_id: str
    computed_at: str | None
    freshness: Freshness | None = Field(None, description=_FRESHNESS)
    max_hops: int = Field(description="Hop bound applied (the request's, capped by the server's).")
    total: int
    paths: list[ExposurePath]


class DriftRunRef(BaseModel):
    id: str
    collected_at: str | None
    exposure_run_id: str


class DriftAsset(BaseModel):
    id: str
    name: str | None
    label: str
    account: str | None
    cluster: str | None
    ports: list[str] | None
    exposure_types: list[str] | None
    reasons: list[str] | None
    replicas: int = Field(description="Replicas exposed the same way, reported once (1: none).")
    members: list[str] = Field(description="Ids of those replicas.")


class ChangedDriftAsset(DriftAsset):
    ports_before: list[str] | None
    exposure_types_before: list[str] | None
    replicas_before: int


class ExposureAssetsDrift(BaseModel):
    newly_reachable: list[DriftAsset]
    no_longer_reachable: list[DriftAsset]
    changed: list[ChangedDriftAsset] = Field(description="Still reachable, on other ports or ways.")


class DriftPathNode(PathNode):
    replicas: int | None = Field(None, description="Interchangeable replicas this node stands for.")
    members: list[str] | None = Field(None, description="Ids of those replicas.")


class DriftPath(BaseModel):
    id: str = Field(description="Stable identity: the hops' node ids (replica groups by their neighbours).")
    score: float
    target: str
    replicas: int = Field(description="Largest replica group on the path (1: no replicas).")
    nodes: list[DriftPathNode]
    hops: list[PathHop]


class RescoredPath(DriftPath):
    score_before: float
    replicas_before: int


class ExposurePathsDrift(BaseModel):
    new: list[DriftPath]
    gone: list[DriftPath]
    rescored: list[RescoredPath]


class ExposureDriftOut(BaseModel):
    from_: DriftRunRef
    to: DriftRunRef
    max_hops: int
    truncated: bool = Field(description="More crown jewels than are compared per run (5,000).")
    assets: ExposureAssetsDrift
    paths: ExposurePathsDrift

    model_config = {"populate_by_name": True, "alias_generator": lambda f: "from" if f == "from_" else f}


def _no_run(exc: exposure.NoExposureRun) -> ApiError:
    return ApiError(404, "no_exposure_run", str(exc))


def _timeout(exc: exposure.ExposureTimeout) -> ApiError:
    return ApiError(504, "timeout", str(exc))


@router.get(
    "/assets",
    response_model=AssetsPage,
    responses=error_responses(404, 504),
    dependencies=[Depends(strict_query("account", "cluster", "type", "limit"))],
)
def list_exposed_assets(
    key: ScopedViewer,
    settings: Settings,
    account: Annotated[
        str | None, Query(max_length=64, description="AWS account id or GCP project id.")
    ] = None,
    cluster: Annotated[str | None, Query(max_length=256, description="Kubernetes cluster name.")] = None,
    type: Annotated[str | None, Query(max_length=32, description="An exposure type.")] = None,  # noqa: A002
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AssetsPage:
    """Assets the internet reaches directly, with ports and the reason, from the latest exposure run. A
    scoped key sees the assets of its accounts, projects and clusters."""
    allowed = allowed_scopes(key)
    try:
        page = exposure.exposed_assets(account, cluster, type, limit, settings, allowed)
        return AssetsPage(**page, freshness=read_freshness(page["ingest_run_id"], allowed))
    except exposure.NoExposureRun as exc:
        raise _no_run(exc) from exc
    except exposure.ExposureTimeout as exc:
        raise _timeout(exc) from exc


@router.get(
    "/paths",
    response_model=PathsPage,
    responses=error_responses(404, 504),
    dependencies=[
        Depends(on_loop(strict_query("target", "label", "account", "cluster", "max_hops", "limit")))
    ],
)
async def list_exposure_paths(
    request: Request,
    key: ScopedViewer,
    settings: Settings,
    target: Annotated[
        str | None, Query(max_length=2048, description="Target asset id (ARN, bucket, uid…).")
    ] = None,
    label: Annotated[
        str | None,
        Query(
            max_length=64,
            pattern=r"^[A-Za-z][A-Za-z0-9_]*$",
            description="Target label, e.g. S3Bucket or AdminRole.",
        ),
    ] = None,
    account: Annotated[
        str | None, Query(max_length=64, description="Only paths through this account.")
    ] = None,
    cluster: Annotated[
        str | None, Query(max_length=256, description="Only paths through this cluster.")
    ] = None,
    max_hops: Annotated[
        int | None, Query(ge=1, le=64, description="Capped by INVGRAPH_EXPOSURE_MAX_HOPS.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> Response:
    """Ranked internet → crown-jewel paths, every hop with its reason. A scoped key sees the paths whose
    every node lies in its accounts, projects and clusters."""
    cache: WidgetCache = request.app.state.widget_cache
    allowed = allowed_scopes(key)
    # The scope list is part of the key: a scoped key never gets an answer computed for another scope.
    cache_key = (
        target,
        label,
        account,
        cluster,
        max_hops,
        limit,
        tuple(allowed) if allowed is not None else None,
    )
    body = cache.peek("exposure-paths", cache_key)  # hit on a fresh marker: no thread hop, no Neo4j
    outcome = "hit"
    if body is None:

        def compute(_: RunMarker) -> bytes:
            page = exposure.find_paths(target, label, account, cluster, max_hops, limit, settings, allowed)
            fresh = read_freshness(page["ingest_run_id"], allowed)
            return PathsPage(**page, freshness=fresh).model_dump_json().encode()

        try:
            body, was_hit = await run_in_threadpool(cache.get, "exposure-paths", cache_key, compute)
        except exposure.NoExposureRun as exc:
            raise _no_run(exc) from exc
        except exposure.ExposureTimeout as exc:
            raise _timeout(exc) from exc
        outcome = "hit" if was_hit else "miss"
    return Response(body, media_type="application/json", headers={"X-Cache": outcome})


@router.get(
    "/drift",
    response_model=ExposureDriftOut,
    response_model_by_alias=True,
    responses=error_responses(404, 504),
    dependencies=[Depends(strict_query("from", "to", "target", "label", "account", "cluster", "max_hops"))],
)
def exposure_change(
    key: ScopedViewer,
    settings: Settings,
    from_: Annotated[
        str | None, Query(alias="from", max_length=200, description="Run id or date (YYYY-MM-DD).")
    ] = None,
    to: Annotated[str | None, Query(max_length=200, description="Run id or date (YYYY-MM-DD).")] = None,
    target: Annotated[str | None, Query(max_length=2048, description="Target asset id.")] = None,
    label: Annotated[
        str | None,
        Query(max_length=64, pattern=r"^[A-Za-z][A-Za-z0-9_]*$", description="Target label."),
    ] = None,
    account: Annotated[str | None, Query(max_length=64, description="Only this account / project.")] = None,
    cluster: Annotated[str | None, Query(max_length=256, description="Only this cluster.")] = None,
    max_hops: Annotated[int | None, Query(ge=1, le=64)] = None,
) -> ExposureDriftOut:
    """Exposure change between two runs: assets newly / no longer reachable, paths new / gone / re-scored."""
    try:
        doc = exposure_drift.exposure_drift(
            from_, to, target, label, account, cluster, max_hops, settings, allowed_scopes(key)
        )
    except exposure_drift.DriftError as exc:
        raise ApiError(404, "not_found", str(exc)) from exc
    except exposure.NoExposureRun as exc:
        raise _no_run(exc) from exc
    except exposure.ExposureTimeout as exc:
        raise _timeout(exc) from exc
    return ExposureDriftOut.model_validate(doc)
