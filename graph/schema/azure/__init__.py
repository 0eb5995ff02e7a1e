"""Azure node schemas (``az … --output json``), Cartography labels. See docs/schema.md."""
