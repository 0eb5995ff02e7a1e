"""The hand-written snapshot's VPCs, subnets, route tables, internet gateways and NACLs loaded with
Cartography 0.143's own EC2 code (``transform_*`` / ``load_*``), so exposure has the routes it needs on a
Cartography graph. (tests/queries/test_cartography_compat.py loads the rest of the account.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cartography.intel.aws.ec2 import internet_gateways, network_acls, route_tables, subnets, vpc

REGION = "us-east-1"


def load_network(session: Any, account_dir: Path, account: str, tag: int) -> None:
    def js(name: str) -> Any:
        return json.loads((account_dir / REGION / "ec2" / f"{name}.json").read_text())

    vpcs, v4, v6 = vpc.transform_vpc_data(js("describe-vpcs")["Vpcs"], REGION)
    vpc.load_ec2_vpcs(session, vpcs, REGION, account, tag)
    vpc.load_ipv4_cidr_blocks(session, v4, REGION, account, tag)
    vpc.load_ipv6_cidr_blocks(session, v6, REGION, account, tag)
    subnets.load_subnets(
        session, subnets.transform_subnet_data(js("describe-subnets")["Subnets"]), REGION, account, tag
    )
    igws = internet_gateways.transform_internet_gateways(
        js("describe-internet-gateways")["InternetGateways"], REGION, account
    )
    internet_gateways.load_internet_gateways(session, igws, REGION, account, tag)
    tables, associations, routes = route_tables.transform_route_table_data(
        js("describe-route-tables")["RouteTables"]
    )
    route_tables.load_routes(session, routes, REGION, account, tag)
    route_tables.load_route_table_associations(session, associations, REGION, account, tag)
    route_tables.load_route_tables(session, tables, REGION, account, tag)
    raw_acls = js("describe-network-acls")["NetworkAcls"]
    acls = network_acls.transform_network_acl_data(raw_acls, REGION, account)
    network_acls.load_all_nacl_data(session, acls, REGION, account, tag)
