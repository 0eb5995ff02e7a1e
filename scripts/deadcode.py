"""`make lint`'s dead-code check: vulture over our packages, settings in pyproject.toml [tool.vulture].

Class-level names (variables and attributes) below 100 % confidence are not reported: in this code base
they are the fields of pydantic models, enums and dataclasses, read by a framework (JSON responses,
control metadata, settings) where vulture cannot see it. Everything else is: unused functions, methods,
classes, properties, imports, arguments and unreachable code. Exit code 1 when anything is found.
"""

from __future__ import annotations

import sys
from pathlib import Path

from vulture.config import make_config
from vulture.core import Vulture

FIELD_KINDS = ("variable", "attribute")


def main() -> int:
    with (Path(__file__).resolve().parents[1] / "pyproject.toml").open("rb") as toml:
        config = make_config([], tomlfile=toml)
    v = Vulture(ignore_names=config["ignore_names"], ignore_decorators=config["ignore_decorators"])
    v.scavenge(config["paths"], exclude=config["exclude"])
    found = [
        item
        for item in v.get_unused_code(min_confidence=config["min_confidence"])
        if not (item.typ in FIELD_KINDS and item.confidence < 100)
    ]
    for item in found:
        print(item.get_report(), file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
