"""GCP resource modules (Cloud Asset Inventory), in load order."""

MODULES: list = []
