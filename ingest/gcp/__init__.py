"""GCP resource modules (Cloud Asset Inventory), in load order: a module's relationships MATCH nodes that
earlier modules loaded.

hierarchy (scope node, folders, projects — every later node hangs from them) → service accounts and keys
(instances RUNS_AS them, bindings name them) → networks → network tags → instances → firewalls (TARGET_TAG)
→ buckets → Cloud SQL → GKE → policy bindings (APPLIES_TO any of the above) → organization policies
(APPLIES_TO the hierarchy) → deny policies → groups → IAM usage (composites on service accounts and keys).
"""

from ingest.gcp import (
    buckets,
    cloudsql,
    deny_policies,
    firewalls,
    gke,
    groups,
    hierarchy,
    iam_usage,
    instances,
    network_tags,
    networks,
    org_policies,
    policy_bindings,
    service_accounts,
)

MODULES = [
    hierarchy.MODULE,
    service_accounts.MODULE,
    networks.MODULE,
    network_tags.MODULE,
    instances.MODULE,
    firewalls.MODULE,
    buckets.MODULE,
    cloudsql.MODULE,
    gke.MODULE,
    policy_bindings.MODULE,
    org_policies.MODULE,
    deny_policies.MODULE,
    groups.MODULE,
    iam_usage.MODULE,
]
