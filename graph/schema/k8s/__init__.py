"""Kubernetes node schemas (Cartography labels, relationship types and keys; see docs/schema/kubernetes.md)."""
