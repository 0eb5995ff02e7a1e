"""Azure resource modules (``az … --output json`` files), in load order: a module's relationships MATCH
nodes that earlier modules loaded.

Tenant-wide (once per tenant folder): hierarchy (tenant, management groups, subscriptions) → Entra users →
Entra service principals → Entra groups (their members are users, service principals and groups).
Per subscription (``regional``): resource groups (and the subscription node) → identities (VMs and AKS
RUN_AS them) → role definitions → NSGs (subnets and NICs reference them) → virtual networks and subnets →
route tables (subnets ASSOCIATED_WITH them) → public IPs → VMs → NICs (ATTACHED_TO VMs and subnets) →
load balancers and application gateways (frontends → public IPs, backend pools ROUTES_TO NICs) → storage →
blob services → SQL → Key Vault → AKS → role assignments (APPLIES_TO any of the above).
"""

from ingest.azure import (
    aks,
    application_gateways,
    blob_services,
    entra_groups,
    entra_service_principals,
    entra_users,
    hierarchy,
    identities,
    keyvaults,
    load_balancers,
    nics,
    nsgs,
    public_ips,
    resource_groups,
    role_assignments,
    role_definitions,
    route_tables,
    sql,
    storage,
    vms,
    vnets,
)

MODULES = [
    hierarchy.MODULE,
    entra_users.MODULE,
    entra_service_principals.MODULE,
    entra_groups.MODULE,
    resource_groups.MODULE,
    identities.MODULE,
    role_definitions.MODULE,
    nsgs.MODULE,
    vnets.MODULE,
    route_tables.MODULE,
    public_ips.MODULE,
    vms.MODULE,
    nics.MODULE,
    load_balancers.MODULE,
    application_gateways.MODULE,
    storage.MODULE,
    blob_services.MODULE,
    sql.MODULE,
    keyvaults.MODULE,
    aks.MODULE,
    role_assignments.MODULE,
]
