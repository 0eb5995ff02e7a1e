"""Kubernetes node schemas: Cartography labels, relationships and keys (docs/schema/kubernetes.md)."""
