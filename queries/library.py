"""The investigation library: saved, parameterised read-only queries (``queries/investigations/<id>/``).

Like a control, an investigation is data only: ``investigation.yaml`` (id, title, description, providers,
tags, typed parameters), ``query.cypher`` and ``expected.yaml`` (the answer it must give on the sample
environment; tests/queries/test_investigations.py runs every one). Loading refuses a folder whose id and
name disagree, whose Cypher writes, has an unbounded variable-length pattern, or uses a parameter it does
not declare (or declares one it never uses). Every problem is collected and raised together.

Running one (API, CLI) goes through the same guard and limits as ad-hoc Cypher (``api/investigations.py``);
this module only binds and checks the caller's parameter values against the declared types.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError, model_validator

from queries.static_checks import parameters_used, read_only_errors

DEFAULT_ROOT = Path(__file__).resolve().parent / "investigations"
ParamType = Literal["string", "int", "float", "bool"]
_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
}
PROVIDERS = ("aws", "gcp", "k8s")


class Parameter(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=_NAME.pattern)
    type: ParamType
    description: str = Field(min_length=1)
    default: JsonValue = Field(default=None, description="Used when the caller omits it; none = required.")

    @property
    def required(self) -> bool:
        return self.default is None

    @model_validator(mode="after")
    def _default_has_type(self) -> Parameter:
        if self.default is not None:
            problem = type_problem(self, self.default)
            if problem:
                raise ValueError(f"default: {problem}")
        return self


class InvestigationMeta(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    providers: list[Literal["aws", "gcp", "k8s"]] = Field(min_length=1)
    tags: list[str] = Field(default_factory=list)
    parameters: list[Parameter] = Field(default_factory=list)


@dataclass(frozen=True)
class Investigation:
    meta: InvestigationMeta
    query: str
    folder: Path

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass
class Library:
    investigations: dict[str, Investigation] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Investigation]:
        return iter(self.investigations[k] for k in sorted(self.investigations))

    def __len__(self) -> int:
        return len(self.investigations)

    def get(self, investigation_id: str) -> Investigation | None:
        return self.investigations.get(investigation_id)


class LibraryError(Exception):
    """Every validation problem of the library; each message starts with the investigation it concerns."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("invalid investigation library:\n  " + "\n  ".join(errors))


class ParameterError(ValueError):
    """The caller's parameter values do not fit the declaration; `problems` lists each, by name."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def type_problem(param: Parameter, value: object) -> str | None:
    """Why `value` is not of the parameter's type (JSON values: bool is not an int, int is a float)."""
    wanted = _PYTHON_TYPES[param.type]
    if isinstance(value, bool) and param.type != "bool":
        ok = False
    else:
        ok = isinstance(value, wanted)
    if ok and param.type == "string" and not value:
        return f"parameter {param.name!r} must be a non-empty string"
    if ok:
        return None
    article = "an" if param.type == "int" else "a"
    return f"parameter {param.name!r} must be {article} {param.type}, got {_json_type(value)}"


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    return {bool: "bool", int: "int", float: "float", str: "string", list: "list", dict: "object"}.get(
        type(value), type(value).__name__
    )


def bind(inv: Investigation, given: Mapping[str, JsonValue]) -> dict[str, JsonValue]:
    """The Cypher parameters for one run: the caller's values checked against the declaration, defaults
    filled in. Unknown names, missing required ones and wrong types are all reported at once."""
    declared = {p.name: p for p in inv.meta.parameters}
    problems = [
        f"unknown parameter {name!r} (declared: {', '.join(declared) or 'none'})"
        for name in sorted(set(given) - set(declared))
    ]
    bound: dict[str, JsonValue] = {}
    for name, param in declared.items():
        value = given.get(name, param.default)
        if value is None:
            problems.append(f"parameter {name!r} ({param.type}) is required: {param.description}")
            continue
        problem = type_problem(param, value)
        if problem:
            problems.append(problem)
        bound[name] = float(value) if param.type == "float" else value  # type: ignore[arg-type]
    if problems:
        raise ParameterError(problems)
    return bound


def parse_text(param: Parameter, text: str) -> JsonValue:
    """A command-line value (`--param days=7`) as the declared type; ParameterError when it is not one."""
    try:
        if param.type == "int":
            return int(text)
        if param.type == "float":
            return float(text)
    except ValueError:
        raise ParameterError([f"parameter {param.name!r} must be {param.type}, got {text!r}"]) from None
    if param.type == "bool":
        if text.lower() not in ("true", "false"):
            raise ParameterError([f"parameter {param.name!r} must be true or false, got {text!r}"])
        return text.lower() == "true"
    return text


def _static_checks(meta: InvestigationMeta, query: str) -> list[str]:
    errors = read_only_errors(meta.id, "query.cypher", query)
    used = parameters_used(query)
    declared = [p.name for p in meta.parameters]
    for name in sorted(used - set(declared)):
        errors.append(f"{meta.id}: query.cypher uses ${name}, which is not a declared parameter")
    for name in sorted(set(declared) - used):
        errors.append(f"{meta.id}: parameter {name!r} is declared but query.cypher never uses it")
    for name in sorted({n for n in declared if declared.count(n) > 1}):
        errors.append(f"{meta.id}: parameter {name!r} is declared twice")
    return errors


def _load_one(folder: Path) -> tuple[Investigation | None, list[str]]:
    name = folder.name
    meta_file = folder / "investigation.yaml"
    if not meta_file.is_file():
        return None, [f"{name}: investigation.yaml is missing"]
    try:
        raw = yaml.safe_load(meta_file.read_text())
        meta = InvestigationMeta.model_validate(raw)
    except yaml.YAMLError as exc:
        return None, [f"{name}: investigation.yaml is not valid YAML: {exc}"]
    except ValidationError as exc:
        return None, [
            f"{name}: investigation.yaml: {'.'.join(map(str, e['loc'])) or '<root>'}: {e['msg']}"
            for e in exc.errors()
        ]
    errors: list[str] = []
    if meta.id != name:
        errors.append(f"{name}: metadata id {meta.id!r} does not match its folder name {name!r}")
    if not _ID.match(meta.id):
        errors.append(f"{name}: id {meta.id!r} must be lower-case letters, digits and '_'")
    if not (folder / "expected.yaml").is_file():
        errors.append(f"{meta.id}: expected.yaml (its planted answer on the sample) is missing")
    query_file = folder / "query.cypher"
    if not query_file.is_file():
        return None, [*errors, f"{meta.id}: query.cypher is missing"]
    query = query_file.read_text()
    errors += _static_checks(meta, query)
    return Investigation(meta, query, folder), errors


def load_library(root: Path = DEFAULT_ROOT) -> Library:
    """Load every investigation under `root`; LibraryError lists every problem found."""
    errors: list[str] = []
    library = Library()
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))):
        inv, problems = _load_one(folder)
        errors += problems
        if inv is not None and not problems:
            library.investigations[inv.id] = inv
    if errors:
        raise LibraryError(errors)
    return library
