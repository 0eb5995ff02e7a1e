"""Exposure paths: what the internet reaches, on which ports, and what an attacker reaches from there.

``compute()`` builds and stores the attack graph of the current inventory (network.py, k8s.py,
identity.py → store.py); ``exposure_step`` is its post-ingest hook; ``paths.find_paths`` answers path
requests from the stored graph. See docs/exposure.md.
"""

from __future__ import annotations

from typing import Any

from analysis.exposure.compute import Summary, compute, exposure_step

__all__ = ["Summary", "compute", "exposure_step", "top_exposed_assets"]


def top_exposed_assets(limit: int = 10, allowed: list[str] | None = None) -> list[dict[str, Any]]:
    """The dashboard widget's contract (api/widgets/exposure.py): directly exposed assets, best first;
    `allowed`: only those of a scoped key's accounts, projects and clusters (graph/scopes.py)."""
    from analysis.exposure.paths import NoExposureRun, exposed_assets

    try:
        page = exposed_assets(limit=limit, allowed=allowed)
    except NoExposureRun:  # before the first computation the widget shows "no data", not an error
        return []
    return [
        {
            "id": a["id"],
            "label": a["label"],
            "name": a["name"],
            "scope": a["account"] or a["cluster"],
            "exposure": a["ports"],
            "score": a["score"],
        }
        for a in page["assets"]
    ]
