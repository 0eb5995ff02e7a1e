"""Data stores come from the schemas' extra labels, and exposure reads them from there only."""

from __future__ import annotations

from analysis.exposure import iam, scoring
from config import ExposureSettings
from graph.schema.labels import DATA_STORE_KINDS, data_store_labels, labels_of_kind
from ingest import registry


def _registered() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for mod in registry.all_modules():
        for schema in mod.schemas:
            out.setdefault(schema.label, set()).update(schema.extra_labels)
    return out


def test_data_stores_are_the_registered_schemas_with_a_data_kind() -> None:
    expected = {label for label, extra in _registered().items() if extra & set(DATA_STORE_KINDS)}
    assert set(data_store_labels()) == expected
    assert len(expected) >= 6  # S3, RDS, Secrets Manager, Kubernetes secrets, GCS, Cloud SQL at least
    assert set(labels_of_kind("ObjectStorage")) < expected


def test_exposure_uses_the_derived_lists() -> None:
    stores = data_store_labels()
    assert scoring.DEFAULT_CROWN_JEWEL_LABELS == (*stores, "AdminRole")
    assert scoring.crown_jewel_labels(ExposureSettings()) == (*stores, "AdminRole")
    assert scoring.PUBLIC_READ == labels_of_kind("ObjectStorage")
    assert all(label in scoring.SENSITIVITY for label in stores)
    assert iam.DATA_STORES == stores
    for kind in DATA_STORE_KINDS:
        assert f"d:{kind}" in iam.STORES
