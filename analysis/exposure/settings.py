"""Exposure settings (env prefix ``INVGRAPH_``), validated and created lazily like the API's."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.schema.labels import data_store_labels

# "AdminRole" is not a graph label: it stands for AWSRole nodes whose effective permissions are
# admin-equivalent (see identity.py) and GCP service accounts with roles/owner or roles/editor on a
# project or above (gcp_identity.py), the one crown jewel that is a privilege rather than data.
# The data stores are the schemas' (graph/schema/labels.py DATA_STORE_KINDS).
DEFAULT_CROWN_JEWEL_LABELS = (*data_store_labels(), "AdminRole")


def _split(value: object) -> object:
    # Env values arrive as "A,B"; lists given in code pass through.
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return value


class ExposureSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INVGRAPH_", extra="ignore")

    crown_jewel_labels: tuple[str, ...] = DEFAULT_CROWN_JEWEL_LABELS
    crown_jewel_ids: tuple[str, ...] = ()
    # key=value; matched against a node's `tags` (JSON map or list of "k=v") and Kubernetes `labels`.
    crown_jewel_tag: str = "crown-jewel=true"
    # Server bound for GET /exposure/paths?max_hops= (requests asking for more are capped).
    exposure_max_hops: int = Field(default=8, ge=1, le=16)
    exposure_default_hops: int = Field(default=6, ge=1, le=16)
    # Wall-clock limit of one path request (database time + path enumeration); 504 when hit.
    exposure_request_timeout_s: float = Field(default=5.0, gt=0, le=300)
    # Wall-clock limit of one exposure change between two runs (two attack graphs read and compared).
    exposure_drift_timeout_s: float = Field(default=30.0, gt=0, le=600)
    # Paths enumerated per target before ranking; bounds CPU on dense attack graphs.
    exposure_paths_per_target: int = Field(default=5, ge=1, le=100)
    # Completed exposure runs kept in the graph (older runs' nodes are deleted in batches).
    exposure_keep_runs: int = Field(default=3, ge=1, le=100)

    @field_validator("crown_jewel_labels", "crown_jewel_ids", mode="before")
    @classmethod
    def _csv(cls, value: object) -> object:
        return _split(value)


@lru_cache(maxsize=1)
def get_exposure_settings() -> ExposureSettings:
    return ExposureSettings()
