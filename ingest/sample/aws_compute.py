"""EC2 instances (with their ENIs and EBS volumes) and ELBv2 load balancers of one account/region.

One call to `add_instance` produces the reservation in describe-instances, the primary ENI in
describe-network-interfaces and the root volume in describe-volumes, all consistent with each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ingest.sample.aws_network import Net, Subnet
from ingest.sample.context import Ctx
from ingest.sample.ids import tag_list


@dataclass(frozen=True)
class Profile:
    arn: str
    id: str


def _dns(ip: str, region: str) -> str:
    host = "ip-" + ip.replace(".", "-")
    return f"{host}.ec2.internal" if region == "us-east-1" else f"{host}.{region}.compute.internal"


def _public_dns(ip: str, region: str) -> str:
    host = "ec2-" + ip.replace(".", "-")
    return (
        f"{host}.compute-1.amazonaws.com"
        if region == "us-east-1"
        else f"{host}.{region}.compute.amazonaws.com"
    )


def _association(public_ip: str, region: str) -> dict[str, str]:
    return {"IpOwnerId": "amazon", "PublicDnsName": _public_dns(public_ip, region), "PublicIp": public_ip}


def add_volume(
    ctx: Ctx, net: Net, az: str, instance_id: str, device: str, size: int, days_old: float, encrypted: bool
) -> dict[str, Any]:
    vol_id = ctx.ids.aws("vol")
    when = ctx.clock.aws(days_old)
    vol: dict[str, Any] = {
        "Iops": 3000,
        "Tags": [],
        "VolumeType": "gp3",
        "MultiAttachEnabled": False,
        "Throughput": 125,
        "VolumeId": vol_id,
        "Size": size,
        "SnapshotId": "snap-" + ctx.ids.hex(17) if device.endswith("xvda") else "",
        "AvailabilityZone": az,
        "State": "in-use",
        "CreateTime": when,
        "Attachments": [
            {
                "DeleteOnTermination": device.endswith("xvda"),
                "VolumeId": vol_id,
                "InstanceId": instance_id,
                "Device": device,
                "State": "attached",
                "AttachTime": when,
            }
        ],
        "Encrypted": encrypted,
    }
    if encrypted:
        vol["KmsKeyId"] = net.account.arn(
            "kms", net.region, "key/" + ctx.refs[f"{net.account.account_id}:ebs-key"]
        )
    net.volumes.append(vol)
    return vol


def add_instance(
    ctx: Ctx,
    net: Net,
    name: str,
    subnet: Subnet,
    sg_names: list[str],
    *,
    public: bool = False,
    profile: Profile | None = None,
    itype: str = "m6i.large",
    days_old: float = 120.0,
    extra_tags: dict[str, str] | None = None,
    root_encrypted: bool = True,
) -> dict[str, Any]:
    """A running instance, its primary ENI and root volume. Returns the instance object."""
    ids, region = ctx.ids, net.region
    iid = ids.aws("i")
    eni_id = ids.aws("eni")
    ip = subnet.next_ip()
    launched = ctx.clock.aws(days_old)
    groups = [{"GroupId": net.sgs[n]["GroupId"], "GroupName": n} for n in sg_names]
    pub_ip = ids.public_ip() if public else None
    vol = add_volume(ctx, net, subnet.az, iid, "/dev/xvda", 30, days_old, root_encrypted)
    attachment = {
        "AttachTime": launched,
        "AttachmentId": ids.aws("eni-attach"),
        "DeleteOnTermination": True,
        "DeviceIndex": 0,
        "Status": "attached",
        "NetworkCardIndex": 0,
    }
    private_ip_entry: dict[str, Any] = {
        "Primary": True,
        "PrivateDnsName": _dns(ip, region),
        "PrivateIpAddress": ip,
    }
    if pub_ip:
        private_ip_entry = {"Association": _association(pub_ip, region), **private_ip_entry}
    instance_eni: dict[str, Any] = {}
    if pub_ip:
        instance_eni["Association"] = _association(pub_ip, region)
    mac = ids.mac()
    instance_eni.update(
        {
            "Attachment": attachment,
            "Description": "",
            "Groups": groups,
            "Ipv6Addresses": [],
            "MacAddress": mac,
            "NetworkInterfaceId": eni_id,
            "OwnerId": net.account.account_id,
            "PrivateDnsName": _dns(ip, region),
            "PrivateIpAddress": ip,
            "PrivateIpAddresses": [private_ip_entry],
            "SourceDestCheck": True,
            "Status": "in-use",
            "SubnetId": subnet.id,
            "VpcId": net.vpc_id,
            "InterfaceType": "interface",
        }
    )
    inst: dict[str, Any] = {
        "AmiLaunchIndex": 0,
        "ImageId": net.amis[len(net.reservations) % len(net.amis)],
        "InstanceId": iid,
        "InstanceType": itype,
        "LaunchTime": launched,
        "Monitoring": {"State": "disabled"},
        "Placement": {"AvailabilityZone": subnet.az, "GroupName": "", "Tenancy": "default"},
        "PrivateDnsName": _dns(ip, region),
        "PrivateIpAddress": ip,
        "ProductCodes": [],
        "PublicDnsName": _public_dns(pub_ip, region) if pub_ip else "",
    }
    if pub_ip:
        inst["PublicIpAddress"] = pub_ip
    inst.update(
        {
            "State": {"Code": 16, "Name": "running"},
            "StateTransitionReason": "",
            "SubnetId": subnet.id,
            "VpcId": net.vpc_id,
            "Architecture": "x86_64",
            "BlockDeviceMappings": [
                {
                    "DeviceName": "/dev/xvda",
                    "Ebs": {
                        "AttachTime": launched,
                        "DeleteOnTermination": True,
                        "Status": "attached",
                        "VolumeId": vol["VolumeId"],
                    },
                }
            ],
            "ClientToken": ids.uid(),
            "EbsOptimized": True,
            "EnaSupport": True,
            "Hypervisor": "xen",
        }
    )
    if profile:
        inst["IamInstanceProfile"] = {"Arn": profile.arn, "Id": profile.id}
    inst.update(
        {
            "NetworkInterfaces": [instance_eni],
            "RootDeviceName": "/dev/xvda",
            "RootDeviceType": "ebs",
            "SecurityGroups": [{"GroupName": g["GroupName"], "GroupId": g["GroupId"]} for g in groups],
            "SourceDestCheck": True,
            "Tags": tag_list({"Name": name, **(extra_tags or {})}),
            "VirtualizationType": "hvm",
            "CpuOptions": {"CoreCount": 1, "ThreadsPerCore": 2},
            "CapacityReservationSpecification": {"CapacityReservationPreference": "open"},
            "HibernationOptions": {"Configured": False},
            "MetadataOptions": {
                "State": "applied",
                "HttpTokens": "required",
                "HttpPutResponseHopLimit": 2,
                "HttpEndpoint": "enabled",
                "HttpProtocolIpv6": "disabled",
                "InstanceMetadataTags": "disabled",
            },
            "EnclaveOptions": {"Enabled": False},
            "BootMode": "uefi-preferred",
            "PlatformDetails": "Linux/UNIX",
            "UsageOperation": "RunInstances",
            "UsageOperationUpdateTime": launched,
            "PrivateDnsNameOptions": {
                "HostnameType": "ip-name",
                "EnableResourceNameDnsARecord": False,
                "EnableResourceNameDnsAAAARecord": False,
            },
            "MaintenanceOptions": {"AutoRecovery": "default"},
            "CurrentInstanceBootMode": "uefi",
        }
    )
    net.reservations.append(
        {"ReservationId": ids.aws("r"), "OwnerId": net.account.account_id, "Groups": [], "Instances": [inst]}
    )
    # describe-network-interfaces repeats the ENI with the owning instance spelled out.
    eni = {k: v for k, v in instance_eni.items() if k not in ("Attachment",)}
    eni["Attachment"] = {**attachment, "InstanceId": iid, "InstanceOwnerId": net.account.account_id}
    eni.update({"AvailabilityZone": subnet.az, "RequesterManaged": False, "TagSet": []})
    net.enis.append(eni)
    return inst


def add_service_eni(
    ctx: Ctx, net: Net, subnet: Subnet, sg_ids: list[str], description: str, requester: str, public: bool
) -> dict[str, Any]:
    """ENI owned by a managed service (ELB, RDS): RequesterManaged, no instance attachment."""
    ip = subnet.next_ip()
    eni: dict[str, Any] = {}
    pub_ip = ctx.ids.public_ip() if public else None
    if pub_ip:
        eni["Association"] = _association(pub_ip, net.region)
    eni.update(
        {
            "Attachment": {
                "AttachTime": ctx.clock.aws(200),
                "AttachmentId": ctx.ids.aws("eni-attach"),
                "DeleteOnTermination": False,
                "DeviceIndex": 1,
                "NetworkCardIndex": 0,
                "InstanceOwnerId": requester,
                "Status": "attached",
            },
            "AvailabilityZone": subnet.az,
            "Description": description,
            "Groups": [{"GroupId": g, "GroupName": _sg_name(net, g)} for g in sg_ids],
            "InterfaceType": "interface",
            "Ipv6Addresses": [],
            "MacAddress": ctx.ids.mac(),
            "NetworkInterfaceId": ctx.ids.aws("eni"),
            "OwnerId": net.account.account_id,
            "PrivateDnsName": _dns(ip, net.region),
            "PrivateIpAddress": ip,
            "PrivateIpAddresses": [
                {
                    **({"Association": _association(pub_ip, net.region)} if pub_ip else {}),
                    "Primary": True,
                    "PrivateDnsName": _dns(ip, net.region),
                    "PrivateIpAddress": ip,
                }
            ],
            "RequesterId": requester,
            "RequesterManaged": True,
            "SourceDestCheck": True,
            "Status": "in-use",
            "SubnetId": subnet.id,
            "TagSet": [],
            "VpcId": net.vpc_id,
        }
    )
    net.enis.append(eni)
    return eni


def _sg_name(net: Net, group_id: str) -> str:
    return next(sg["GroupName"] for sg in net.sg_list if sg["GroupId"] == group_id)


def write_compute(ctx: Ctx, net: Net) -> None:
    acct, region = net.account, net.region
    ctx.files[ctx.aws_path(acct, region, "ec2", "describe-instances")] = {"Reservations": net.reservations}
    ctx.files[ctx.aws_path(acct, region, "ec2", "describe-network-interfaces")] = {
        "NetworkInterfaces": net.enis
    }
    ctx.files[ctx.aws_path(acct, region, "ec2", "describe-volumes")] = {"Volumes": net.volumes}
