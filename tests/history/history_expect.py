"""Turn the sample generator's planted drift into the exact set of graph-level changes it must produce.

A planted change is described at the level a person thinks of (an instance added, an SG's IpPermissions
changed); in the graph it is one or more nodes. The expansion rules, all explicit:

* an added EC2Instance brings its EC2Reservation (one per planted instance, counted by label);
* a Kubernetes pod brings its containers (ids ``<pod uid>-<container name>``);
* a changed ``IpPermissions`` of an SG is IpRule / IpRange nodes added or removed under ``<sg id>/``;
* Kubernetes objects are identified by uid in planted.json and by ``<cluster>/<ns>/<name>`` in the graph for
  RBAC objects: resolved through the node's ``uid`` property (or the stored ``after``/``before`` props);
* a tag change (``Tags.Owner``) is a change of the instance's ``tags`` property (every tag is stored).
"""

from __future__ import annotations

from typing import Any

from graph import driver

NOT_MODELLED_PROPERTIES: set[str] = set()  # every planted property is stored now


def graph_id(asset_id: str) -> str:
    """The graph id of a planted asset id (itself, or the node / record carrying it as ``uid``)."""
    rows = driver.read("MATCH (n {uid: $x}) RETURN n.id AS id LIMIT 1", {"x": asset_id})
    if rows:
        return str(rows[0]["id"])
    rows = driver.read(
        "MATCH (c:AssetChange) WHERE c.after CONTAINS $q OR c.before CONTAINS $q "
        "RETURN c.asset_id AS id LIMIT 1",
        {"q": f'"uid": "{asset_id}"'},
    )
    return str(rows[0]["id"]) if rows else asset_id


def ids(doc: dict[str, Any], kind: str) -> set[str]:
    return {a["id"] for a in doc["assets"][kind]}


def check_transition(doc: dict[str, Any], planted: dict[str, Any]) -> None:
    """Assert ``doc`` (a drift document) lists exactly the planted changes, expanded as described above."""
    expected: dict[str, set[str]] = {"added": set(), "removed": set(), "changed": set()}
    prefixes: dict[str, list[str]] = {"added": [], "removed": []}
    reservations = 0
    for kind in ("added", "removed"):
        for item in planted[kind]:
            gid = graph_id(item["asset_id"])
            expected[kind].add(gid)
            if item["asset_type"] == "KubernetesPod":
                prefixes[kind].append(gid + "-")
            if item["asset_type"] == "EC2Instance" and kind == "added":
                reservations += 1
    rule_prefixes: list[str] = []
    for item in planted["changed"]:
        if item["property"] in NOT_MODELLED_PROPERTIES:  # not stored, so it cannot drift
            continue
        if item["property"] == "IpPermissions":
            rule_prefixes.append(item["asset_id"] + "/")
            continue
        expected["changed"].add(graph_id(item["asset_id"]))

    def derived(a: dict[str, Any], kind: str) -> bool:
        if any(a["id"].startswith(p) for p in prefixes.get(kind, [])):
            return True
        if any(a["id"].startswith(p) for p in rule_prefixes) and {"IpRule", "IpRange"} & set(a["labels"]):
            return True
        return kind == "added" and "EC2Reservation" in a["labels"]

    for kind in ("added", "removed", "changed"):
        listed = ids(doc, kind)
        missing = expected[kind] - listed
        extra = {
            a["id"] for a in doc["assets"][kind] if a["id"] not in expected[kind] and not derived(a, kind)
        }
        assert not missing, f"planted {kind} assets missing from drift: {sorted(missing)}"
        assert not extra, f"drift lists {kind} assets that were not planted: {sorted(extra)}"
    assert sum("EC2Reservation" in a["labels"] for a in doc["assets"]["added"]) == reservations
    for prefix in rule_prefixes:
        assert any(a["id"].startswith(prefix) for k in ("added", "removed") for a in doc["assets"][k]), (
            f"the planted IpPermissions change under {prefix} is missing"
        )
    for prefix in prefixes["added"] + prefixes["removed"]:
        assert any(a["id"].startswith(prefix) for k in ("added", "removed") for a in doc["assets"][k])

    # Relationships: every planted one is listed (by endpoints; ROLE_BINDING_SUBJECT is a descriptive name),
    # and every listed one is planted or touches a planted (or derived) asset: untouched assets never appear.
    touched = {a["id"] for k in ("added", "removed", "changed") for a in doc["assets"][k]}
    listed_rels = [r for k in ("added", "removed") for r in doc["relationships"][k]]
    planted_pairs = set()
    for rel in planted["relationships"]:
        pair = (graph_id(rel["from"]), graph_id(rel["to"]))
        planted_pairs.add(pair)
        assert any(
            (r["start"], r["end"]) == pair
            and (r["type"] == rel["type"] or rel["type"] == "ROLE_BINDING_SUBJECT")
            for r in doc["relationships"][rel["change"]]
        ), f"planted relationship missing: {rel}"
    for r in listed_rels:
        assert (r["start"], r["end"]) in planted_pairs or r["start"] in touched or r["end"] in touched, (
            f"drift lists a relationship between untouched assets: {r}"
        )
