"""`invgraph collect azure` writes what `az … -o json` prints: the SDK's own models (built from REST payloads,
both generations of generated models) go through the writer, and the offline transforms read the files.
No Azure call is made: the clients are stand-ins returning real SDK model objects."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from azure.core.exceptions import HttpResponseError
from azure.mgmt.authorization.v2022_04_01.models import RoleAssignment, RoleDefinition
from azure.mgmt.compute.models import VirtualMachine
from azure.mgmt.containerservice.models import ManagedCluster
from azure.mgmt.keyvault.models import Vault
from azure.mgmt.network.models import NetworkInterface, NetworkSecurityGroup, PublicIPAddress, VirtualNetwork
from azure.mgmt.resource.resources.models import GenericResourceExpanded, ResourceGroup
from azure.mgmt.sql.models import FirewallRule, Server
from azure.mgmt.storage.models import BlobServiceProperties, ListContainerItem, StorageAccount

from ingest.azure import (
    aks,
    blob_services,
    identities,
    keyvaults,
    nics,
    nsgs,
    role_assignments,
    role_definitions,
    sql,
    storage,
    vms,
)
from ingest.azure.collect import AzureCollectReport, Writer, collect_subscription

SUB = "8c1f9a2e-4b3d-4e5f-a6b7-c8d9e0f1a2b3"
RG = f"/subscriptions/{SUB}/resourceGroups/rg-prod"
NET = f"{RG}/providers/Microsoft.Network"
OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"


class _Response:
    """What the generated clients' ``_send_request`` returns, as far as the collector reads it."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        self.status_code, self.body = status, body

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise HttpResponseError(message=f"({self.body['error']['code']}) {self.body['error']['message']}")

    def json(self) -> dict[str, Any]:
        return self.body


IDENTITY = f"{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1"
ISSUER = "https://westeurope.oic.prod-aks.azure.com/t/c1/"


def _credential(name: str, subject: str) -> dict[str, Any]:
    """The REST shape of a federated identity credential (properties nested; az flattens them)."""
    return {
        "id": f"{IDENTITY}/federatedIdentityCredentials/{name}",
        "name": name,
        "type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
        "properties": {"issuer": ISSUER, "subject": subject, "audiences": ["api://AzureADTokenExchange"]},
    }


def _federated(deny: bool = False) -> Any:
    """Two pages of federated credentials (``nextLink``), or the API's refusal."""
    pages = {
        f"{IDENTITY}/federatedIdentityCredentials?api-version=2023-01-31": {
            "value": [_credential("api", "system:serviceaccount:orders:api")],
            "nextLink": "https://management.azure.com/next?page=2",
        },
        "https://management.azure.com/next?page=2": {
            "value": [_credential("batch", "system:serviceaccount:orders:batch")]
        },
    }

    def send(request: Any) -> _Response:
        if deny:
            return _Response(403, {"error": {"code": "AuthorizationFailed", "message": "no read"}})
        return _Response(200, pages[request.url])

    return send


def _clients(fail_sql: bool = False, deny_federated: bool = False) -> SimpleNamespace:
    def ls(*items: Any) -> Any:
        return lambda *a, **k: list(items)

    def denied(*a: Any, **k: Any) -> Any:
        raise HttpResponseError(message="(AuthorizationFailed) The client does not have authorization")

    nsg = NetworkSecurityGroup(
        {
            "id": f"{NET}/networkSecurityGroups/nsg-web",
            "name": "nsg-web",
            "location": "westeurope",
            "properties": {
                "securityRules": [
                    {
                        "id": f"{NET}/networkSecurityGroups/nsg-web/securityRules/ssh",
                        "name": "ssh",
                        "properties": {
                            "access": "Allow",
                            "direction": "Inbound",
                            "priority": 100,
                            "protocol": "Tcp",
                            "sourceAddressPrefix": "Internet",
                            "destinationPortRange": "22",
                        },
                    }
                ],
                "defaultSecurityRules": [
                    {
                        "id": f"{NET}/networkSecurityGroups/nsg-web/defaultSecurityRules/DenyAllInBound",
                        "name": "DenyAllInBound",
                        "properties": {
                            "access": "Deny",
                            "direction": "Inbound",
                            "priority": 65500,
                            "protocol": "*",
                            "sourceAddressPrefix": "*",
                            "destinationPortRange": "*",
                        },
                    }
                ],
            },
        }
    )
    nic = NetworkInterface(
        {
            "id": f"{NET}/networkInterfaces/web-nic",
            "name": "web-nic",
            "properties": {
                "virtualMachine": {"id": f"{RG}/providers/Microsoft.Compute/virtualMachines/web-1"},
                "ipConfigurations": [
                    {
                        "id": f"{NET}/networkInterfaces/web-nic/ipConfigurations/ip1",
                        "name": "ip1",
                        "properties": {
                            "privateIPAddress": "10.0.1.4",
                            "subnet": {"id": f"{NET}/virtualNetworks/v/subnets/s"},
                            "publicIPAddress": {"id": f"{NET}/publicIPAddresses/pip"},
                        },
                    }
                ],
            },
        }
    )
    pip = PublicIPAddress(
        {
            "id": f"{NET}/publicIPAddresses/pip",
            "name": "pip",
            "properties": {"ipAddress": "20.1.2.3", "publicIPAllocationMethod": "Static"},
        }
    )
    vm = VirtualMachine(
        {
            "id": f"{RG}/providers/Microsoft.Compute/virtualMachines/web-1",
            "name": "web-1",
            "location": "westeurope",
            "identity": {"type": "SystemAssigned", "principalId": "p-web"},
            "properties": {
                "hardwareProfile": {"vmSize": "Standard_B2s"},
                "networkProfile": {"networkInterfaces": [{"id": f"{NET}/networkInterfaces/WEB-NIC"}]},
                "storageProfile": {"osDisk": {"osType": "Linux"}},
            },
        }
    )
    account = StorageAccount(
        {
            "id": f"{RG}/providers/Microsoft.Storage/storageAccounts/pubweb",
            "name": "pubweb",
            "location": "westeurope",
            "kind": "StorageV2",
            "properties": {
                "allowBlobPublicAccess": True,
                "supportsHttpsTrafficOnly": False,
                "minimumTlsVersion": "TLS1_0",
                "networkAcls": {"defaultAction": "Allow"},
            },
        }
    )
    containers = [
        ListContainerItem({"id": f"{RG}/x/assets", "name": "assets", "properties": {"publicAccess": "Blob"}}),
        ListContainerItem({"id": f"{RG}/x/logs", "name": "logs", "properties": {"publicAccess": "None"}}),
    ]
    blob_service = BlobServiceProperties(
        {
            "id": f"{RG}/providers/Microsoft.Storage/storageAccounts/pubweb/blobServices/default",
            "name": "default",
            "properties": {
                "deleteRetentionPolicy": {"enabled": True, "days": 7},
                "isVersioningEnabled": False,
            },
        }
    )
    server = Server(
        {
            "id": f"{RG}/providers/Microsoft.Sql/servers/sql1",
            "name": "sql1",
            "location": "westeurope",
            "properties": {"publicNetworkAccess": "Enabled", "minimalTlsVersion": "1.2"},
        }
    )
    rule = FirewallRule(
        {
            "id": f"{RG}/providers/Microsoft.Sql/servers/sql1/firewallRules/all",
            "name": "all",
            "properties": {"startIpAddress": "0.0.0.0", "endIpAddress": "255.255.255.255"},
        }
    )
    vault = Vault(
        {
            "id": f"{RG}/providers/Microsoft.KeyVault/vaults/kv1",
            "name": "kv1",
            "location": "westeurope",
            "properties": {
                "tenantId": "t",
                "sku": {"family": "A", "name": "standard"},
                "publicNetworkAccess": "Enabled",
                "vaultUri": "https://kv1.vault.azure.net/",
            },
        }
    )
    cluster = ManagedCluster(
        {
            "id": f"{RG}/providers/Microsoft.ContainerService/managedClusters/aks1",
            "name": "aks1",
            "location": "westeurope",
            "properties": {
                "enableRBAC": False,
                "disableLocalAccounts": False,
                "apiServerAccessProfile": {"authorizedIPRanges": ["203.0.113.0/24"]},
            },
        }
    )
    identity = GenericResourceExpanded(
        {
            "id": f"{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1",
            "name": "id1",
            "type": "Microsoft.ManagedIdentity/userAssignedIdentities",
            "location": "westeurope",
            "properties": {"principalId": "p-id1", "clientId": "c-id1", "tenantId": "t"},
        }
    )
    definition = RoleDefinition.deserialize(
        {
            "id": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{OWNER}",
            "name": OWNER,
            "type": "Microsoft.Authorization/roleDefinitions",
            "properties": {
                "roleName": "Owner",
                "type": "BuiltInRole",
                "permissions": [{"actions": ["*"], "notActions": []}],
                "assignableScopes": ["/"],
            },
        }
    )
    assignment = RoleAssignment.deserialize(
        {
            "id": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleAssignments/a1",
            "name": "a1",
            "type": "Microsoft.Authorization/roleAssignments",
            "properties": {
                "principalId": "u1",
                "principalType": "User",
                "scope": f"/subscriptions/{SUB}",
                "roleDefinitionId": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/"
                + OWNER,
            },
        }
    )
    return SimpleNamespace(
        resource=SimpleNamespace(
            resource_groups=SimpleNamespace(
                list=ls(
                    ResourceGroup(
                        {
                            "id": RG,
                            "name": "rg-prod",
                            "location": "westeurope",
                            "properties": {"provisioningState": "Succeeded"},
                        }
                    )
                )
            ),
            resources=SimpleNamespace(list=ls(identity)),
            _send_request=_federated(deny_federated),
        ),
        network=SimpleNamespace(
            network_security_groups=SimpleNamespace(list_all=ls(nsg)),
            virtual_networks=SimpleNamespace(
                list_all=ls(VirtualNetwork({"id": f"{NET}/virtualNetworks/v", "name": "v"}))
            ),
            network_interfaces=SimpleNamespace(list_all=ls(nic)),
            public_ip_addresses=SimpleNamespace(list_all=ls(pip)),
            # shapes of these three: test_azure_collect_network.py
            route_tables=SimpleNamespace(list_all=ls()),
            load_balancers=SimpleNamespace(list_all=ls()),
            application_gateways=SimpleNamespace(list_all=ls()),
        ),
        compute=SimpleNamespace(virtual_machines=SimpleNamespace(list_all=ls(vm))),
        storage=SimpleNamespace(
            storage_accounts=SimpleNamespace(list=ls(account)),
            blob_containers=SimpleNamespace(list=ls(*containers)),
            blob_services=SimpleNamespace(get_service_properties=lambda *a, **k: blob_service),
        ),
        sql=SimpleNamespace(
            servers=SimpleNamespace(list=denied if fail_sql else ls(server)),
            firewall_rules=SimpleNamespace(list_by_server=ls(rule)),
        ),
        keyvault=SimpleNamespace(vaults=SimpleNamespace(list_by_subscription=ls(vault))),
        aks=SimpleNamespace(managed_clusters=SimpleNamespace(list=ls(cluster))),
        authorization=SimpleNamespace(
            role_definitions=SimpleNamespace(list=ls(definition)),
            role_assignments=SimpleNamespace(list_for_subscription=ls(assignment)),
        ),
    )


def _read(root: Path, what: str) -> Any:
    return json.loads((root / "azure" / "t" / SUB / f"{what}.json").read_text())


def _collect(tmp: Path, fail_sql: bool = False, deny_federated: bool = False) -> AzureCollectReport:
    report = AzureCollectReport("t", "2026-11-20T06:00:00+00:00")
    collect_subscription(Writer(tmp, "t", report), SUB, _clients(fail_sql, deny_federated))
    return report


def test_written_files_have_the_az_shapes_the_transforms_read(tmp_path: Path) -> None:
    report = _collect(tmp_path)
    assert report.status == "ok" and report.files_written == 20
    (group,) = _read(tmp_path, "group/list")
    assert group["properties"] == {"provisioningState": "Succeeded"}  # az keeps it nested for groups
    rules = nsgs.transform(_read(tmp_path, "network/nsg-list")).rows
    rule = next(r for rs in rules.values() for r in rs if r.get("priority") == 100)
    assert (rule["source_prefixes"], rule["destination_ports"], rule["access"]) == (
        ["Internet"],
        ["22"],
        "Allow",
    )
    (nic,) = next(iter(nics.transform(_read(tmp_path, "network/nic-list")).rows.values()))
    assert nic["public_ip_ids"] == [f"{NET}/publicIPAddresses/pip".lower()] and nic[
        "private_ip_addresses"
    ] == ["10.0.1.4"]
    (vm,) = next(iter(vms.transform(_read(tmp_path, "vm/list")).rows.values()))
    # --show-details addresses, joined through the NIC even though the VM names it upper-cased
    assert (vm["public_ips"], vm["private_ips"], vm["identity_principal_ids"]) == (
        ["20.1.2.3"],
        ["10.0.1.4"],
        ["p-web"],
    )
    raw = (
        _read(tmp_path, "storage/account-list"),
        {"pubweb": _read(tmp_path, "storage/container-list/pubweb")},
    )
    (acct,) = next(iter(storage.transform(raw).rows.values()))
    assert (
        acct["allow_blob_public_access"],
        acct["supports_https_traffic_only"],
        acct["public_containers"],
    ) == (True, False, 1)
    assert acct["network_default_action"] == "Allow"
    servers = sql.transform(
        (_read(tmp_path, "sql/server-list"), {"sql1": _read(tmp_path, "sql/server-firewall-rule-list/sql1")})
    )
    rows = [r for rs in servers.rows.values() for r in rs]
    assert {
        (r.get("start_ip_address"), r.get("end_ip_address")) for r in rows if "start_ip_address" in r
    } == {("0.0.0.0", "255.255.255.255")}
    blob = blob_services.transform(
        {"pubweb": _read(tmp_path, "storage/account-blob-service-properties-show/pubweb")}
    )
    (service,) = next(iter(blob.rows.values()))
    assert (
        service["delete_retention_enabled"],
        service["delete_retention_days"],
        service["versioning_enabled"],
    ) == (
        True,
        7,
        False,
    )
    assert service["storage_account_id"] == acct["id"]
    (kv,) = next(iter(keyvaults.transform((_read(tmp_path, "keyvault/list"), {})).rows.values()))
    assert (kv["properties_collected"], kv["enable_purge_protection"], kv["public_network_access"]) == (
        True,
        False,
        "Enabled",
    )
    (cluster,) = next(iter(aks.transform(_read(tmp_path, "aks/list")).rows.values()))
    assert (cluster["enable_rbac"], cluster["disable_local_accounts"]) == (False, False)
    (ident,) = next(iter(identities.transform((_read(tmp_path, "identity/list"), {})).rows.values()))
    assert (ident["principal_id"], ident["client_id"]) == ("p-id1", "c-id1")
    (definition,) = next(
        iter(role_definitions.transform(_read(tmp_path, "role/definition-list")).rows.values())
    )
    assert (definition["role_name"], definition["role_type"], definition["actions"]) == (
        "Owner",
        "BuiltInRole",
        ["*"],
    )
    (assignment,) = next(
        iter(role_assignments.transform(_read(tmp_path, "role/assignment-list"), SUB).rows.values())
    )
    assert (assignment["role_definition_name"], assignment["scope_level"], assignment["principal_type"]) == (
        "Owner",
        "subscription",
        "User",
    )


def test_a_refused_call_writes_no_file_and_is_reported(tmp_path: Path) -> None:
    report = _collect(tmp_path, fail_sql=True)
    assert report.status == "partial" and report.exit_code == 2
    assert (
        len(report.errors) == 1
        and "sql/server-list" in report.errors[0]
        and "AuthorizationFailed" in report.errors[0]
    )
    assert not (tmp_path / "azure" / "t" / SUB / "sql").exists()  # not collected, never "no servers"


def test_federated_credentials_every_page_in_az_shape_or_not_collected(tmp_path: Path) -> None:
    _collect(tmp_path)
    listed = _read(tmp_path, "identity/federated-credential-list/id1")
    assert [(c["name"], c["issuer"], c["subject"], c["resourceGroup"]) for c in listed] == [
        ("api", ISSUER, "system:serviceaccount:orders:api", "rg-prod"),
        ("batch", ISSUER, "system:serviceaccount:orders:batch", "rg-prod"),
    ]
    raw = (_read(tmp_path, "identity/list"), {"id1": listed})
    (ident,) = next(iter(identities.transform(raw).rows.values()))
    assert [c["subject"] for c in ident["federated_credentials"]] == [
        "system:serviceaccount:orders:api",
        "system:serviceaccount:orders:batch",
    ]
    denied = tmp_path / "denied"
    report = _collect(denied, deny_federated=True)
    assert report.status == "partial" and "identity/federated-credential-list" in report.errors[0]
    assert not (denied / "azure" / "t" / SUB / "identity" / "federated-credential-list").exists()
    (ident,) = next(iter(identities.transform((_read(denied, "identity/list"), {})).rows.values()))
    assert ident["federated_credentials"] is None  # not collected: unknown, never "trusts nobody"
