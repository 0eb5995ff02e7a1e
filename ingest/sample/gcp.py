"""GCP part of `invgraph sample`: one organization with a folder and N projects, as Cloud Asset Inventory
files (`gcp/<org>/cloudasset/{resource,iam-policy}.json`, the `gcloud asset list --format=json` shapes of
tests/data/snapshots/handwritten-gcp).

    gcp_days(projects, days, seed) -> (one {path: body} map per day, planted facts)

Planted: project 0's bastion is open on tcp:22 from 0.0.0.0/0 and runs as a service account that can read
that project's crown-jewel bucket; project 0 has a public bucket (allUsers) and a user-managed key; a disabled
allow rule and a deny rule are decoys. Day 2 onward: user:eve@example.com is owner on the folder (inherited
by every project below it). Same arguments -> same output.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

from ingest.sample.gcp_usage import usage_files

Files = dict[str, Any]
_T = "2026-11-01T06:00:00Z"


_DISCOVERY = {
    "cloudresourcemanager": "https://cloudresourcemanager.googleapis.com/$discovery/rest",
    "compute": "https://www.googleapis.com/discovery/v1/apis/compute/v1/rest",
    "iam": "https://iam.googleapis.com/$discovery/rest",
    "storage": "https://www.googleapis.com/discovery/v1/apis/storage/v1/rest",
}
_CREATED = "2024-02-01T12:00:00.000-08:00"  # compute's creationTimestamp format (RFC 3339 with offset)


def _numeric_id(name: str) -> str:
    """The 19-digit resource id the APIs return, derived from the name (no random draw: adding fields must
    not shift any other generated value)."""
    return str(int(hashlib.sha256(name.encode()).hexdigest()[:15], 16) + 10**18)


def _complete(asset_type: str, name: str, data: dict[str, Any]) -> str:
    """Fill in the fields the real API always returns for this type (as in the hand-written snapshot);
    returns the asset's ``location``."""
    kind = asset_type.split("/")[1]
    if asset_type.startswith("compute."):
        data.setdefault("id", _numeric_id(name))
        data.setdefault("creationTimestamp", _CREATED)
        if "selfLink" not in data:
            data["selfLink"] = (
                "https://www.googleapis.com/compute/v1/" + name.split("compute.googleapis.com/")[1]
            )
        if kind == "Network":
            data.setdefault("routingConfig", {"routingMode": "REGIONAL"})
        elif kind == "Subnetwork":
            data.setdefault("privateIpGoogleAccess", False)
            data.setdefault("purpose", "PRIVATE")
            data.setdefault("stackType", "IPV4_ONLY")
            data.setdefault("gatewayAddress", data["ipCidrRange"].rsplit(".", 2)[0] + ".0.1")
        elif kind == "Firewall":
            data.setdefault("logConfig", {"enable": False})
        elif kind == "Instance":
            zone = data["zone"].rsplit("/", 1)[-1]
            data.setdefault("canIpForward", False)
            data.setdefault("cpuPlatform", "Intel Cascade Lake")
            data.setdefault("deletionProtection", False)
            data.setdefault("labelFingerprint", "42WmSpB8rSM=")
            data.setdefault("machineType", data["zone"] + "/machineTypes/e2-small")
            data["tags"].setdefault("fingerprint", "6smc4R4d39I=")
            for nic in data.get("networkInterfaces", []):
                nic.setdefault("fingerprint", "q1w2e3r4t5Y=")
                nic.setdefault("kind", "compute#networkInterface")
                nic.setdefault("stackType", "IPV4_ONLY")
                for config in nic.get("accessConfigs", []):
                    config.setdefault("kind", "compute#accessConfig")
            return zone
        return "global" if "/global/" in name else name.split("/regions/")[1].split("/")[0]
    if kind == "Bucket":
        bucket = data["name"]
        iam = data.setdefault("iamConfiguration", {})
        if "uniformBucketLevelAccess" in iam:  # the API mirrors it under its legacy name
            iam.setdefault("bucketPolicyOnly", dict(iam["uniformBucketLevelAccess"]))
        data.setdefault("etag", "CAE=")
        data.setdefault("id", bucket)
        data.setdefault("kind", "storage#bucket")
        data.setdefault("location", "US")
        data.setdefault("locationType", "multi-region")
        data.setdefault("metageneration", "1")
        data.setdefault("selfLink", f"https://www.googleapis.com/storage/v1/b/{bucket}")
        data.setdefault("storageClass", "STANDARD")
        data.setdefault("timeCreated", "2024-02-01T20:00:00.000Z")
        data.setdefault("updated", "2024-02-01T20:00:00.000Z")
        data.setdefault("versioning", {"enabled": False})
        return "us"
    if kind == "ServiceAccount":
        data.setdefault("displayName", data["email"].split("@")[0])
        data.setdefault("etag", "MDEwMjE5MjA=")
        data.setdefault("oauth2ClientId", data["uniqueId"])
    elif kind == "ServiceAccountKey":
        data.setdefault("keyAlgorithm", "KEY_ALG_RSA_2048")
        data.setdefault("keyOrigin", "GOOGLE_PROVIDED")
        data.setdefault("validBeforeTime", "9999-12-31T23:59:59Z")
    elif kind in ("Project", "Folder", "Organization"):
        data.setdefault(
            "createTime" if kind != "Organization" else "creationTime", "2019-03-04T10:11:12.000Z"
        )
        if kind == "Organization":
            data.setdefault("owner", {"directoryCustomerId": "C0s4mpl3"})
        return ""  # resource-manager assets carry no location
    return "global"


def _asset(
    name: str, asset_type: str, ancestors: list[str], data: dict[str, Any], parent: str
) -> dict[str, Any]:
    location = _complete(asset_type, name, data)
    resource = {
        "data": data,
        "discoveryDocumentUri": _DISCOVERY[asset_type.split(".", 1)[0]],
        "discoveryName": asset_type.split("/")[1],
        "location": location,
        "parent": parent,
        "version": "v1",
    }
    if not location:
        del resource["location"]
    if not parent:  # the organization has no parent
        del resource["parent"]
    return {
        "ancestors": ancestors,
        "assetType": asset_type,
        "name": name,
        "resource": resource,
        "updateTime": _T,
    }


def _policy(
    name: str, asset_type: str, ancestors: list[str], bindings: list[tuple[str, list[str]]]
) -> dict[str, Any]:
    policy = {
        "bindings": [{"members": m, "role": r} for r, m in bindings],
        "etag": "BwYk3xE1p2M=",
        "version": 1,
    }
    return {
        "ancestors": ancestors,
        "assetType": asset_type,
        "iamPolicy": policy,
        "name": name,
        "updateTime": _T,
    }


def _project(
    rng: random.Random, i: int, org: str, folder: str
) -> tuple[list[Any], list[Any], dict[str, Any]]:
    pid, num = f"sample-prj-{i:02d}", str(rng.randrange(10**11, 10**12))
    anc = [f"projects/{num}", f"folders/{folder}", f"organizations/{org}"]
    crm = f"//cloudresourcemanager.googleapis.com/projects/{num}"
    url = f"https://www.googleapis.com/compute/v1/projects/{pid}"
    net, sub = f"{url}/global/networks/vpc", f"{url}/regions/us-central1/subnetworks/main"
    sa, uid = f"app@{pid}.iam.gserviceaccount.com", str(rng.randrange(10**20, 10**21))
    cpt = "//compute.googleapis.com/projects/" + pid
    open_cidr = "0.0.0.0/0" if i == 0 else "203.0.113.0/24"
    nic: dict[str, Any] = {"name": "nic0", "network": net, "networkIP": f"10.{i}.0.5", "subnetwork": sub}
    if i == 0:
        nic["accessConfigs"] = [
            {
                "name": "External NAT",
                "natIP": f"34.{rng.randrange(256)}.{rng.randrange(256)}.7",
                "networkTier": "PREMIUM",
                "type": "ONE_TO_ONE_NAT",
            }
        ]
    res = [
        _asset(
            crm,
            "cloudresourcemanager.googleapis.com/Project",
            anc,
            {
                "lifecycleState": "ACTIVE",
                "name": pid,
                "parent": {"id": folder, "type": "folder"},
                "projectId": pid,
                "projectNumber": num,
            },
            f"//cloudresourcemanager.googleapis.com/folders/{folder}",
        ),
        _asset(
            f"{cpt}/global/networks/vpc",
            "compute.googleapis.com/Network",
            anc,
            {"autoCreateSubnetworks": False, "name": "vpc", "selfLink": net, "subnetworks": [sub]},
            crm,
        ),
        _asset(
            f"{cpt}/regions/us-central1/subnetworks/main",
            "compute.googleapis.com/Subnetwork",
            anc,
            {
                "ipCidrRange": f"10.{i}.0.0/20",
                "name": "main",
                "network": net,
                "region": f"{url}/regions/us-central1",
                "selfLink": sub,
            },
            crm,
        ),
        _asset(
            f"{cpt}/global/firewalls/allow-ssh",
            "compute.googleapis.com/Firewall",
            anc,
            {
                "allowed": [{"IPProtocol": "tcp", "ports": ["22"]}],
                "description": "SSH to bastion hosts",
                "direction": "INGRESS",
                "disabled": False,
                "name": "allow-ssh",
                "network": net,
                "priority": 1000,
                "sourceRanges": [open_cidr],
                "targetTags": ["ssh"],
            },
            crm,
        ),
        _asset(
            f"{cpt}/global/firewalls/allow-rdp-off",
            "compute.googleapis.com/Firewall",
            anc,
            {
                "allowed": [{"IPProtocol": "tcp", "ports": ["3389"]}],
                "direction": "INGRESS",
                "disabled": True,
                "name": "allow-rdp-off",
                "network": net,
                "priority": 1000,
                "sourceRanges": ["0.0.0.0/0"],
                "targetTags": ["ssh"],
            },
            crm,
        ),
        _asset(
            f"{cpt}/global/firewalls/deny-telnet",
            "compute.googleapis.com/Firewall",
            anc,
            {
                "denied": [{"IPProtocol": "tcp", "ports": ["23"]}],
                "direction": "INGRESS",
                "disabled": False,
                "name": "deny-telnet",
                "network": net,
                "priority": 900,
                "sourceRanges": ["0.0.0.0/0"],
            },
            crm,
        ),
        _asset(
            f"{cpt}/zones/us-central1-a/instances/bastion",
            "compute.googleapis.com/Instance",
            anc,
            {
                "labels": {"env": "prod", "role": "bastion"},
                "name": "bastion",
                "networkInterfaces": [nic],
                "status": "RUNNING",
                "tags": {"items": ["ssh"]},
                "serviceAccounts": [
                    {"email": sa, "scopes": ["https://www.googleapis.com/auth/cloud-platform"]}
                ],
                "zone": f"{url}/zones/us-central1-a",
            },
            crm,
        ),
        _asset(
            f"//iam.googleapis.com/projects/{pid}/serviceAccounts/{uid}",
            "iam.googleapis.com/ServiceAccount",
            anc,
            {"email": sa, "name": f"projects/{pid}/serviceAccounts/{sa}", "projectId": pid, "uniqueId": uid},
            crm,
        ),
    ]
    key = ""
    if i == 0:
        key = f"projects/{pid}/serviceAccounts/{sa}/keys/{rng.randrange(16**40):040x}"
        res.append(
            _asset(
                f"//iam.googleapis.com/projects/{pid}/serviceAccounts/{uid}/keys/{key.rsplit('/', 1)[-1]}",
                "iam.googleapis.com/ServiceAccountKey",
                anc,
                {
                    "keyType": "USER_MANAGED",
                    "name": key,
                    "validAfterTime": "2025-01-02T03:04:05Z",
                },
                f"//iam.googleapis.com/projects/{pid}/serviceAccounts/{uid}",  # a key's parent is its account
            )
        )
    pols = [
        _policy(
            crm,
            "cloudresourcemanager.googleapis.com/Project",
            anc,
            [("roles/owner", ["user:alice@example.com"])],
        )
    ]
    for bucket, members in (
        (f"{pid}-jewels", [f"serviceAccount:{sa}"]),
        (f"{pid}-site", ["allUsers"] if i == 0 else []),
    ):
        res.append(
            _asset(
                f"//storage.googleapis.com/{bucket}",
                "storage.googleapis.com/Bucket",
                anc,
                {
                    "iamConfiguration": {
                        "publicAccessPrevention": "inherited",
                        "uniformBucketLevelAccess": {"enabled": True},
                    },
                    "labels": {"data-class": "restricted" if bucket.endswith("-jewels") else "public"},
                    "name": bucket,
                    "projectNumber": num,
                },
                crm,
            )
        )
        if members:
            pols.append(
                _policy(
                    f"//storage.googleapis.com/{bucket}",
                    "storage.googleapis.com/Bucket",
                    anc,
                    [("roles/storage.objectViewer", members)],
                )
            )
    return res, pols, {"project": pid, "number": num, "service_account": sa, "uid": uid, "key": key}


SRE_MEMBERSHIPS = [
    {
        "name": f"groups/01sre4x7q2m9k1c/memberships/{n}",
        "preferredMemberKey": {"id": email},
        "roles": [{"name": "MEMBER"}],
        "type": "USER",
    }
    for n, email in (
        ("115203998760041122339", "dana@example.com"),
        ("104778215566210987431", "li@example.com"),
    )
]


def org_policies(org_name: str, org: str) -> list[dict[str, Any]]:
    """``gcloud asset list --content-type=org-policy``: the organization sets domain-restricted sharing and
    uniform bucket-level access; public access prevention, key creation, SQL networks, external IPs and the
    default network are left unset (the planted guardrail gaps)."""

    def policy(constraint: str, body: dict[str, Any], etag: str) -> dict[str, Any]:
        return {
            "constraint": f"constraints/{constraint}",
            **body,
            "etag": etag,
            "updateTime": "2026-06-02T09:14:07.318Z",
        }

    return [
        {
            "name": org_name,
            "assetType": "cloudresourcemanager.googleapis.com/Organization",
            "orgPolicy": [
                policy(
                    "iam.allowedPolicyMemberDomains",
                    {"listPolicy": {"allowedValues": ["C0sampl3x"]}},
                    "BwYa1Dq0Wm8=",
                ),
                policy(
                    "storage.uniformBucketLevelAccess", {"booleanPolicy": {"enforced": True}}, "BwYa1Dq1c2E="
                ),
            ],
            "ancestors": [f"organizations/{org}"],
            "updateTime": "2026-06-02T09:14:07.318Z",
        }
    ]


def gcp_days(projects: int, days: int, seed: int) -> tuple[list[Files], dict[str, Any]]:
    """One file map per day (paths relative to the day folder) and the planted facts."""
    rng = random.Random(f"gcp-{seed}")
    org, folder = str(rng.randrange(10**11, 10**12)), str(rng.randrange(10**11, 10**12))
    org_name, folder_name = f"//cloudresourcemanager.googleapis.com/organizations/{org}", f"folders/{folder}"
    res = [
        _asset(
            org_name,
            "cloudresourcemanager.googleapis.com/Organization",
            [f"organizations/{org}"],
            {"displayName": "sample.example", "lifecycleState": "ACTIVE", "name": f"organizations/{org}"},
            "",
        ),
        _asset(
            f"//cloudresourcemanager.googleapis.com/{folder_name}",
            "cloudresourcemanager.googleapis.com/Folder",
            [folder_name, f"organizations/{org}"],
            {
                "displayName": "prod",
                "lifecycleState": "ACTIVE",
                "name": folder_name,
                "parent": f"organizations/{org}",
            },
            org_name,
        ),
    ]
    pols: list[Any] = []
    made = [_project(rng, i, org, folder) for i in range(projects)]
    for r, p, _ in made:
        res, pols = res + r, pols + p
    base = f"gcp/{org}/cloudasset"
    out = []
    for day in range(1, days + 1):
        folder_bindings = [("roles/viewer", ["group:sre@example.com"])] + (
            [("roles/owner", ["user:eve@example.com"])] if day >= 2 else []
        )
        day_pols = [
            _policy(
                f"//cloudresourcemanager.googleapis.com/{folder_name}",
                "cloudresourcemanager.googleapis.com/Folder",
                [folder_name, f"organizations/{org}"],
                folder_bindings,
            ),
            *pols,
        ]
        out.append(
            {
                f"{base}/resource.json": res,
                f"{base}/iam-policy.json": day_pols,
                f"{base}/org-policy.json": org_policies(org_name, org),
                # gcloud iam policies list --kind=denypolicies: the organization has none (collected, empty).
                f"gcp/{org}/iam/denypolicies.json": [],
                # gcloud identity groups memberships list --group-email=sre@example.com
                f"gcp/{org}/cloudidentity/memberships/sre@example.com.json": SRE_MEMBERSHIPS,
                **usage_files(org, made[0][2] if made else {}),
            }
        )
    first = made[0][2] if made else {}
    planted = {
        "organization": org,
        "folder": folder_name,
        "projects": [m[2]["project"] for m in made],
        "open_ssh_instance": first.get("project")
        and f"projects/{first['project']}/zones/us-central1-a/instances/bastion",
        "public_bucket": first.get("project") and f"{first['project']}-site",
        "inherited_owner": {"member": "user:eve@example.com", "on": folder_name, "from_day": 2},
        "project_numbers": {m[2]["project"]: m[2]["number"] for m in made},
        "service_account": first.get("service_account"),  # project 0's app SA (bastion runs as it)
        "service_account_id": first.get("uid"),
        "service_account_key": first.get("key"),
        "crown_jewels_bucket": first.get("project") and f"{first['project']}-jewels",
    }
    return out, planted
