"""Crown jewels and path scores.

score = 100 × exposure × privilege × sensitivity, each factor in (0, 1]:
* exposure — how freely the internet reaches the entry point (the weight of the internet hop: 1.0 for
  a public instance / database / bucket, 0.9 for an unauthenticated Lambda URL, 0.8 behind a load
  balancer or Kubernetes Service, 0.6 for an EKS / GKE API endpoint that still needs credentials), times 0.9
  per further hop (every pivot is work and a chance to be caught);
* privilege — the strongest access the path ends with: admin-equivalent role on the path 1.0, write 0.8,
  read 0.6, network reach only 0.5; a conditional grant counts half;
* sensitivity — of the target: 1.0 for ids / tags configured as crown jewels, Secrets Manager secrets
  and admin-equivalent roles / GCP service accounts; 0.9 databases (RDS, Cloud SQL) and Kubernetes
  secrets; 0.8 buckets (S3, Cloud Storage); 0.3 anything else.
"""

from __future__ import annotations

import json
from typing import Any

from analysis.exposure.model import DATA_ACCESS, INTERNET_TO_ASSET, MOUNTS, Node
from config import ExposureSettings
from graph.schema.labels import data_store_labels, labels_of_kind

# Sensitivity of a crown jewel by the data-store kind its schema gives it; SENSITIVITY overrides per label.
KIND_SENSITIVITY = {"Secret": 0.9, "Database": 0.9, "ObjectStorage": 0.8}
SENSITIVITY = {"SecretsManagerSecret": 1.0, "AdminRole": 1.0}  # cloud secret stores hold live credentials
for _kind, _value in KIND_SENSITIVITY.items():
    for _label in labels_of_kind(_kind):
        SENSITIVITY.setdefault(_label, _value)
ADMIN_LABELS = ("AWSRole", "GCPServiceAccount")  # identities that may be admin-equivalent
PUBLIC_READ = labels_of_kind("ObjectStorage")  # stores whose public-read grant is an entry point
OTHER = 0.3
ACCESS = {"admin": 1.0, "write": 0.8, "read": 0.6}
NETWORK_ONLY = 0.5
HOP_DECAY = 0.9


def _tagged(props: dict[str, Any], tag: str) -> bool:
    key, _, value = tag.partition("=")
    for field in ("tags", "k8s_labels"):
        raw = props.get(field)
        try:
            data = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            continue
        if isinstance(data, dict) and str(data.get(key, "")).lower() == value.lower():
            return True
        if isinstance(data, list) and tag in data:
            return True
    return False


# "AdminRole" is not a graph label: it stands for AWSRole nodes whose effective permissions are
# admin-equivalent (identity.py) and GCP service accounts with roles/owner or roles/editor on a project or
# above (gcp_identity.py), the one crown jewel that is a privilege rather than data. The data stores are the
# schemas' (graph/schema/labels.py DATA_STORE_KINDS).
DEFAULT_CROWN_JEWEL_LABELS = (*data_store_labels(), "AdminRole")


def crown_jewel_labels(settings: ExposureSettings) -> tuple[str, ...]:
    """The configured crown-jewel labels, or the default when INVGRAPH_CROWN_JEWEL_LABELS is unset."""
    return DEFAULT_CROWN_JEWEL_LABELS if settings.crown_jewel_labels is None else settings.crown_jewel_labels


def crown_jewel(node: Node, settings: ExposureSettings) -> tuple[bool, float, str | None]:
    """(is a crown jewel, sensitivity, why)."""
    if node.id in settings.crown_jewel_ids:
        return True, 1.0, "configured id"
    if _tagged(node.props, settings.crown_jewel_tag):
        return True, 1.0, f"tag {settings.crown_jewel_tag}"
    labels = crown_jewel_labels(settings)
    if node.label in ADMIN_LABELS and node.props.get("admin") and "AdminRole" in labels:
        grants = node.props.get("admin_grants")
        return (
            True,
            SENSITIVITY["AdminRole"],
            "admin-equivalent " + (f"service account ({', '.join(grants)})" if grants else "role"),
        )
    if node.label in labels:
        return True, SENSITIVITY.get(node.label, OTHER), f"label {node.label}"
    return False, OTHER, None


def path_score(entry_weight: float, hops: list[dict[str, Any]], nodes: list[dict[str, Any]]) -> float:
    """Score of one path (hops and nodes as returned by paths.py)."""
    exposure = entry_weight * HOP_DECAY ** max(0, len(hops) - 1)
    privilege = NETWORK_ONLY
    for h in hops:
        access = h.get("access")
        if h["type"] in (DATA_ACCESS, MOUNTS) and access:
            base = ACCESS.get(access.split()[0], 0.6)
            privilege = max(privilege, base * (0.5 if "conditional" in access else 1.0))
        elif (
            h["type"] == INTERNET_TO_ASSET
            and len(hops) == 1
            and any(lbl in PUBLIC_READ for lbl in nodes[-1].get("labels", []))
        ):
            privilege = max(privilege, ACCESS["read"])  # anonymous read of a public bucket
    if any(n.get("admin") for n in nodes):
        privilege = 1.0
    sensitivity = float(nodes[-1].get("sensitivity") or OTHER)
    return round(100 * exposure * privilege * sensitivity, 1)
