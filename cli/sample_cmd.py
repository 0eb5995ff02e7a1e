"""`invgraph sample`: write a generated multi-day sample environment (docs/sample-environment.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def sample(
        out: Annotated[
            Path, typer.Option("--out", help="Folder to write day-01/, day-02/, … and planted.json into.")
        ],
        accounts: Annotated[int, typer.Option(min=1, help="AWS accounts.")] = 2,
        clusters: Annotated[int, typer.Option(min=0, help="Kubernetes (EKS) clusters.")] = 1,
        scale: Annotated[
            float, typer.Option(min=0.01, help="Size factor: 1 ≈ 750 assets, 200 ≈ 100k.")
        ] = 1.0,
        days: Annotated[int, typer.Option(min=1, help="Days (one snapshot folder each).")] = 3,
        seed: Annotated[int, typer.Option(help="Random seed; same seed, same bytes.")] = 42,
        start: Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD (default 2026-11-01).")] = None,
        gcp_projects: Annotated[
            int,
            typer.Option(
                "--gcp-projects", min=0, help="GCP projects in one organization folder (0: no GCP)."
            ),
        ] = 2,
        azure_subscriptions: Annotated[
            int,
            typer.Option(
                "--azure-subscriptions", min=0, help="Azure subscriptions in one tenant (0: no Azure)."
            ),
        ] = 0,
    ) -> None:
        """Generate realistic snapshot folders with planted exposures, drift and privilege creep."""
        from ingest.sample import generate

        first = date.fromisoformat(start) if start else None
        manifest = generate(
            out,
            accounts=accounts,
            clusters=clusters,
            scale=scale,
            days=days,
            seed=seed,
            start=first,
            gcp_projects=gcp_projects,
            azure_subscriptions=azure_subscriptions,
        )
        counts = manifest.get("counts", {})
        planted = out / "planted.json"
        typer.echo(f"wrote {days} day(s) to {out} (planted items in {planted}); assets per day: {counts}")
