"""`invgraph collect azure`: the Azure management APIs → the same files ``az … --output json`` writes
(docs/snapshot-format.md), so the offline reader cannot tell a collected snapshot from an az one.

Shapes: a model's REST JSON (``serialize(keep_readonly=True)`` for msrest models, ``as_dict()`` for the newer
generated ones) with ``properties`` merged into the object as az prints it (resource groups and key vaults
keep them nested, as az does), plus az's ``resourceGroup``. ``vm list --show-details`` extras are computed
the way az does: addresses from the NICs and public IPs; ``roleDefinitionName`` from the role definitions.
Federated identity credentials of each user-assigned identity (``identity federated-credential list``) are
read with the resource client's raw ARM request (no SDK model in the clients we depend on), paged by
``nextLink``. One call the API refuses (403, throttled after retries, unreachable) writes no file — that
command is *not collected* — and is reported. Entra ID (``ad user / sp / group list``, ``ad group member
list``) needs Microsoft Graph: not collected here.
Needs the optional extra: ``pip install 'invgraph[azure]'``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.azure.common import group_id
from ingest.collect_report import ScopeCollectReport

NESTED = {"group/list", "keyvault/list"}  # az keeps ``properties`` nested for these
MSI_API = "2023-01-31"  # Microsoft.ManagedIdentity API version of federatedIdentityCredentials


AzureCollectReport = ScopeCollectReport  # the shared report shape (ingest/collect_report.py)


def rest(model: Any) -> dict[str, Any]:
    """The REST JSON of an SDK model (either generation of generated models), or a dict as is."""
    if isinstance(model, dict):
        return model
    if hasattr(model, "_attribute_map"):
        return model.serialize(keep_readonly=True)
    return model.as_dict()


def az_shape(model: Any, nested: bool = False) -> dict[str, Any]:
    """What az prints for one resource: ``properties`` flattened (unless ``nested``), ``resourceGroup``
    added."""
    body = dict(rest(model))
    props = body.get("properties")
    if isinstance(props, dict) and "type" in props:  # role definitions: REST properties.type is az's roleType
        props = {("roleType" if k == "type" else k): v for k, v in props.items()}
    if not nested and isinstance(props, dict):
        body.pop("properties")
        body = {**props, **body}
        body = {k: _flatten_children(v) for k, v in body.items()}
    rid = body.get("id")
    if isinstance(rid, str) and group_id(rid) and "resourceGroup" not in body:
        body["resourceGroup"] = rid.split("/")[4]
    return body


def _flatten_children(value: Any) -> Any:
    # Sub-resources (NSG rules, subnets, ip configurations, a load balancer's pools and their backend
    # addresses, which carry no id) are flattened by az too, at every depth.
    if isinstance(value, list):
        return [
            az_shape(v) if isinstance(v, dict) and ("id" in v or isinstance(v.get("properties"), dict)) else v
            for v in value
        ]
    return value


def vm_details(vms: list[dict[str, Any]], nics: list[dict[str, Any]], ips: list[dict[str, Any]]) -> None:
    """``vm list --show-details``: ``privateIps`` / ``publicIps`` (comma-separated) from the NICs and IPs."""
    by_ip = {str(i.get("id", "")).lower(): i.get("ipAddress") for i in ips}
    by_nic: dict[str, tuple[list[str], list[str]]] = {}
    for nic in nics:
        private, public = [], []
        for cfg in nic.get("ipConfigurations") or []:
            if cfg.get("privateIPAddress"):
                private.append(cfg["privateIPAddress"])
            address = by_ip.get(str((cfg.get("publicIPAddress") or {}).get("id", "")).lower())
            if address:
                public.append(address)
        by_nic[str(nic.get("id", "")).lower()] = (private, public)
    for vm in vms:
        refs = [
            str(n.get("id", "")).lower()
            for n in (vm.get("networkProfile") or {}).get("networkInterfaces") or []
        ]
        vm["privateIps"] = ",".join(a for r in refs for a in by_nic.get(r, ([], []))[0])
        vm["publicIps"] = ",".join(a for r in refs for a in by_nic.get(r, ([], []))[1])


class Writer:
    """Writes ``azure/<tenant>/<scope>/<group>/<command>.json``; a failing call is reported, not written."""

    def __init__(self, out: Path, tenant: str, report: AzureCollectReport) -> None:
        self.base = out / "azure" / tenant
        self.report = report

    def call(self, scope: str, what: str, fetch: Callable[[], Iterable[Any]]) -> list[dict[str, Any]] | None:
        from azure.core.exceptions import AzureError

        try:
            return [az_shape(m, nested=what in NESTED) for m in fetch()]
        except AzureError as exc:
            self.report.errors.append(
                f"{scope} {what}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
            )
            return None

    def write(self, scope: str, what: str, body: Any) -> None:
        if body is None:
            return
        path = self.base / scope / f"{what}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(body, indent=2, default=str) + "\n")
        self.report.files_written += 1


def collect_subscription(w: Writer, sub: str, clients: Any) -> None:
    """Every command of one subscription. ``clients`` has the management clients as attributes (resource,
    compute, network, storage, sql, keyvault, aks, authorization)."""
    c = clients
    simple = {
        "group/list": lambda: c.resource.resource_groups.list(),
        "identity/list": lambda: c.resource.resources.list(
            filter="resourceType eq 'Microsoft.ManagedIdentity/userAssignedIdentities'", expand="properties"
        ),
        "network/nsg-list": lambda: c.network.network_security_groups.list_all(),
        "network/vnet-list": lambda: c.network.virtual_networks.list_all(),
        "network/route-table-list": lambda: c.network.route_tables.list_all(),
        "network/lb-list": lambda: c.network.load_balancers.list_all(),
        "network/application-gateway-list": lambda: c.network.application_gateways.list_all(),
        "storage/account-list": lambda: c.storage.storage_accounts.list(),
        "sql/server-list": lambda: c.sql.servers.list(),
        "keyvault/list": lambda: c.keyvault.vaults.list_by_subscription(),
        "aks/list": lambda: c.aks.managed_clusters.list(),
    }
    got = {what: w.call(sub, what, fetch) for what, fetch in simple.items()}
    nics = w.call(sub, "network/nic-list", lambda: c.network.network_interfaces.list_all())
    ips = w.call(sub, "network/public-ip-list", lambda: c.network.public_ip_addresses.list_all())
    vms = w.call(sub, "vm/list", lambda: c.compute.virtual_machines.list_all())
    if vms is not None and nics is not None and ips is not None:
        vm_details(vms, nics, ips)  # without both lists the addresses are unknown: leave the keys out
    got.update({"network/nic-list": nics, "network/public-ip-list": ips, "vm/list": vms})
    scope = f"/subscriptions/{sub}"
    definitions = w.call(sub, "role/definition-list", lambda: c.authorization.role_definitions.list(scope))
    assignments = w.call(
        sub, "role/assignment-list", lambda: c.authorization.role_assignments.list_for_subscription()
    )
    names = {str(d.get("name", "")).lower(): d.get("roleName") for d in definitions or []}
    for a in assignments or []:
        a.setdefault(
            "roleDefinitionName", names.get(str(a.get("roleDefinitionId", "")).rsplit("/", 1)[-1].lower())
        )
    got.update({"role/definition-list": definitions, "role/assignment-list": assignments})
    for what, body in got.items():
        w.write(sub, what, body)
    for server in got["sql/server-list"] or []:
        rules = w.call(
            sub,
            "sql/server-firewall-rule-list",
            lambda s=server: c.sql.firewall_rules.list_by_server(s["resourceGroup"], s["name"]),
        )
        w.write(sub, f"sql/server-firewall-rule-list/{server['name']}", rules)
    for ident in got["identity/list"] or []:
        creds = w.call(
            sub,
            "identity/federated-credential-list",
            lambda i=ident: federated_credentials(c.resource, i["id"]),
        )
        w.write(sub, f"identity/federated-credential-list/{ident['name']}", creds)
    for account in got["storage/account-list"] or []:
        containers = w.call(
            sub,
            "storage/container-list",
            lambda a=account: c.storage.blob_containers.list(a["resourceGroup"], a["name"]),
        )
        w.write(sub, f"storage/container-list/{account['name']}", containers)
        service = w.call(
            sub,
            "storage/account-blob-service-properties-show",
            lambda a=account: [c.storage.blob_services.get_service_properties(a["resourceGroup"], a["name"])],
        )
        w.write(
            sub,
            f"storage/account-blob-service-properties-show/{account['name']}",
            service[0] if service else None,
        )


def federated_credentials(resource: Any, identity_id: str) -> list[dict[str, Any]]:
    """``GET <identity>/federatedIdentityCredentials`` through the resource client's pipeline (its credential,
    retries and throttling policies), every page; the REST items, which ``az_shape`` flattens as az does."""
    from azure.core.rest import HttpRequest

    url: str | None = f"{identity_id}/federatedIdentityCredentials?api-version={MSI_API}"
    out: list[dict[str, Any]] = []
    while url:
        response = resource._send_request(HttpRequest("GET", url))  # the generated clients' raw-request hook
        response.raise_for_status()
        body = response.json()
        out += body.get("value") or []
        url = body.get("nextLink")
    return out


def collect_azure(
    out: Path, tenant: str | None = None, subscriptions: list[str] | None = None
) -> AzureCollectReport:
    """Collect the tenant's management groups and the given (default: every visible) subscriptions."""
    from types import SimpleNamespace

    from azure.identity import DefaultAzureCredential
    from azure.mgmt.authorization import AuthorizationManagementClient
    from azure.mgmt.compute import ComputeManagementClient
    from azure.mgmt.containerservice import ContainerServiceClient
    from azure.mgmt.keyvault import KeyVaultManagementClient
    from azure.mgmt.managementgroups import ManagementGroupsMgmtClient
    from azure.mgmt.network import NetworkManagementClient
    from azure.mgmt.resource.resources import ResourceManagementClient
    from azure.mgmt.resource.subscriptions import SubscriptionClient
    from azure.mgmt.sql import SqlManagementClient
    from azure.mgmt.storage import StorageManagementClient

    cred = DefaultAzureCredential()
    listed = [rest(s) for s in SubscriptionClient(cred).subscriptions.list()]
    tenant = tenant or next((s.get("tenantId") for s in listed if s.get("tenantId")), None)
    if not tenant:
        raise ValueError("no subscription visible to these credentials: pass --tenant")
    if (out / "azure" / tenant).exists():
        raise FileExistsError(f"{out / 'azure' / tenant} exists: collect into a new folder")
    report = AzureCollectReport(tenant, datetime.now(UTC).isoformat(timespec="seconds"))
    w = Writer(out, tenant, report)
    accounts = [
        {
            "cloudName": "AzureCloud",
            "id": s["subscriptionId"],
            "isDefault": False,
            "name": s.get("displayName"),
            "state": s.get("state"),
            "tenantId": s.get("tenantId", tenant),
        }
        for s in listed
    ]
    w.write("tenant", "account/list", accounts)
    groups = ManagementGroupsMgmtClient(cred).management_groups
    tree = w.call(
        "tenant",
        "account/management-group-show",
        lambda: [groups.get(tenant, expand="children", recurse=True)],
    )
    w.write("tenant", "account/management-group-show", tree[0] if tree else None)
    wanted = subscriptions or [a["id"] for a in accounts if a["tenantId"] == tenant]
    for sub in wanted:
        clients = SimpleNamespace(
            resource=ResourceManagementClient(cred, sub),
            compute=ComputeManagementClient(cred, sub),
            network=NetworkManagementClient(cred, sub),
            storage=StorageManagementClient(cred, sub),
            sql=SqlManagementClient(cred, sub),
            keyvault=KeyVaultManagementClient(cred, sub),
            aks=ContainerServiceClient(cred, sub),
            authorization=AuthorizationManagementClient(cred, sub),
        )
        collect_subscription(w, sub, clients)
    (out / "snapshot.json").write_text(json.dumps({"collected_at": report.collected_at}) + "\n")
    return report
