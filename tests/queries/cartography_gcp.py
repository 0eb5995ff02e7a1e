"""Load tests/data/cartography/gcp (Compute API v1 list responses) with Cartography 0.143's own GCP code."""

from __future__ import annotations

import copy
import json
from typing import Any

from cartography.intel.gcp import compute
from cartography.intel.gcp.crm import projects

from tests.conftest import DATA

GCP = DATA / "cartography" / "gcp"
PROJECT = "acme-prod"
ORG = "organizations/901234567890"


def _js(name: str) -> Any:
    return json.loads((GCP / f"{name}.json").read_text())


def load_project(session: Any, tag: int) -> None:
    rows = [
        {
            "projectId": p["projectId"],
            "projectNumber": p["name"].split("/")[1],
            "name": p["displayName"],
            "lifecycleState": p["state"],
            "parent": p["parent"],
        }
        for p in _js("project")["projects"]
    ]
    projects.load_gcp_projects(session, projects.transform_gcp_projects(rows), tag, ORG)
    compute.load_gcp_vpcs(session, compute.transform_gcp_vpcs(_js("networks")), tag, PROJECT)
    compute.load_gcp_subnets(session, compute.transform_gcp_subnets(_js("subnetworks")), tag, PROJECT)
    # The transforms annotate the response objects in place: give each a fresh copy.
    instances = compute.transform_gcp_instances([copy.deepcopy(_js("instances"))])
    compute.load_gcp_instances(session, instances, tag, PROJECT)
    firewalls = compute.transform_gcp_firewall(copy.deepcopy(_js("firewalls")))
    compute.load_gcp_ingress_firewalls(session, firewalls, tag, PROJECT)
