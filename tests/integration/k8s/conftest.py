"""Kubernetes tests stub the AWS side (see k8s_support.aws_stubs) and so do not import the AWS or GCP modules:
other engineers' work in progress there must not break these tests, nor theirs ours."""

from __future__ import annotations

import pytest

from ingest import registry


@pytest.fixture(autouse=True)
def _kubernetes_modules_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "aws_modules", lambda: [])
    monkeypatch.setattr(registry, "gcp_modules", lambda: [])
