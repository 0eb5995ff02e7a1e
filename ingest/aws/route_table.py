"""Route tables of one region (``aws ec2 describe-route-tables``): tables, routes and associations."""

from __future__ import annotations

from typing import Any

from graph.schema.aws.route_table import EC2_ROUTE, EC2_ROUTE_TABLE, EC2_ROUTE_TABLE_ASSOCIATION
from ingest.aws.regional import read_listing, sync_aws, tag
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

SCHEMAS = (EC2_ROUTE_TABLE, EC2_ROUTE, EC2_ROUTE_TABLE_ASSOCIATION)

# A route is a union: exactly one destination and one target key is set. Cartography's route id is
# "<table>|<destination>"; the prefix-list destination is added so such routes get distinct ids too.
_DESTINATIONS = ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId")
_TARGETS = (
    "GatewayId",
    "InstanceId",
    "NatGatewayId",
    "TransitGatewayId",
    "LocalGatewayId",
    "CarrierGatewayId",
    "NetworkInterfaceId",
    "VpcPeeringConnectionId",
    "EgressOnlyInternetGatewayId",
    "CoreNetworkArn",
)


def get(snap: Snapshot, account: str, region: str) -> dict[str, Any] | None:
    return read_listing(snap, account, region, "ec2", "describe-route-tables", "RouteTables")


def _route(table_id: str, r: dict[str, Any]) -> dict[str, Any]:
    destination = next((r[k] for k in _DESTINATIONS if r.get(k)), None)
    gateway = r.get("GatewayId")
    return {
        "id": "|".join(filter(None, (table_id, destination))),
        "route_table_id": table_id,
        "destination_cidr_block": r.get("DestinationCidrBlock"),
        "destination_ipv6_cidr_block": r.get("DestinationIpv6CidrBlock"),
        "destination_prefix_list_id": r.get("DestinationPrefixListId"),
        "gateway_id": gateway,
        "vpc_endpoint_id": gateway if gateway and gateway.startswith("vpce-") else None,
        "instance_id": r.get("InstanceId"),
        "instance_owner_id": r.get("InstanceOwnerId"),
        "nat_gateway_id": r.get("NatGatewayId"),
        "transit_gateway_id": r.get("TransitGatewayId"),
        "local_gateway_id": r.get("LocalGatewayId"),
        "carrier_gateway_id": r.get("CarrierGatewayId"),
        "network_interface_id": r.get("NetworkInterfaceId"),
        "vpc_peering_connection_id": r.get("VpcPeeringConnectionId"),
        "egress_only_internet_gateway_id": r.get("EgressOnlyInternetGatewayId"),
        "core_network_arn": r.get("CoreNetworkArn"),
        "state": r.get("State"),
        "origin": r.get("Origin"),
        "target": next((r[k] for k in _TARGETS if r.get(k)), None),
    }


def _association(table_id: str, a: dict[str, Any]) -> dict[str, Any]:
    state = a.get("AssociationState", {})
    return {
        "id": a["RouteTableAssociationId"],
        "route_table_id": table_id,
        "subnet_id": a.get("SubnetId"),
        "gateway_id": a.get("GatewayId"),
        "main": a.get("Main", False),
        "association_state": state.get("State"),
        "association_state_message": state.get("Message"),
        "target": a.get("SubnetId") or a.get("GatewayId") or "main",
    }


def transform(raw: dict[str, Any]) -> Transformed:
    tables, routes, assocs = [], [], []
    for t in raw["RouteTables"]:
        table_id = t["RouteTableId"]
        table_assocs = [_association(table_id, a) for a in t.get("Associations", [])]
        tables.append(
            {
                "id": table_id,
                "owner_id": t.get("OwnerId"),
                "vpc_id": t.get("VpcId"),
                "name": tag(t.get("Tags"), "Name"),
                "main": any(a["main"] for a in table_assocs),
            }
        )
        routes += [_route(table_id, r) for r in t.get("Routes", [])]
        assocs += table_assocs
    return Transformed({EC2_ROUTE_TABLE: tables, EC2_ROUTE: routes, EC2_ROUTE_TABLE_ASSOCIATION: assocs})


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    account, region = scope.owner, scope.region
    return sync_aws(MODULE, snap, ctx, scope, lambda: get(snap, account, region), transform, SCHEMAS)


MODULE = Module("aws", "route_table", sync, SCHEMAS, regional=True)
