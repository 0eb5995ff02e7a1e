"""JUnit XML of a control run, for CI systems that show test reports (GitLab's merge-request widget,
Jenkins, GitHub test-report actions).

One ``<testcase>`` per control (classname = its roadmap domain, name = its id). A control with open
findings is a ``<failure>`` (type = severity, one line per finding); muted or accepted findings are
listed in ``<system-out>`` and do not fail the case; an erroring control is an ``<error>``; a control that
could not decide some asset (its data was not collected) and failed none is ``<skipped>`` with what is
missing, so "unknown" never reads as "passed". The severity gate (``--fail-on``) decides the exit code,
not this file: a low-severity failure shows here even when the pipeline passes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from queries.findings import SUPPRESSIONS
from queries.models import Control
from queries.report import unknown_reason


def _line(f: dict[str, Any]) -> str:
    return f"{f['label']} {f['asset_name']} ({f['asset_id']}) in {f['scope']}: {f['reason']}"


def to_junit(report: dict[str, Any], controls: dict[str, Control]) -> str:
    """The report of queries/report.py as a JUnit XML document (UTF-8, with declaration)."""
    suite = ET.Element("testsuite", name="invgraph controls", id=str(report["run_id"]))
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for c in report["controls"]:
        meta = controls[c["id"]].meta
        case = ET.SubElement(suite, "testcase", classname=meta.domain.value, name=c["id"], time="0")
        counts["tests"] += 1
        open_ = [f for f in c["findings"] if f["state"] not in SUPPRESSIONS]
        suppressed = [f for f in c["findings"] if f["state"] in SUPPRESSIONS]
        if c["status"] == "error":
            counts["errors"] += 1
            ET.SubElement(case, "error", message=f"control failed to run: {c['error']}", type="error")
        elif open_:
            counts["failures"] += 1
            fail = ET.SubElement(
                case,
                "failure",
                message=f"{len(open_)} {meta.severity.value} finding(s): {meta.title}",
                type=meta.severity.value,
            )
            fail.text = "\n".join(f"[{f['state']}] {_line(f)}" for f in open_) + f"\n\n{meta.remediation}"
        elif c["status"] == "unknown":
            counts["skipped"] += 1
            missing = "; ".join(unknown_reason(u) for u in c["unknowns"][:5])
            ET.SubElement(case, "skipped", message=f"{c['unknown']} asset(s) undecided: {missing}")
        out = [f"[{f['state']}] {_line(f)}" for f in suppressed]
        if c["status"] != "unknown" and c["unknowns"]:
            out.append(f"{c['unknown']} asset(s) undecided: {unknown_reason(c['unknowns'][0])}")
        if out:
            ET.SubElement(case, "system-out").text = "\n".join(out)
    for key, value in counts.items():
        suite.set(key, str(value))
    root = ET.Element("testsuites", name="invgraph", **{k: str(v) for k, v in counts.items()})
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
