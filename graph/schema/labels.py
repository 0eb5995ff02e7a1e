"""The one label that names a node's type, chosen the same way whatever order Neo4j returns labels in.

``labels(n)`` comes back in label-token order, and token ids are handed out in the order a database first
saw each label: a database that loaded a GCP bucket (GCPBucket, ObjectStorage) before any S3 bucket returns
``ObjectStorage`` first for S3 buckets too. History and drift must not depend on that.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from functools import cache

from graph.schema.gcp.common import ScopedSchema
from graph.schema.model import NodeSchema

_PACKAGES = ("graph.schema.aws", "graph.schema.k8s", "graph.schema.gcp", "graph.schema.azure")


@cache
def schema_labels() -> dict[str, frozenset[str]]:
    """Primary label → union of the extra labels its schemas add (every schema module of every provider)."""
    out: dict[str, set[str]] = {}
    for package in _PACKAGES:
        pkg = importlib.import_module(package)
        for info in pkgutil.iter_modules(pkg.__path__):
            module = importlib.import_module(f"{package}.{info.name}")
            for value in vars(module).values():
                schemas = value.both if isinstance(value, ScopedSchema) else (value,)  # GCP: two variants
                for schema in schemas:
                    if isinstance(schema, NodeSchema):
                        out.setdefault(schema.label, set()).update(schema.extra_labels)
    return {label: frozenset(extra) for label, extra in out.items()}


def primary_label(labels: Iterable[str]) -> str:
    """The schema label whose extra labels the node carries most completely (AWSRole over AWSPrincipal
    for a role); for labels no schema knows (another tool's nodes), the alphabetically first one."""
    present = sorted(set(labels))
    known = schema_labels()
    candidates = [x for x in present if x in known]
    if not candidates:
        return present[0] if present else ""
    return max(candidates, key=lambda x: (len(known[x] & set(present)), [-ord(c) for c in x]))


# The extra labels (``NodeSchema.extra_labels``) that say a node type holds data. Exposure's data targets and
# the default crown jewels are every node type carrying one: a new data store counts once its schema says so.
DATA_STORE_KINDS = ("Database", "ObjectStorage", "Secret")


def labels_of_kind(*kinds: str) -> tuple[str, ...]:
    """Primary labels whose schemas add any of ``kinds`` as an extra label, sorted (e.g.
    ``labels_of_kind("ObjectStorage")`` → ``("GCPBucket", "S3Bucket")``)."""
    wanted = set(kinds)
    return tuple(sorted(label for label, extra in schema_labels().items() if extra & wanted))


def data_store_labels() -> tuple[str, ...]:
    """Every data-store node type (``DATA_STORE_KINDS``), sorted."""
    return labels_of_kind(*DATA_STORE_KINDS)
