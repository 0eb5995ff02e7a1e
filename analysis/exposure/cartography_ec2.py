"""Where Cartography's EC2 network model differs from ours, as network.py reads it.

* An instance's subnet is the ``PART_OF_SUBNET`` edge (Cartography keeps no ``subnetid`` on the instance) and
  a route table's VPC the ``MEMBER_OF_AWS_VPC`` edge: both are ``coalesce``-d in network.py's queries.
* Cartography 0.143 reads a NACL entry's ``PortRange.FromPort`` / ``ToPort`` where the EC2 API returns
  ``PortRange.From`` / ``To``, so a TCP / UDP entry arrives without its ports. Such an entry cannot be
  evaluated as written; ``nacl_rule`` fails open toward reporting exposure: a deny is dropped (it cannot be
  shown to block anything) and an allow covers every port (it cannot be shown to be narrower). The exposure
  reason says so beside the NACL's name; docs/cartography.md lists the gap.
"""

from __future__ import annotations

from typing import Any

_PORTED = {"6", "17", "tcp", "udp"}
PORTS_NOT_COLLECTED = "TCP/UDP port ranges not collected: deny entries ignored, allow entries on every port"


def nacl_rule(rule: dict[str, Any]) -> dict[str, Any] | None:
    """The rule as network.py evaluates it, or None when it is dropped (see the module docstring)."""
    ported = str(rule.get("protocol")).lower() in _PORTED
    if not ported or rule.get("fromport") is not None or rule.get("toport") is not None:
        return rule
    if str(rule.get("ruleaction")).lower() == "deny":
        return None
    return {**rule, "fromport": 0, "toport": 65535}
