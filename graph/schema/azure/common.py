"""The owners of every Azure node: the tenant (tenant-wide listings) or the subscription a folder holds.

``azure/<tenant-id>/tenant/`` holds tenant-wide output (accounts, management groups, Entra ID) owned by
(:AzureTenant)-[:RESOURCE]->(n); ``azure/<tenant-id>/<subscription-id>/`` holds one subscription's output,
owned by (:AzureSubscription)-[:RESOURCE]->(n), so cleanup is scoped to that subscription and scanning one
never sweeps another. Resources also hang from their resource group: (:AzureResourceGroup)-[:CONTAINS]->(n).

ARM ids are case-insensitive and ``az`` prints the same id with different casing across commands (a VM's
NIC reference says ``resourceGroups/RG-PROD``, the NIC listing ``resourceGroups/rg-prod``): node ids are the
lower-cased ARM id so references always meet; ``resource_id`` keeps the id as the resource's own listing
printed it.
"""

from __future__ import annotations

from graph.schema.model import JSON, C, Direction, NodeSchema, P, PropertyRef, RelSchema, account_resource

TENANT_ID = "AZURE_TENANT_ID"  # context key: the tenant id (folder name)
SUBSCRIPTION_ID = "AZURE_SUBSCRIPTION_ID"  # context key: the subscription id (folder name)


def tenant_owned(
    label: str,
    properties: dict[str, PropertyRef],
    relationships: tuple[RelSchema, ...] = (),
    extra_labels: tuple[str, ...] = (),
) -> NodeSchema:
    return NodeSchema(
        label, properties, account_resource("AzureTenant", TENANT_ID), relationships, extra_labels
    )


# Every ARM resource row carries these (from the resource's own listing).
ARM = {
    "resource_id": P("resource_id"),
    "name": P("name", index=True),
    "location": P("location"),
    "resourcegroup": P("resource_group"),
    "resource_group_id": P("resource_group_id"),
    "subscription_id": C(SUBSCRIPTION_ID),
    "tags": P("tags", kind=JSON),
}

IN_GROUP = RelSchema("CONTAINS", "AzureResourceGroup", {"id": P("resource_group_id")}, Direction.INWARD)


def resource(
    label: str,
    properties: dict[str, PropertyRef],
    relationships: tuple[RelSchema, ...] = (),
    extra_labels: tuple[str, ...] = (),
    in_group: bool = True,
) -> NodeSchema:
    """An ARM resource of one subscription: owned by it, contained in its resource group."""
    rels = (IN_GROUP, *relationships) if in_group else relationships
    props = {**ARM, **properties}
    owner = account_resource("AzureSubscription", SUBSCRIPTION_ID)
    return NodeSchema(label, props, owner, rels, extra_labels)
