"""The finding type shared by the AWS, Kubernetes and GCP privilege checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["critical", "high", "medium"]


@dataclass(frozen=True, order=True)
class Finding:
    """A named privilege risk of one principal and the permissions that enable it.

    ``conditional`` is True when at least one enabling permission is only granted under a
    condition (or may be cut by a conditional Deny), so the path is possible, not certain.
    """

    name: str
    severity: Severity
    description: str
    enabled_by: tuple[str, ...]
    conditional: bool = False
