"""Findings for other systems: OCSF Compliance Finding (ocsf.py), AWS Security Hub ASFF (asff.py), GCP
Security Command Center (scc.py). Every format is built from the same records (records.py), and every
format's finding uid derives from our stable finding id, so a re-send updates instead of duplicating."""
