"""Azure part of `invgraph sample`: one tenant (root → `mg-contoso` → `mg-prod`) with N subscriptions, as
`az … --output json` files (`azure/<tenant>/<subscription|tenant>/<group>/<command>.json`, the shapes of
tests/data/snapshots/handwritten-azure).

    azure_days(subscriptions, days, seed) -> (one {path: body} map per day, facts)

Planted in subscription 0 (`prod`): a storage account with anonymous blob access, HTTP and TLS 1.0; an NSG
open to SSH from the internet on the web subnet; VM `web-1` with a public IP and a user-assigned identity
that holds Key Vault Secrets User on the vault; the vault without purge protection and open to all networks;
an SQL server open to 0.0.0.0–255.255.255.255; a public AKS API with local accounts; a custom role with
actions `*`; a guest with User Access Administrator. Decoys: an NSG whose SSH allow is shadowed by a deny at
a higher priority, a locked-down storage account. Every other subscription is a clean baseline. Each also has
a public load balancer and a route table (azure_network.py). Day 2 onward: user carol@contoso.com is Owner
on `mg-contoso` (inherited by every subscription below it).
Same arguments -> same output.
"""

from __future__ import annotations

from typing import Any

from ingest.sample.azure_network import network_files
from ingest.sample.azure_shapes import (
    KV_SECRETS,
    MG,
    OWNER,
    READER,
    UAA,
    Files,
    arm,
    assignment,
    definitions,
    guid,
    nic,
    nsg,
    res,
    storage,
    vm,
)


def _subscription(seed: int, i: int, sub: str, tenant: str) -> tuple[Files, dict[str, Any]]:
    """One subscription's files (day 1) and the planted facts (subscription 0 holds the plants)."""
    rg, prefix, planted = f"rg-app{i}", f"azure/{tenant}/{sub}", i == 0
    net = f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network"
    snet = f"{net}/virtualNetworks/vnet-app{i}/subnets/snet-web"
    nsg_web = f"{net}/networkSecurityGroups/nsg-web"
    web_rules = [("allow-ssh-internet", 100, "Allow", "Internet", "22")] if planted else []
    jump_rules = [
        ("deny-ssh-internet", 100, "Deny", "Internet", "22"),
        ("allow-ssh", 200, "Allow", "*", "22"),
    ]
    vm_web = arm(sub, rg.upper(), "Microsoft.Compute", "virtualMachines", "web-1")
    nic_web = f"{net}/networkInterfaces/web-1-nic"
    pip_web = f"{net}/publicIPAddresses/pip-web-1"
    identity = arm(sub, rg, "Microsoft.ManagedIdentity", "userAssignedIdentities", "id-web")
    principal = guid(seed, f"{sub}:id-web")
    kv = arm(sub, rg, "Microsoft.KeyVault", "vaults", f"kv-app{i}-{sub[:4]}")
    sql = arm(sub, rg, "Microsoft.Sql", "servers", f"sql-app{i}-{sub[:4]}")
    aks = arm(sub, rg, "Microsoft.ContainerService", "managedClusters", f"aks-app{i}")
    store = f"st{sub[:8]}pub" if planted else f"st{sub[:8]}data"
    public_ip = f"20.61.{i % 250}.5"
    files: Files = {
        f"{prefix}/group/list.json": [
            {
                "id": f"/subscriptions/{sub}/resourceGroups/{rg}",
                "location": "westeurope",
                "managedBy": None,
                "name": rg,
                "properties": {"provisioningState": "Succeeded"},
                "tags": None,
                "type": "Microsoft.Resources/resourceGroups",
            }
        ],
        f"{prefix}/identity/list.json": [
            res(
                identity,
                "id-web",
                rg,
                "Microsoft.ManagedIdentity/userAssignedIdentities",
                principalId=principal,
                clientId=guid(seed, f"{sub}:client"),
                tenantId=tenant,
            )
        ],
        f"{prefix}/network/nsg-list.json": [
            nsg(sub, rg, "nsg-web", web_rules),
            nsg(sub, rg, "nsg-jump", jump_rules),
        ],
        f"{prefix}/network/vnet-list.json": [
            res(
                f"{net}/virtualNetworks/vnet-app{i}",
                f"vnet-app{i}",
                rg,
                "Microsoft.Network/virtualNetworks",
                addressSpace={"addressPrefixes": ["10.20.0.0/16"]},
                subnets=[
                    res(
                        snet,
                        "snet-web",
                        rg,
                        "Microsoft.Network/virtualNetworks/subnets",
                        addressPrefix="10.20.1.0/24",
                        networkSecurityGroup={"id": nsg_web, "resourceGroup": rg},
                    )
                ],
            )
        ],
        f"{prefix}/network/public-ip-list.json": [
            res(
                pip_web,
                "pip-web-1",
                rg,
                "Microsoft.Network/publicIPAddresses",
                ipAddress=public_ip,
                publicIPAllocationMethod="Static",
                ipConfiguration={"id": f"{nic_web}/ipConfigurations/ipconfig1"},
                sku={"name": "Standard"},
            )
        ]
        if planted
        else [],
        f"{prefix}/vm/list.json": [
            vm(
                sub,
                rg,
                "web-1",
                nic_web,
                public_ip if planted else "",
                "10.20.1.4",
                {
                    "principalId": None,
                    "type": "UserAssigned",
                    "userAssignedIdentities": {identity: {"principalId": principal}},
                },
            )
        ],
        f"{prefix}/network/nic-list.json": [
            nic(sub, rg, "web-1-nic", vm_web, snet, "10.20.1.4", pip_web if planted else None, None)
        ],
        f"{prefix}/storage/account-list.json": [
            storage(
                sub,
                rg,
                store,
                planted,
                not planted,
                "TLS1_0" if planted else "TLS1_2",
                "Allow" if planted else "Deny",
            )
        ],
        f"{prefix}/keyvault/list.json": [
            res(
                kv,
                kv.rsplit("/", 1)[-1],
                rg,
                "Microsoft.KeyVault/vaults",
                properties={
                    "enablePurgeProtection": None if planted else True,
                    "enableRbacAuthorization": True,
                    "enableSoftDelete": True,
                    "networkAcls": None
                    if planted
                    else {"defaultAction": "Deny", "ipRules": [], "virtualNetworkRules": []},
                    "publicNetworkAccess": "Enabled",
                    "softDeleteRetentionInDays": 90,
                    "tenantId": tenant,
                    "vaultUri": f"https://{kv.rsplit('/', 1)[-1]}.vault.azure.net/",
                },
            )
        ],
        f"{prefix}/role/definition-list.json": definitions(
            sub, guid(seed, "custom-admin") if planted else None
        ),
    }
    lb_files, lb_ip = network_files(prefix, net, rg, i, f"{nic_web}/ipConfigurations/ipconfig1", snet)
    files.update(lb_files)
    files[f"{prefix}/network/public-ip-list.json"].append(lb_ip)
    if planted:
        files[f"{prefix}/sql/server-list.json"] = [
            res(
                sql,
                sql.rsplit("/", 1)[-1],
                rg,
                "Microsoft.Sql/servers",
                administratorLogin="sqladmin",
                kind="v12.0",
                fullyQualifiedDomainName=f"{sql.rsplit('/', 1)[-1]}.database.windows.net",
                minimalTlsVersion="1.2",
                publicNetworkAccess="Enabled",
                state="Ready",
                version="12.0",
            )
        ]
        files[f"{prefix}/sql/server-firewall-rule-list/{sql.rsplit('/', 1)[-1]}.json"] = [
            res(
                f"{sql}/firewallRules/AllowAll",
                "AllowAll",
                rg,
                "Microsoft.Sql/servers/firewallRules",
                startIpAddress="0.0.0.0",
                endIpAddress="255.255.255.255",
            )
            | {"location": None}
        ]
        files[f"{prefix}/aks/list.json"] = [
            res(
                aks,
                f"aks-app{i}",
                rg,
                "Microsoft.ContainerService/ManagedClusters",
                apiServerAccessProfile=None,
                disableLocalAccounts=False,
                enableRbac=True,
                fqdn=f"aks-app{i}.hcp.westeurope.azmk8s.io",
                identity={"principalId": guid(seed, f"{sub}:aks"), "type": "SystemAssigned"},
                currentKubernetesVersion="1.29.4",
                oidcIssuerProfile={"enabled": True},
                securityProfile={"workloadIdentity": {"enabled": True}},
            )
        ]
    facts = {
        "subscription": sub,
        "rg": rg,
        "kv": kv,
        "sql": sql,
        "aks": aks,
        "storage": store,
        "vm": vm_web,
        "nsg": nsg_web,
        "principal": principal,
        "custom": guid(seed, "custom-admin"),
    }
    return files, facts


def azure_days(subscriptions: int, days: int, seed: int) -> tuple[list[Files], dict[str, Any]]:
    tenant = guid(seed, "tenant")
    subs = [guid(seed, f"subscription-{i}") for i in range(subscriptions)]
    alice, bob, carol = (guid(seed, u) for u in ("alice", "bob", "carol"))
    base: Files = {}
    per_sub: list[dict[str, Any]] = []
    for i, sub in enumerate(subs):
        files, facts = _subscription(seed, i, sub, tenant)
        base.update(files)
        per_sub.append(facts)
    children = [
        {
            "children": None,
            "displayName": f"app{i}",
            "id": f"/subscriptions/{s}",
            "name": s,
            "type": "Microsoft.Management/managementGroups/subscriptions",
        }
        for i, s in enumerate(subs)
    ]
    tree = {
        "children": [
            {
                "children": [
                    {
                        "children": children[:1],
                        "displayName": "Production",
                        "id": MG + "mg-prod",
                        "name": "mg-prod",
                        "type": "Microsoft.Management/managementGroups",
                    },
                    *children[1:],
                ],
                "displayName": "Contoso",
                "id": MG + "mg-contoso",
                "name": "mg-contoso",
                "type": "Microsoft.Management/managementGroups",
            }
        ],
        "displayName": "Tenant Root Group",
        "id": MG + tenant,
        "name": tenant,
        "tenantId": tenant,
        "type": "Microsoft.Management/managementGroups",
    }
    t = f"azure/{tenant}/tenant"
    base[f"{t}/account/list.json"] = [
        {
            "cloudName": "AzureCloud",
            "homeTenantId": tenant,
            "id": s,
            "isDefault": i == 0,
            "name": f"app{i}",
            "state": "Enabled",
            "tenantId": tenant,
        }
        for i, s in enumerate(subs)
    ]
    base[f"{t}/account/management-group-show.json"] = tree
    base[f"{t}/ad/user-list.json"] = [
        {
            "displayName": "Alice Admin",
            "id": alice,
            "mail": "alice@contoso.com",
            "userPrincipalName": "alice@contoso.com",
        },
        {
            "displayName": "Bob Vendor",
            "id": bob,
            "mail": "bob@fabrikam.example",
            "userPrincipalName": "bob_fabrikam.example#EXT#@contoso.onmicrosoft.com",
        },
        {
            "displayName": "Carol Ops",
            "id": carol,
            "mail": "carol@contoso.com",
            "userPrincipalName": "carol@contoso.com",
        },
    ]
    out = []
    for day in range(1, days + 1):
        files = dict(base)
        for i, (sub, f) in enumerate(zip(subs, per_sub, strict=True)):
            ras = [assignment(seed, MG + "mg-contoso", alice, "User", READER, "Reader", sub)]
            if i == 0:
                ras += [
                    assignment(
                        seed, f"/subscriptions/{sub}", bob, "User", UAA, "User Access Administrator", sub
                    ),
                    assignment(
                        seed,
                        f["kv"],
                        f["principal"],
                        "ServicePrincipal",
                        KV_SECRETS,
                        "Key Vault Secrets User",
                        sub,
                    ),
                    assignment(
                        seed,
                        f"/subscriptions/{sub}",
                        guid(seed, "ci"),
                        "ServicePrincipal",
                        f["custom"],
                        "Ops Break Glass",
                        sub,
                    ),
                ]
            if day >= 2:  # creep: carol becomes Owner on mg-contoso, inherited by every subscription
                ras.append(assignment(seed, MG + "mg-contoso", carol, "User", OWNER, "Owner", sub))
            files[f"azure/{tenant}/{sub}/role/assignment-list.json"] = ras
        out.append(files)
    return out, {
        "tenant": tenant,
        "subscriptions": subs,
        "plants": per_sub[0] if per_sub else {},
        "users": {"alice": alice, "bob": bob, "carol": carol},
    }
