"""Typed metadata of a verification control (``control.yaml``), validated strictly.

Every model forbids unknown keys: a typo in a control's metadata must stop start-up, not silently drop a
framework mapping or a remediation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Severity(StrEnum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    info = "info"


# SARIF "security-severity" (0.0–10.0, GitHub's scale) and table ordering derive from the severity.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}
SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}


class Domain(StrEnum):
    policies_and_standards = "Policies & Standards"
    architecture = "Architecture"
    verification = "Verification"
    supply_chain_security = "Supply Chain Security"
    monitoring_and_alerting = "Monitoring & Alerting"
    incidents_and_remediation = "Incidents & Remediation"
    business_continuity = "Business Continuity"


class CsfFunction(StrEnum):
    identify = "Identify"
    protect = "Protect"
    detect = "Detect"
    respond = "Respond"
    recover = "Recover"


class Layer(StrEnum):
    cloud = "cloud"
    kubernetes = "kubernetes"
    both = "both"


_CIS_AWS = re.compile(r"^\d+\.\d+(\.\d+)?$")
_CIS_K8S = re.compile(r"^\d+\.\d+\.\d+$")
_CIS_GCP = re.compile(r"^\d+\.\d+(\.\d+)?$")
_CIS_AZURE = re.compile(r"^\d+\.\d+(\.\d+)?$")
_CCM = re.compile(r"^[A-Z]{3}-\d{2}$")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


class Frameworks(BaseModel):
    """Framework references kept on the control itself (not in a reverse-lookup file)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cis_aws: list[str] = Field(default_factory=list, description="CIS AWS Foundations Benchmark v3.0 ids")
    cis_k8s: list[str] = Field(default_factory=list, description="CIS Kubernetes Benchmark ids")
    cis_gcp: list[str] = Field(
        default_factory=list, description="CIS Google Cloud Platform Foundation Benchmark v3.0 ids"
    )
    cis_azure: list[str] = Field(
        default_factory=list, description="CIS Microsoft Azure Foundations Benchmark v2.0.0 ids"
    )
    csa_ccm: list[str] = Field(default_factory=list, description="CSA Cloud Controls Matrix v4 ids")

    # Field → (short name for tables, full name for SARIF tags), in display order.
    NAMES: ClassVar[dict[str, tuple[str, str]]] = {
        "cis_aws": ("CIS AWS", "CIS AWS"),
        "cis_gcp": ("CIS GCP", "CIS GCP"),
        "cis_azure": ("CIS Azure", "CIS Azure"),
        "cis_k8s": ("CIS K8s", "CIS Kubernetes"),
        "csa_ccm": ("CCM", "CSA CCM"),
    }

    def references(self, short: bool = False) -> list[str]:
        """Every reference as "<framework> <id>", e.g. "CIS GCP 3.6" (short: "CCM IVS-03")."""
        return [
            f"{names[0 if short else 1]} {x}" for key, names in self.NAMES.items() for x in getattr(self, key)
        ]

    @field_validator("cis_aws")
    @classmethod
    def _cis_aws(cls, v: list[str]) -> list[str]:
        return _check_ids(v, _CIS_AWS, "CIS AWS")

    @field_validator("cis_k8s")
    @classmethod
    def _cis_k8s(cls, v: list[str]) -> list[str]:
        return _check_ids(v, _CIS_K8S, "CIS Kubernetes")

    @field_validator("cis_gcp")
    @classmethod
    def _cis_gcp(cls, v: list[str]) -> list[str]:
        return _check_ids(v, _CIS_GCP, "CIS GCP")

    @field_validator("cis_azure")
    @classmethod
    def _cis_azure(cls, v: list[str]) -> list[str]:
        return _check_ids(v, _CIS_AZURE, "CIS Azure")

    @field_validator("csa_ccm")
    @classmethod
    def _ccm(cls, v: list[str]) -> list[str]:
        return _check_ids(v, _CCM, "CSA CCM")


def _check_ids(values: list[str], pattern: re.Pattern[str], name: str) -> list[str]:
    bad = [v for v in values if not pattern.match(v)]
    if bad:
        raise ValueError(f"not {name} ids: {bad}")
    return values


_LABEL = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_PROPERTY = re.compile(r"^[a-z_][a-z0-9_]*$")


class Requirement(BaseModel):
    """Properties a control needs on every node of a label to decide pass or fail.

    A node of ``label`` lacking any of ``properties`` is *unknown* for the control (listed with what is
    missing), and a failing row for that node is dropped: a verdict on data that never arrived is no
    verdict. ``asset_id`` names the property the control reports as the asset id (``arn`` for EKS).
    The label is spliced into the generated query, so it must be a plain identifier (checked here).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    properties: list[str] = Field(min_length=1)
    asset_id: str = "id"
    why: str = Field(default="", description="Which collector writes these properties (shown with unknown).")

    @field_validator("label")
    @classmethod
    def _label(cls, v: str) -> str:
        if not _LABEL.match(v):
            raise ValueError(f"label {v!r} is not a plain node label")
        return v

    @field_validator("properties")
    @classmethod
    def _props(cls, v: list[str]) -> list[str]:
        bad = [p for p in v if not _PROPERTY.match(p)]
        if bad:
            raise ValueError(f"not property names: {bad}")
        return v

    @field_validator("asset_id")
    @classmethod
    def _asset_id(cls, v: str) -> str:
        if not _PROPERTY.match(v):
            raise ValueError(f"asset_id {v!r} is not a property name")
        return v


class ControlMeta(BaseModel):
    """The contents of ``control.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str = Field(min_length=5)
    description: str
    rationale: str
    severity: Severity
    domain: Domain
    roadmap_control: str
    maturity: int = Field(ge=1, le=5)
    csf_function: CsfFunction
    layer: Layer
    frameworks: Frameworks = Field(default_factory=Frameworks)
    remediation: str
    identity: list[str] = Field(default_factory=lambda: ["asset_id"], min_length=1)
    parameters: dict[str, Any] = Field(default_factory=dict)
    requires: list[Requirement] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _snake(cls, v: str) -> str:
        if not ID_PATTERN.match(v):
            raise ValueError(f"id {v!r} is not snake_case (<area>_<resource>_<condition>)")
        return v


# Columns every control query returns, in this order; identity fields must be among them.
RESULT_COLUMNS = ("asset_id", "asset_name", "label", "scope", "reason")


@dataclass(frozen=True)
class Control:
    """A loaded control: metadata plus its two queries (Datasette's stored-query idea)."""

    meta: ControlMeta
    query: str
    evaluated_query: str
    folder: Path
    fixtures: dict[str, Path] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.meta.id

    def parameters(self, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        return {**self.meta.parameters, **(overrides or {})}
