"""Read and write the roadmap spreadsheet as CSV (Excel's dialect: quoted fields may hold commas, quotes
and line breaks; UTF-8 with or without a byte-order mark).

Reading is all or nothing: every malformed row is reported with its line and column in one
``RoadmapCsvError``, and no task is returned from a file that has any.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from queries.models import Domain
from queries.roadmap.model import COLUMNS, DERIVED, LAYER_NAMES, REQUIRED, STATUSES, RoadmapTask

MAX_SHOWN = 20
_DOMAINS = {d.value.lower(): d.value for d in Domain}
_CCM = re.compile(r"^[A-Z]{3}-\d{2}$")
_PRIORITY = re.compile(r"^(?:P|L|LEVEL\s*)?([1-5])(?:\.0+)?$", re.IGNORECASE)
_SPLIT = re.compile(r"[,;\s]+")
_KNOWN = {name.lower(): name for name in (*COLUMNS, *DERIVED)}


@dataclass(frozen=True)
class Problem:
    line: int
    column: int | None  # 1-based; None: the whole row
    name: str | None  # the column's header
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}"
        if self.column is not None:
            where += f", column {self.column}" + (f" ({self.name})" if self.name else "")
        return f"{where}: {self.message}"


class RoadmapCsvError(ValueError):
    """Every problem of one file; nothing of it is stored."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source, self.problems = source, problems
        shown = "\n  ".join(str(p) for p in problems[:MAX_SHOWN])
        more = f"\n  … and {len(problems) - MAX_SHOWN} more" if len(problems) > MAX_SHOWN else ""
        super().__init__(f"{source}: {len(problems)} problem(s), nothing imported:\n  {shown}{more}")


def _words(value: str) -> str:
    return " ".join(value.split())


def _domain(v: str) -> str:
    key = _words(v).lower().replace(" and ", " & ")
    if key not in _DOMAINS:
        raise ValueError(f"unknown domain {v!r}; expected one of: {', '.join(d.value for d in Domain)}")
    return _DOMAINS[key]


def _status(v: str) -> str:
    s = _words(v.replace("_", " ").replace("-", " ")).upper()
    if not s:
        return "NOT STARTED"
    if s not in STATUSES:
        raise ValueError(f"unknown status {v!r}; expected one of: {', '.join(STATUSES)}")
    return s


def _priority(v: str) -> int:
    m = _PRIORITY.match(v.strip())
    if not m:
        raise ValueError(f"priority {v!r} is not a maturity level 1–5")
    return int(m.group(1))


def _layer(v: str) -> str:
    key = _words(v).lower()
    if key not in LAYER_NAMES:
        raise ValueError(f"unknown layer {v!r}; expected cloud provider, Kubernetes or both")
    return LAYER_NAMES[key]


def _ccm(v: str) -> list[str]:
    ids = [x.upper() for x in _SPLIT.split(v.strip()) if x]
    bad = [x for x in ids if not _CCM.match(x)]
    if bad:
        raise ValueError(f"not CSA CCM ids (like IVS-03): {', '.join(bad)}")
    return ids


def _text(v: str) -> str:
    return v.strip()


def _required(v: str) -> str:
    if not v.strip():
        raise ValueError("empty")
    return v.strip()


def _parsers(known_controls: set[str]) -> dict[str, Callable[[str], Any]]:
    def controls(v: str) -> list[str]:
        ids = [x for x in _SPLIT.split(v.strip()) if x]
        unknown = [x for x in ids if x not in known_controls]
        if unknown:
            raise ValueError(f"unknown control id(s): {', '.join(unknown)}")
        return ids

    return {
        "domain": _domain,
        "task": _required,
        "status": _status,
        "priority": _priority,
        "layer": _layer,
        "csa_ccm": _ccm,
        "controls": controls,
    }


def _header(row: list[str], line: int) -> tuple[list[str], list[Problem]]:
    """Canonical names for known columns (any case and spacing), extra ones as written."""
    names, problems, seen = [], [], set()
    for i, raw in enumerate(row, 1):
        name = _words(raw)
        canonical = _KNOWN.get(name.lower(), name)
        if not name:
            problems.append(Problem(line, i, None, "empty column name"))
        elif canonical.lower() in seen:
            problems.append(Problem(line, i, canonical, "duplicate column"))
        seen.add(canonical.lower())
        names.append(canonical)
    missing = [c for c in REQUIRED if c.lower() not in seen]
    if missing:
        problems.append(Problem(line, None, None, f"missing required column(s): {', '.join(missing)}"))
    return names, problems


def parse_csv(data: bytes, source: str, known_controls: Iterable[str]) -> tuple[list[RoadmapTask], list[str]]:
    """The tasks of a roadmap CSV and its header (extra columns in their place; derived ones dropped)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise RoadmapCsvError(
            source, [Problem(line, col, None, "not UTF-8 text (save the sheet as CSV UTF-8)")]
        ) from None
    parsers = _parsers(set(known_controls))
    reader = csv.reader(io.StringIO(text, newline=""), dialect="excel", strict=True)
    header: list[str] | None = None
    tasks: list[RoadmapTask] = []
    problems: list[Problem] = []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(start, None, None, f"malformed CSV ({exc}); check the quotes"))
            break
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header, found = _header(row, start)
            problems += found
            if found:
                break
            continue
        if len(row) > len(header) and not any(c.strip() for c in row[len(header) :]):
            row = row[: len(header)]  # trailing empty cells (a sheet's stray commas)
        if len(row) != len(header):
            col = min(len(row), len(header)) + 1
            problems.append(
                Problem(start, col, None, f"{len(row)} field(s) where the header has {len(header)}")
            )
            continue
        task, found = _task(header, row, start, parsers)
        problems += found
        if task is not None:
            tasks.append(task)
    if header is None and not problems:
        problems.append(Problem(1, None, None, "empty file: no header row"))
    if problems:
        raise RoadmapCsvError(source, problems)
    assert header is not None
    return tasks, [h for h in header if h not in DERIVED]


def _task(
    header: list[str], row: list[str], line: int, parsers: dict[str, Callable[[str], Any]]
) -> tuple[RoadmapTask | None, list[Problem]]:
    values: dict[str, Any] = {}
    extra: dict[str, str] = {}
    problems = []
    for i, (name, cell) in enumerate(zip(header, row, strict=True), 1):
        if name in DERIVED:
            continue
        key = COLUMNS.get(name)
        if key is None:
            extra[name] = cell
            continue
        try:
            values[key] = parsers.get(key, _text)(cell)
        except ValueError as exc:
            problems.append(Problem(line, i, name, str(exc)))
    if problems:
        return None, problems
    return RoadmapTask(**values, extra=extra), []


def write_csv(header: list[str], rows: list[dict[str, Any]], bom: bool = False) -> str:
    """Rows (header name → value; lists joined with ", ") as Excel-dialect CSV text."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, dialect="excel")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [
                ", ".join(v) if isinstance(v, list) else "" if v is None else v
                for v in (row.get(h) for h in header)
            ]
        )
    return out.getvalue()
