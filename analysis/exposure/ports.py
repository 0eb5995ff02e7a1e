"""Port sets and the two AWS firewalls: security groups (stateful, allow-only) and NACLs (stateless,
ordered allow/deny).

A port set is ``{"tcp": [(lo, hi), …], "udp": […]}`` with sorted, disjoint, inclusive intervals.
ICMP and other protocols are not modelled (nothing listens on them); protocol ``-1`` means TCP+UDP.
Only rules whose source is the whole internet (``0.0.0.0/0`` / ``::/0``) count: a rule for a narrower
public CIDR admits part of the internet, which we do not report (see docs/exposure.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Intervals = list[tuple[int, int]]
PortSet = dict[str, Intervals]
PROTOCOLS = ("tcp", "udp")
FULL: Intervals = [(0, 65535)]
EPHEMERAL: Intervals = [(1024, 65535)]
WORLD = {"v4": "0.0.0.0/0", "v6": "::/0"}
_PROTO = {"-1": PROTOCOLS, "all": PROTOCOLS, "tcp": ("tcp",), "6": ("tcp",), "udp": ("udp",), "17": ("udp",)}


def protocols(raw: Any) -> tuple[str, ...]:
    return _PROTO.get(str(raw).lower(), ()) if raw is not None else PROTOCOLS


def span(lo: Any, hi: Any) -> Intervals:
    """A rule's port range; absent or -1 ports (protocol -1) mean every port."""
    if lo is None or hi is None or int(lo) < 0 or int(hi) < 0:
        return list(FULL)
    return [(int(lo), int(hi))]


def normalise(iv: Iterable[tuple[int, int]]) -> Intervals:
    out: Intervals = []
    for lo, hi in sorted(iv):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def intersect(a: Intervals, b: Intervals) -> Intervals:
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def subtract(a: Intervals, b: Intervals) -> Intervals:
    out = []
    for lo, hi in a:
        cur = lo
        for blo, bhi in b:
            if bhi < cur or blo > hi:
                continue
            if blo > cur:
                out.append((cur, blo - 1))
            cur = max(cur, bhi + 1)
        if cur <= hi:
            out.append((cur, hi))
    return out


def contains(iv: Intervals, port: int) -> bool:
    return any(lo <= port <= hi for lo, hi in iv)


def empty(ps: PortSet) -> bool:
    return not any(ps.get(p) for p in PROTOCOLS)


def meet(a: PortSet, b: PortSet) -> PortSet:
    return {p: intersect(a.get(p, []), b.get(p, [])) for p in PROTOCOLS}


def labels(ps: PortSet) -> list[str]:
    """Human form: ``22/tcp``, ``1024-65535/tcp``, ``all/udp``."""
    out = []
    for p in PROTOCOLS:
        for lo, hi in ps.get(p, []):
            out.append(
                f"all/{p}" if (lo, hi) == (0, 65535) else f"{lo}/{p}" if lo == hi else f"{lo}-{hi}/{p}"
            )
    return out


def sg_open(rules: Iterable[Mapping[str, Any]], family: str) -> PortSet:
    """Ports a set of security-group inbound rules opens to the internet (SGs only allow; union)."""
    acc: dict[str, Intervals] = {p: [] for p in PROTOCOLS}
    for r in rules:
        if r["range"] != WORLD[family]:
            continue
        for p in protocols(r["protocol"]):
            acc[p] += span(r["fromport"], r["toport"])
    return {p: normalise(v) for p, v in acc.items()}


def nacl_allowed(rules: Iterable[Mapping[str, Any]], family: str, egress: bool) -> PortSet:
    """First-match evaluation of ordered NACL entries for traffic from/to any internet address.

    Entries for a narrower CIDR are skipped: they neither admit nor stop *arbitrary* internet traffic.
    """
    key = "cidrblock" if family == "v4" else "ipv6cidrblock"
    ordered = sorted(
        (r for r in rules if bool(r["egress"]) == egress and r.get(key) == WORLD[family]),
        key=lambda r: int(r["rulenumber"]),
    )
    out: PortSet = {}
    for p in PROTOCOLS:
        remaining, allowed = list(FULL), []
        for r in ordered:
            if p not in protocols(r["protocol"]):
                continue
            hit = intersect(remaining, span(r["fromport"], r["toport"]))
            if str(r["ruleaction"]).lower() == "allow":
                allowed += hit
            remaining = subtract(remaining, hit)
        out[p] = normalise(allowed)
    return out


def through_nacl(ports: PortSet, rules: Sequence[Mapping[str, Any]] | None, family: str) -> PortSet:
    """``ports`` narrowed by a subnet's NACL. Stateless: replies leave on ephemeral ports, so a protocol
    whose egress admits none of 1024-65535 to the internet is blocked. No NACL data = not filtered."""
    if rules is None:
        return ports
    inbound, outbound = nacl_allowed(rules, family, False), nacl_allowed(rules, family, True)
    return {
        p: intersect(ports.get(p, []), inbound[p]) if intersect(outbound[p], EPHEMERAL) else []
        for p in PROTOCOLS
    }
