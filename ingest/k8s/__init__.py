"""Kubernetes resource modules, in load order."""

MODULES: list = []
