"""SQL servers (``sql server list``) and their firewall rules (``sql server firewall-rule list --server
<name> --resource-group <group>`` in ``sql/server-firewall-rule-list/<server>.json``). A server without a
rule file has ``firewall_rules_collected`` false: its rules are unknown, never "none"."""

from __future__ import annotations

from typing import Any

from graph.schema.azure.data import AZURE_SQL_FIREWALL_RULE, AZURE_SQL_SERVER
from ingest.azure.common import Item, base, read_list, rows_each, sync_azure
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def _server(item: Item, rules: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    row = {
        **base(item),
        "kind": item.get("kind"),
        "version": item.get("version"),
        "state": item.get("state"),
        "administrator_login": item.get("administratorLogin"),
        "fully_qualified_domain_name": item.get("fullyQualifiedDomainName"),
        "public_network_access": item.get("publicNetworkAccess"),
        "minimal_tls_version": item.get("minimalTlsVersion"),
        "firewall_rules_collected": item["name"] in rules,
    }
    listed = rules.get(item["name"]) or []
    if not isinstance(listed, list):
        raise ValueError(f"sql/server-firewall-rule-list/{item['name']}.json is not a JSON array")
    out = []
    for rule in listed:
        out.append(
            {
                **base(rule),
                "start_ip_address": rule["startIpAddress"],
                "end_ip_address": rule["endIpAddress"],
                "server_id": row["id"],
            }
        )
    return row, out


def transform(raw: tuple[list[Item], dict[str, Any]]) -> Transformed:
    items, rules = raw
    errors: list[str] = []
    pairs = rows_each(items, lambda i: _server(i, rules), errors, "sql server list")
    return Transformed(
        {
            AZURE_SQL_SERVER: [p[0] for p in pairs],
            AZURE_SQL_FIREWALL_RULE: [r for _, rs in pairs for r in rs],
        },
        errors,
    )


def _get(snap: Snapshot, scope: Scope) -> tuple[list[Item], dict[str, Any]] | None:
    items = read_list(snap, scope, "sql", "server-list")
    if items is None:
        return None
    return items, snap.azure_folder(scope.owner, scope.region, "sql", "server-firewall-rule-list") or {}


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    return sync_azure(MODULE, snap, ctx, scope, lambda: _get(snap, scope), transform)


MODULE = Module("azure", "sql", sync, (AZURE_SQL_SERVER, AZURE_SQL_FIREWALL_RULE), regional=True)
