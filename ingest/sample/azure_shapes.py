"""`az … --output json` shapes for the Azure sample (ingest/sample/azure.py): ARM resources, NSGs with their
default rules, storage accounts, VMs, NICs, role assignments and definitions, as az prints them."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

Files = dict[str, Any]
OWNER, CONTRIB, READER = (
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "acdd72a7-3385-48ef-bd42-f606fba81ae7",
)
UAA, KV_SECRETS = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "4633458b-17de-408a-b874-0445c86b69e6"
MG = "/providers/Microsoft.Management/managementGroups/"


def guid(seed: int, name: str) -> str:
    """A GUID derived from the name (no random draw: adding resources shifts nothing else)."""
    return str(uuid.UUID(hashlib.sha256(f"{seed}:{name}".encode()).hexdigest()[:32], version=4))


def arm(sub: str, rg: str, provider: str, kind: str, name: str) -> str:
    return f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{provider}/{kind}/{name}"


def res(rid: str, name: str, rg: str, rtype: str, **props: Any) -> dict[str, Any]:
    return {
        "id": rid,
        "location": "westeurope",
        "name": name,
        "resourceGroup": rg,
        "tags": {},
        "type": rtype,
        **props,
    }


def rule(nsg_id: str, name: str, prio: int, access: str, src: str, port: str, rg: str) -> dict[str, Any]:
    return {
        **res(
            f"{nsg_id}/securityRules/{name}",
            name,
            rg,
            "Microsoft.Network/networkSecurityGroups/securityRules",
        ),
        "access": access,
        "destinationAddressPrefix": "*",
        "destinationAddressPrefixes": [],
        "destinationPortRange": port,
        "destinationPortRanges": [],
        "direction": "Inbound",
        "priority": prio,
        "protocol": "Tcp",
        "provisioningState": "Succeeded",
        "sourceAddressPrefix": src,
        "sourceAddressPrefixes": [],
        "sourcePortRange": "*",
        "sourcePortRanges": [],
    }


def nsg(sub: str, rg: str, name: str, rules: list[tuple[str, int, str, str, str]]) -> dict[str, Any]:
    nid = arm(sub, rg, "Microsoft.Network", "networkSecurityGroups", name)
    default = [
        ("AllowVnetInBound", 65000, "Allow", "VirtualNetwork", "*"),
        ("AllowAzureLoadBalancerInBound", 65001, "Allow", "AzureLoadBalancer", "*"),
        ("DenyAllInBound", 65500, "Deny", "*", "*"),
    ]
    defaults = [
        rule(nid, *r, rg)
        | {
            "type": "Microsoft.Network/networkSecurityGroups/defaultSecurityRules",
            "id": f"{nid}/defaultSecurityRules/{r[0]}",
        }
        for r in default
    ]
    return res(
        nid,
        name,
        rg,
        "Microsoft.Network/networkSecurityGroups",
        securityRules=[rule(nid, *r, rg) for r in rules],
        defaultSecurityRules=defaults,
        provisioningState="Succeeded",
    )


def storage(sub: str, rg: str, name: str, public: bool, https: bool, tls: str, action: str) -> dict[str, Any]:
    rid = arm(sub, rg, "Microsoft.Storage", "storageAccounts", name)
    return res(
        rid,
        name,
        rg,
        "Microsoft.Storage/storageAccounts",
        accessTier="Hot",
        allowBlobPublicAccess=public,
        allowSharedKeyAccess=None if public else False,
        enableHttpsTrafficOnly=https,
        kind="StorageV2",
        minimumTlsVersion=tls,
        networkRuleSet={
            "bypass": "AzureServices",
            "defaultAction": action,
            "ipRules": [],
            "virtualNetworkRules": [],
        },
        primaryEndpoints={"blob": f"https://{name}.blob.core.windows.net/"},
        provisioningState="Succeeded",
        publicNetworkAccess="Enabled",
        sku={"name": "Standard_LRS", "tier": "Standard"},
    )


def vm(sub: str, rg: str, name: str, nic: str, pub: str, priv: str, identity: dict | None) -> dict[str, Any]:
    rid = arm(sub, rg.upper(), "Microsoft.Compute", "virtualMachines", name)
    return res(
        rid,
        name,
        rg.upper(),
        "Microsoft.Compute/virtualMachines",
        hardwareProfile={"vmSize": "Standard_B2s"},
        identity=identity,
        networkProfile={"networkInterfaces": [{"id": nic, "resourceGroup": rg.upper()}]},
        osProfile={
            "adminUsername": "azureuser",
            "computerName": name,
            "linuxConfiguration": {"disablePasswordAuthentication": True},
        },
        powerState="VM running",
        privateIps=priv,
        publicIps=pub,
        provisioningState="Succeeded",
        storageProfile={"osDisk": {"osType": "Linux"}},
        vmId=guid(0, rid),
    )


def nic(
    sub: str, rg: str, name: str, vm: str, subnet: str, ip: str, pip: str | None, nsg: str | None
) -> dict:
    rid = arm(sub, rg, "Microsoft.Network", "networkInterfaces", name)
    cfg: dict[str, Any] = {
        "id": f"{rid}/ipConfigurations/ipconfig1",
        "name": "ipconfig1",
        "primary": True,
        "privateIPAddress": ip,
        "privateIPAllocationMethod": "Dynamic",
        "subnet": {"id": subnet, "resourceGroup": rg},
    }
    if pip:
        cfg["publicIPAddress"] = {"id": pip, "resourceGroup": rg}
    return res(
        rid,
        name,
        rg,
        "Microsoft.Network/networkInterfaces",
        ipConfigurations=[cfg],
        networkSecurityGroup={"id": nsg, "resourceGroup": rg} if nsg else None,
        virtualMachine={"id": vm, "resourceGroup": rg.upper()},
        macAddress="00-0D-3A-00-00-01",
    )


def assignment(
    seed: int, scope: str, principal: str, ptype: str, role: str, role_name: str, sub: str
) -> dict:
    name = guid(seed, f"ra:{scope}:{principal}:{role}")
    return {
        "condition": None,
        "id": f"{scope.rstrip('/')}/providers/Microsoft.Authorization/roleAssignments/{name}",
        "name": name,
        "principalId": principal,
        "principalType": ptype,
        "roleDefinitionId": f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{role}",
        "roleDefinitionName": role_name,
        "scope": scope,
        "type": "Microsoft.Authorization/roleAssignments",
    }


def definitions(sub: str, custom: str | None) -> list[dict[str, Any]]:
    def rd(g: str, name: str, rtype: str, actions: list[str], data: list[str] = ()) -> dict[str, Any]:  # type: ignore[assignment]
        return {
            "assignableScopes": ["/"] if rtype == "BuiltInRole" else [f"/subscriptions/{sub}"],
            "id": f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{g}",
            "name": g,
            "permissions": [
                {"actions": actions, "dataActions": list(data), "notActions": [], "notDataActions": []}
            ],
            "roleName": name,
            "roleType": rtype,
            "type": "Microsoft.Authorization/roleDefinitions",
        }

    out = [
        rd(OWNER, "Owner", "BuiltInRole", ["*"]),
        rd(CONTRIB, "Contributor", "BuiltInRole", ["*"]),
        rd(READER, "Reader", "BuiltInRole", ["*/read"]),
        rd(UAA, "User Access Administrator", "BuiltInRole", ["*/read", "Microsoft.Authorization/*"]),
        rd(
            KV_SECRETS,
            "Key Vault Secrets User",
            "BuiltInRole",
            [],
            ["Microsoft.KeyVault/vaults/secrets/getSecret/action"],
        ),
    ]
    if custom:
        out.append(rd(custom, "Ops Break Glass", "CustomRole", ["*"]))
    return out
