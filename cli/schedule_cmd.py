"""`invgraph schedule --cron EXPR`: a loop running ingest → controls → nightly report on a cron schedule.

Sources: ``--snapshot-dir`` (env ``INVGRAPH_SNAPSHOT_DIR``): a snapshot folder, or a folder of snapshot
folders of which the newest (by name) is ingested. Without a source only controls and the report run (a
graph fed by another tool). Report: ``--report-dir`` (``INVGRAPH_REPORT_DIR``) gets ``nightly-<run>.html``
and ``.json``; ``--webhook`` (``INVGRAPH_REPORT_WEBHOOK``) gets the Slack summary. One failed step is
logged and the loop goes on to the next tick; ``--once`` runs one iteration now and exits with its status.

Several schedulers (replicas, a standby) may run the same loop: each tick's job runs under a lease in the
graph (pipeline/lease.py, job ``nightly@<tick>``), so exactly one of them runs it and the others log that they
skipped it. ``--once`` is a manual run and takes no lease.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

log = logging.getLogger("invgraph.schedule")


def _snapshot_folder(root: Path) -> Path | None:
    if (root / "snapshot.json").is_file():
        return root
    found = sorted(p for p in root.iterdir() if p.is_dir() and (p / "snapshot.json").is_file())
    return found[-1] if found else None


def _controls(ingest_run_id: str | None) -> str | None:
    """Run the control catalogue against the ingest run; returns the control run id."""
    from queries import catalogue, findings, runner

    target = runner.latest_target(ingest_run_id)
    results = runner.run_controls(catalogue.load_catalogue(), target)
    return str(findings.record_run(results, target))


def run_once(snapshot_dir: Path | None, report_dir: Path | None, webhook: str | None) -> int:
    """One iteration; returns 0 ok, 1 when a step failed."""
    from analysis.report.nightly import build
    from analysis.report.output import deliver
    from history.drift import DriftError

    status = 0
    run_id = None
    if snapshot_dir is not None:
        folder = _snapshot_folder(snapshot_dir)
        if folder is None:
            log.error("no snapshot folder (with snapshot.json) under %s", snapshot_dir)
            status = 1
        else:
            from pipeline.run import ingest_snapshot

            report = ingest_snapshot(folder)
            run_id = report.run_id
            log.info("ingested %s as %s: %s", folder, run_id, report.status)
            status = 1 if report.status == "failed" else status
    try:
        crun = _controls(run_id)
        if crun:
            log.info("control run %s", crun)
    except Exception:  # noqa: BLE001 - a broken control must not stop the report; it is logged in full
        log.exception("controls run failed")
        status = 1
    try:
        nightly = build()
        stamp = nightly.drift["to"]["id"]
        if report_dir is not None:
            deliver(nightly, "json", report_dir / f"nightly-{stamp}.json", None)
        deliver(nightly, "html", report_dir / f"nightly-{stamp}.html" if report_dir else None, webhook)
    except DriftError as exc:
        log.warning("no report: %s", exc)
    except Exception:  # noqa: BLE001 - webhook / disk errors are reported and the loop continues
        log.exception("nightly report failed")
        status = 1
    return status


def run_tick(
    tick: datetime, snapshot_dir: Path | None, report_dir: Path | None, webhook: str | None
) -> int | None:
    """The job of one cron tick, if no other scheduler runs or ran it; its status, or None when skipped."""
    from pipeline.lease import Lease

    job = f"nightly@{tick.astimezone(UTC).isoformat()}"
    lease = Lease(job)
    with lease as held:
        if not held:
            log.info("skipping %s: another scheduler holds or has finished it", job)
            return None
        log.info("running %s (lease held by %s)", job, lease.holder)
        status = run_once(snapshot_dir, report_dir, webhook)
        lease.status = "ok" if status == 0 else "failed"
        return status


def register(app: typer.Typer) -> None:
    @app.command("schedule")
    def schedule(
        cron: Annotated[
            str, typer.Option(help="Cron expression, UTC (e.g. '0 2 * * *').", envvar="INVGRAPH_NIGHTLY_CRON")
        ] = "0 2 * * *",
        snapshot_dir: Annotated[
            Path | None,
            typer.Option(
                help="Snapshot folder (or folder of them) to ingest.", envvar="INVGRAPH_SNAPSHOT_DIR"
            ),
        ] = None,
        report_dir: Annotated[
            Path | None,
            typer.Option(help="Write nightly-<run>.html/.json here.", envvar="INVGRAPH_REPORT_DIR"),
        ] = None,
        webhook: Annotated[
            str | None, typer.Option(help="Slack-compatible webhook URL.", envvar="INVGRAPH_REPORT_WEBHOOK")
        ] = None,
        once: Annotated[bool, typer.Option("--once", help="Run one iteration now and exit.")] = False,
    ) -> None:
        """Run ingest → controls → nightly report on a cron schedule (UTC)."""
        from croniter import croniter

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        if not croniter.is_valid(cron):
            typer.echo(f"error: invalid cron expression {cron!r}", err=True)
            raise typer.Exit(2)
        if once:
            raise typer.Exit(run_once(snapshot_dir, report_dir, webhook))
        it = croniter(cron, datetime.now(UTC))
        while True:
            nxt = it.get_next(datetime)
            log.info("next run at %s", nxt.isoformat())
            # Sleep in short steps so a clock jump (suspend, NTP) delays a run by at most a minute.
            while (wait := (nxt - datetime.now(UTC)).total_seconds()) > 0:
                time.sleep(min(wait, 60))
            run_tick(nxt, snapshot_dir, report_dir, webhook)
