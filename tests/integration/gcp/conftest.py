"""GCP tests load only the GCP modules: other providers' work in progress must not break these tests."""

from __future__ import annotations

import pytest

from ingest import registry


@pytest.fixture(autouse=True)
def _gcp_modules_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "aws_modules", lambda: [])
    monkeypatch.setattr(registry, "k8s_modules", lambda: [])
