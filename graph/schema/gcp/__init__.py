"""GCP node schemas (Cloud Asset Inventory), Cartography labels. See docs/schema/gcp.md."""
