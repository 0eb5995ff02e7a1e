"""`invgraph ci SNAPSHOT_DIR`: the whole check for a pipeline with no long-running Neo4j.

Starts a throw-away embedded Neo4j (free loopback port, temporary store), ingests the optional baseline
snapshot and the snapshot (running the controls after each), writes SARIF, JUnit XML, the JSON report and a
Markdown summary, stops Neo4j and exits with the gate's code. Exit codes are documented in docs/ci.md.
With ``--use-running-neo4j`` the same check runs on the Neo4j the connection settings name (a pipeline's
service container, or the test suite's server), which must hold an empty graph.
"""

from __future__ import annotations

import json
import logging
import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from cli.controls_cmd import FailOn

# Exit codes (docs/ci.md); when several apply the first of USAGE, BROKEN, GATE, PARTIAL, UNKNOWN wins.
OK, BROKEN, USAGE, UNKNOWN, GATE, PARTIAL = 0, 1, 2, 3, 4, 5


class CiError(Exception):
    """A step that could not run: one line for the log, then exit ``code``."""

    def __init__(self, message: str, code: int = BROKEN) -> None:
        super().__init__(message)
        self.code = code


@contextmanager
def _embedded_neo4j(heap: str, pagecache: str, wait: float) -> Iterator[str]:
    """A Neo4j of our own for this run, whatever NEO4J_URI says: a pipeline's graph is thrown away."""
    from config import get_settings, set_settings
    from graph import driver
    from graph.embedded import server
    from graph.embedded.install import EmbeddedError

    data_dir = Path(tempfile.mkdtemp(prefix="invgraph-ci-neo4j-"))
    try:
        state = server.start(
            server.ServerOptions(
                data_dir=data_dir, port=server.free_port(), heap=heap, pagecache=pagecache, start_timeout=wait
            )
        )
    except EmbeddedError as exc:
        shutil.rmtree(data_dir, ignore_errors=True)
        raise CiError(f"embedded Neo4j did not start: {exc}") from exc
    settings = get_settings()
    set_settings(settings.model_copy(update={"neo4j": settings.neo4j.model_copy(update={"uri": state.uri})}))
    try:
        yield state.uri
    finally:
        driver.close_driver()
        server.stop(data_dir)
        set_settings(settings)
        shutil.rmtree(data_dir, ignore_errors=True)


@contextmanager
def _running_neo4j() -> Iterator[str]:
    """The Neo4j that --neo4j-uri / NEO4J_URI names, for --use-running-neo4j. Its graph must be empty: the
    loads' scoped cleanup would delete nodes that are there, and findings of earlier data would mix in.
    What the run loads is left in place (we never delete a graph we did not start)."""
    from neo4j.exceptions import Neo4jError, ServiceUnavailable

    from config import get_settings
    from graph import driver

    uri = get_settings().neo4j.uri
    try:
        nodes = driver.read("MATCH (n) RETURN count(n) AS c")[0]["c"]
    except (ServiceUnavailable, Neo4jError) as exc:
        raise CiError(f"--use-running-neo4j: Neo4j at {uri} did not answer: {exc}") from exc
    if nodes:
        raise CiError(
            f"--use-running-neo4j: the graph at {uri} is not empty ({nodes} nodes); invgraph ci loads "
            "into an empty graph only (its cleanup would delete what is there)",
            USAGE,
        )
    try:
        yield uri
    finally:
        driver.close_driver()


def _stop_on_sigterm() -> None:
    """CI runners cancel a job with SIGTERM: unwind (so the finally below stops Neo4j), don't die mid-way."""

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


def roadmap_summary() -> list[str]:
    """The roadmap scorecard (docs/roadmap.md) of the runs just made, as Markdown lines."""
    from graph import driver
    from queries.roadmap.scorecard import build_scorecard

    return build_scorecard(driver.get_driver()).to_markdown().splitlines()


def _ingest(path: Path, what: str) -> tuple[str, str, list[str]]:
    """Ingest one snapshot; (run id, status, what was skipped). A failed load stops the check."""
    from ingest.sources.errors import InputError
    from pipeline.run import ingest_snapshot

    try:
        report = ingest_snapshot(path)
    except InputError as exc:
        raise CiError(f"{what} {path}: {exc}", USAGE) from exc
    if report.status == "failed":
        errors = "; ".join(e for m in report.modules for e in m.errors)[:500]
        raise CiError(f"{what} {path} failed to load (ingest run {report.run_id}): {errors}")
    skipped = [
        f"  - {m.name} {m.scope}: {m.status.value}: {'; '.join(m.errors)[:300]}"
        for m in report.modules
        if m.status.value in ("partial", "failed")
    ]
    skipped += [f"  - {s.name}: {s.status}: {s.error}" for s in report.steps if s.status != "ok"]
    skipped += [f"  - not read: {p}" for p in report.skipped]
    return report.run_id, report.status, skipped


def _check(snapshot: Path, baseline: Path | None, fail_on: str, new_only: bool, out: Path) -> tuple[int, str]:
    """Everything between start and stop of Neo4j; returns (exit code, the Markdown summary)."""
    from queries.catalogue import CatalogueError
    from queries.gate import baseline_for, blocking, verdict_lines
    from queries.junit import to_junit
    from queries.report import summary
    from queries.sarif import to_sarif
    from queries.service import execute, load_validated

    try:
        catalogue = load_validated()
    except CatalogueError as exc:
        raise CiError(str(exc), USAGE) from exc
    controls = list(catalogue)
    lines = ["# invgraph ci", ""]
    if baseline is not None:
        base_run, base_status, base_skipped = _ingest(baseline, "baseline")
        base = execute(controls)
        lines.append(
            f"- baseline {baseline}: ingest run {base_run} ({base_status}), control run {base.run_id}"
        )
        lines += base_skipped
    run_id, status, skipped = _ingest(snapshot, "snapshot")
    outcome = execute(controls)
    report = outcome.report
    counts = summary(report)
    lines += [
        f"- snapshot {snapshot}: ingest run {run_id} ({status})",
        *skipped,
        f"- control run {report['run_id']}: {counts['pass']} pass, {counts['fail']} fail, "
        f"{counts['unknown']} unknown, {counts['error']} error",
    ]
    lines += [
        f"- error: control {c['id']}: {c['error']}" for c in report["controls"] if c["status"] == "error"
    ]
    since = baseline_for(report["run_id"]) if new_only else None
    found = blocking(report, catalogue.controls, fail_on, since)
    gate = verdict_lines(found, fail_on, since)
    lines += ["", "## Gate", "", *(f"    {g}" for g in gate), "", "## Roadmap", "", *roadmap_summary(), ""]
    text = "\n".join(lines)

    out.mkdir(parents=True, exist_ok=True)
    suppressions = {f["id"]: f for fs in outcome.stored.values() for f in fs}
    sarif = to_sarif(report, catalogue.controls, suppressions=suppressions)
    (out / "invgraph.sarif").write_text(json.dumps(sarif, indent=2, default=str))
    (out / "junit.xml").write_text(to_junit(report, catalogue.controls))
    (out / "controls.json").write_text(json.dumps(report, indent=2, default=str))
    (out / "summary.md").write_text(text)
    if counts["error"]:
        return BROKEN, text
    if found:
        return GATE, text
    if status == "partial":
        return PARTIAL, text
    return (UNKNOWN if counts["unknown"] else OK), text


def register(root: typer.Typer) -> None:
    @root.command("ci")
    def ci(
        snapshot: Annotated[Path, typer.Argument(help="Snapshot folder to check (docs/snapshot-format.md).")],
        baseline: Annotated[
            Path | None,
            typer.Option(
                help="Snapshot folder of the state to compare with (e.g. the target branch's); loaded "
                "first, so --new-only blocks only findings it does not have."
            ),
        ] = None,
        fail_on: Annotated[
            FailOn,
            typer.Option(
                "--fail-on", help="Lowest severity that fails the pipeline: critical, high, medium or low."
            ),
        ] = FailOn.high,
        new_only: Annotated[
            bool, typer.Option("--new-only", help="Only findings absent from --baseline block.")
        ] = False,
        fail_on_unknown: Annotated[
            bool,
            typer.Option("--fail-on-unknown", help="Exit 3 when some asset could not be decided."),
        ] = False,
        output_dir: Annotated[
            Path,
            typer.Option(
                "--output-dir", help="Where invgraph.sarif, junit.xml, controls.json and summary.md go."
            ),
        ] = Path("invgraph-ci"),
        heap: Annotated[str, typer.Option(help="JVM heap of the embedded Neo4j.")] = "1g",
        pagecache: Annotated[str, typer.Option(help="Page cache of the embedded Neo4j.")] = "256m",
        wait: Annotated[float, typer.Option("--start-timeout", help="Seconds to wait for Neo4j.")] = 180.0,
        use_running: Annotated[
            bool,
            typer.Option(
                "--use-running-neo4j",
                help="Instead of starting Neo4j, use the running one --neo4j-uri / NEO4J_URI names (e.g. a "
                "service container); its graph must be empty and keeps what the run loads. Env "
                "INVGRAPH_CI_USE_RUNNING_NEO4J=1.",
                envvar="INVGRAPH_CI_USE_RUNNING_NEO4J",
            ),
        ] = False,
    ) -> None:
        """Ingest → controls → SARIF + JUnit XML + summary → exit code, on a Neo4j started for this run.

        Ignores NEO4J_URI: a throw-away embedded Neo4j is started and stopped (unless --use-running-neo4j:
        then the server NEO4J_URI names is used, its graph must be empty). Exit codes: 0 passed;
        1 something could not run (Neo4j, a failed load, an erroring control); 2 bad input (options,
        snapshot folder, catalogue); 4 a blocking finding; 5 the snapshot loaded only partly (a file
        skipped); 3 with --fail-on-unknown: some asset undecided. The first of 2, 1, 4, 5, 3 wins.
        """
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
        if new_only and baseline is None:
            typer.secho(
                "note: --new-only without --baseline: every finding is new", fg=typer.colors.YELLOW, err=True
            )
        for what, path in (("snapshot", snapshot), ("baseline", baseline)):
            if path is not None and not path.is_dir():
                typer.secho(f"error: {what} folder {path} does not exist", fg=typer.colors.RED, err=True)
                raise typer.Exit(USAGE)
        _stop_on_sigterm()
        try:
            with _running_neo4j() if use_running else _embedded_neo4j(heap, pagecache, wait):
                code, text = _check(snapshot, baseline, fail_on.value, new_only, output_dir)
        except CiError as exc:
            typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
            raise typer.Exit(exc.code) from None
        typer.echo(text)
        if code == UNKNOWN and not fail_on_unknown:
            code = OK
        typer.echo(f"outputs in {output_dir}/; exit {code}", err=True)
        raise typer.Exit(code)
