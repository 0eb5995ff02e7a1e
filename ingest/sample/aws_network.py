"""VPC plumbing of one account/region: VPC, subnets, internet gateway, route tables, NACLs, security groups.

Output files are `aws ec2 describe-vpcs|describe-subnets|describe-internet-gateways|describe-route-tables|
describe-network-acls|describe-security-groups`. The `Net` object keeps the live lists, so builders that run
later (compute, RDS, EKS) can still add security groups before anything is serialized.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from ingest.sample.context import Account, Ctx
from ingest.sample.ids import tag_list

ANYWHERE = "0.0.0.0/0"
ANYWHERE_V6 = "::/0"


@dataclass
class Subnet:
    raw: dict[str, Any]
    network: ipaddress.IPv4Network
    public: bool
    used: int = 0

    @property
    def id(self) -> str:
        return self.raw["SubnetId"]

    @property
    def az(self) -> str:
        return self.raw["AvailabilityZone"]

    def next_ip(self) -> str:
        # AWS reserves the first four addresses of every subnet; allocate sequentially after them.
        self.used += 1
        return str(self.network.network_address + 3 + self.used)


@dataclass
class Net:
    account: Account
    region: str
    vpc_id: str
    cidr: str
    igw_id: str
    subnets: dict[str, Subnet] = field(default_factory=dict)
    sgs: dict[str, dict[str, Any]] = field(default_factory=dict)
    sg_list: list[dict[str, Any]] = field(default_factory=list)
    route_tables: list[dict[str, Any]] = field(default_factory=list)
    nacls: list[dict[str, Any]] = field(default_factory=list)
    restricted_nacl: str = ""
    # Filled by aws_compute: describe-instances reservations, ENIs, volumes and ELBv2 objects.
    reservations: list[dict[str, Any]] = field(default_factory=list)
    enis: list[dict[str, Any]] = field(default_factory=list)
    volumes: list[dict[str, Any]] = field(default_factory=list)
    amis: list[str] = field(default_factory=list)
    load_balancers: list[dict[str, Any]] = field(default_factory=list)
    target_groups: list[dict[str, Any]] = field(default_factory=list)


def perm(
    protocol: str,
    from_port: int | None = None,
    to_port: int | None = None,
    cidrs: tuple[str, ...] = (),
    cidrs_v6: tuple[str, ...] = (),
    groups: tuple[tuple[str, str], ...] = (),
    description: str | None = None,
) -> dict[str, Any]:
    """One IpPermissions entry exactly as describe-security-groups prints it (ports absent for -1)."""

    def rng(key: str, cidr: str) -> dict[str, str]:
        return {key: cidr, "Description": description} if description else {key: cidr}

    entry: dict[str, Any] = {"IpProtocol": protocol}
    if from_port is not None:
        entry["FromPort"] = from_port
        entry["ToPort"] = to_port if to_port is not None else from_port
    entry["UserIdGroupPairs"] = [{"UserId": owner, "GroupId": gid} for owner, gid in groups]
    entry["IpRanges"] = [rng("CidrIp", c) for c in cidrs]
    entry["Ipv6Ranges"] = [rng("CidrIpv6", c) for c in cidrs_v6]
    entry["PrefixListIds"] = []
    return entry


def add_sg(
    ctx: Ctx, net: Net, name: str, description: str, ingress: list[dict[str, Any]], egress_all: bool = True
) -> dict[str, Any]:
    gid = ctx.ids.aws("sg")
    sg = {
        "GroupId": gid,
        "IpPermissionsEgress": [perm("-1", cidrs=(ANYWHERE,))] if egress_all else [],
        "VpcId": net.vpc_id,
        "SecurityGroupArn": net.account.arn("ec2", net.region, f"security-group/{gid}"),
        "OwnerId": net.account.account_id,
        "GroupName": name,
        "Description": description,
        "IpPermissions": ingress,
    }
    if name != "default":
        sg["Tags"] = tag_list({"Name": name})
    net.sgs[name] = sg
    net.sg_list.append(sg)
    return sg


def _route(dest: str, **target: str) -> dict[str, Any]:
    origin = "CreateRouteTable" if target.get("GatewayId") == "local" else "CreateRoute"
    return {"DestinationCidrBlock": dest, **target, "Origin": origin, "State": "active"}


def _route_table(
    ctx: Ctx, net: Net, name: str, routes: list[dict[str, Any]], subnets: list[Subnet], main: bool = False
) -> None:
    rtb = ctx.ids.aws("rtb")
    assoc = [
        {
            "Main": False,
            "RouteTableAssociationId": ctx.ids.aws("rtbassoc"),
            "RouteTableId": rtb,
            "SubnetId": s.id,
            "AssociationState": {"State": "associated"},
        }
        for s in subnets
    ]
    if main:
        assoc.insert(
            0,
            {
                "Main": True,
                "RouteTableAssociationId": ctx.ids.aws("rtbassoc"),
                "RouteTableId": rtb,
                "AssociationState": {"State": "associated"},
            },
        )
    net.route_tables.append(
        {
            "Associations": assoc,
            "PropagatingVgws": [],
            "RouteTableId": rtb,
            "Routes": [_route(net.cidr, GatewayId="local"), *routes],
            "Tags": tag_list({"Name": name}),
            "VpcId": net.vpc_id,
            "OwnerId": net.account.account_id,
        }
    )


def nacl_entry(
    number: int, action: str, egress: bool, protocol: str = "-1", ports: tuple[int, int] | None = None
) -> dict[str, Any]:
    entry: dict[str, Any] = {"CidrBlock": ANYWHERE, "Egress": egress, "Protocol": protocol}
    if ports:
        entry["PortRange"] = {"From": ports[0], "To": ports[1]}
    entry.update({"RuleAction": action, "RuleNumber": number})
    return entry


def _default_entries() -> list[dict[str, Any]]:
    return [
        nacl_entry(100, "allow", True),
        nacl_entry(32767, "deny", True),
        nacl_entry(100, "allow", False),
        nacl_entry(32767, "deny", False),
    ]


def _nacl(ctx: Ctx, net: Net, entries: list[dict[str, Any]], subnets: list[Subnet], default: bool) -> str:
    acl = ctx.ids.aws("acl")
    net.nacls.append(
        {
            "Associations": [
                {"NetworkAclAssociationId": ctx.ids.aws("aclassoc"), "NetworkAclId": acl, "SubnetId": s.id}
                for s in subnets
            ],
            "Entries": entries,
            "IsDefault": default,
            "NetworkAclId": acl,
            "Tags": [] if default else tag_list({"Name": "sftp-restricted-nacl"}),
            "VpcId": net.vpc_id,
            "OwnerId": net.account.account_id,
        }
    )
    return acl


_AZ_ID_PREFIX = {"us-east-1": "use1", "us-west-2": "usw2"}

# (name, offset of the /24 or /18 inside the VPC's /16, prefix length, az letter, public)
_LAYOUT_FULL = [
    ("public-a", "0.0", 24, "a", True),
    ("public-b", "1.0", 24, "b", True),
    ("public-c", "3.0", 24, "c", True),
    ("isolated-a", "2.0", 24, "a", False),
    ("private-a", "64.0", 18, "a", False),
    ("private-b", "128.0", 18, "b", False),
]
_LAYOUT_SMALL = [
    ("public-a", "0.0", 24, "a", True),
    ("private-a", "64.0", 18, "a", False),
    ("private-b", "128.0", 18, "b", False),
]


def build_network(ctx: Ctx, account: Account, region: str, octet: int, full: bool) -> Net:
    """One VPC with public (IGW route), private (NAT route) and, in the full layout, isolated subnets."""
    cidr = f"10.{octet}.0.0/16"
    net = Net(account, region, ctx.ids.aws("vpc"), cidr, ctx.ids.aws("igw"))
    vpc = {
        "OwnerId": account.account_id,
        "InstanceTenancy": "default",
        "CidrBlockAssociationSet": [
            {
                "AssociationId": ctx.ids.aws("vpc-cidr-assoc"),
                "CidrBlock": cidr,
                "CidrBlockState": {"State": "associated"},
            }
        ],
        "IsDefault": False,
        "Tags": tag_list({"Name": f"{account.name}-{region}-main"}),
        "BlockPublicAccessStates": {"InternetGatewayBlockMode": "off"},
        "VpcId": net.vpc_id,
        "State": "available",
        "CidrBlock": cidr,
        "DhcpOptionsId": ctx.ids.aws("dopt"),
    }
    subnet_list = []
    for name, offset, plen, az, public in _LAYOUT_FULL if full else _LAYOUT_SMALL:
        network = ipaddress.IPv4Network(f"10.{octet}.{offset}/{plen}")
        sid = ctx.ids.aws("subnet")
        raw = {
            "AvailabilityZoneId": f"{_AZ_ID_PREFIX.get(region, 'az')}-az{ord(az) - 96}",
            "MapCustomerOwnedIpOnLaunch": False,
            "OwnerId": account.account_id,
            "AssignIpv6AddressOnCreation": False,
            "Ipv6CidrBlockAssociationSet": [],
            "Tags": tag_list({"Name": f"{account.name}-{name}", "Tier": "public" if public else "private"}),
            "SubnetArn": account.arn("ec2", region, f"subnet/{sid}"),
            "EnableDns64": False,
            "Ipv6Native": False,
            "PrivateDnsNameOptionsOnLaunch": {
                "HostnameType": "ip-name",
                "EnableResourceNameDnsARecord": False,
                "EnableResourceNameDnsAAAARecord": False,
            },
            "BlockPublicAccessStates": {"InternetGatewayBlockMode": "off"},
            "SubnetId": sid,
            "State": "available",
            "VpcId": net.vpc_id,
            "CidrBlock": str(network),
            "AvailableIpAddressCount": network.num_addresses - 5,
            "AvailabilityZone": f"{region}{az}",
            "DefaultForAz": False,
            "MapPublicIpOnLaunch": public,
        }
        net.subnets[name] = Subnet(raw, network, public)
        subnet_list.append(raw)

    subs = net.subnets
    publics = [s for n, s in subs.items() if s.public]
    _route_table(ctx, net, "main", [], [], main=True)
    _route_table(ctx, net, "public-rt", [_route(ANYWHERE, GatewayId=net.igw_id)], publics)
    nat = "nat-" + ctx.ids.hex(17)
    privates = [subs["private-a"], subs["private-b"]]
    _route_table(ctx, net, "private-rt", [_route(ANYWHERE, NatGatewayId=nat)], privates)
    if full:
        # Local route only: instances here cannot be reached from the internet whatever their SG says.
        _route_table(ctx, net, "isolated-rt", [], [subs["isolated-a"]])
        restricted = [
            nacl_entry(100, "allow", True),
            nacl_entry(32767, "deny", True),
            nacl_entry(90, "deny", False, "6", (22, 22)),
            nacl_entry(100, "allow", False),
            nacl_entry(32767, "deny", False),
        ]
        _nacl(ctx, net, [*_default_entries()], [s for n, s in subs.items() if n != "public-c"], True)
        net.restricted_nacl = _nacl(ctx, net, restricted, [subs["public-c"]], False)
    else:
        _nacl(ctx, net, _default_entries(), list(subs.values()), True)

    igw = {
        "Attachments": [{"State": "available", "VpcId": net.vpc_id}],
        "InternetGatewayId": net.igw_id,
        "OwnerId": account.account_id,
        "Tags": tag_list({"Name": f"{account.name}-{region}-igw"}),
    }
    # The default SG is created with the VPC; only the planted one keeps AWS's default rules.
    add_sg(ctx, net, "default", "default VPC security group", [], egress_all=False)

    files = ctx.files
    files[ctx.aws_path(account, region, "ec2", "describe-vpcs")] = {"Vpcs": [vpc]}
    files[ctx.aws_path(account, region, "ec2", "describe-subnets")] = {"Subnets": subnet_list}
    files[ctx.aws_path(account, region, "ec2", "describe-internet-gateways")] = {"InternetGateways": [igw]}
    files[ctx.aws_path(account, region, "ec2", "describe-route-tables")] = {"RouteTables": net.route_tables}
    files[ctx.aws_path(account, region, "ec2", "describe-network-acls")] = {"NetworkAcls": net.nacls}
    files[ctx.aws_path(account, region, "ec2", "describe-security-groups")] = {"SecurityGroups": net.sg_list}
    return net


def finalize_subnets(net: Net) -> None:
    """Free-address counts reflect the day-1 allocations (kept static so subnets don't drift daily)."""
    for s in net.subnets.values():
        s.raw["AvailableIpAddressCount"] = s.network.num_addresses - 5 - s.used
