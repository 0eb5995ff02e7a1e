"""Security-group and NACL evaluation (pure): ordered NACL rules, deny before allow, ephemeral egress."""

from __future__ import annotations

from analysis.exposure import ports as P


def _acl(*rules: tuple[int, str, str, int | None, int | None, bool]) -> list[dict[str, object]]:
    return [
        {
            "rulenumber": n,
            "ruleaction": a,
            "protocol": p,
            "fromport": lo,
            "toport": hi,
            "egress": eg,
            "cidrblock": "0.0.0.0/0",
            "ipv6cidrblock": None,
        }
        for n, a, p, lo, hi, eg in rules
    ]


ALLOW_ALL_OUT = (100, "allow", "-1", None, None, True)


def test_nacl_deny_rule_before_allow_all_blocks_that_port_only() -> None:
    rules = _acl((90, "deny", "6", 22, 22, False), (100, "allow", "-1", None, None, False), ALLOW_ALL_OUT)
    got = P.through_nacl({"tcp": [(22, 22), (443, 443)], "udp": []}, rules, "v4")
    assert got["tcp"] == [(443, 443)]


def test_nacl_rule_order_is_by_number_not_by_list_position() -> None:
    rules = _acl((200, "deny", "6", 0, 65535, False), (100, "allow", "6", 22, 22, False), ALLOW_ALL_OUT)
    assert P.through_nacl({"tcp": [(22, 22)], "udp": []}, rules, "v4")["tcp"] == [(22, 22)]


def test_nacl_without_ephemeral_egress_blocks_replies() -> None:
    rules = _acl((100, "allow", "-1", None, None, False), (100, "allow", "6", 443, 443, True))
    assert P.through_nacl({"tcp": [(443, 443)], "udp": []}, rules, "v4")["tcp"] == []


def test_sg_protocol_all_and_ranges_and_narrow_sources() -> None:
    rules = [
        {"range": "0.0.0.0/0", "protocol": "-1", "fromport": None, "toport": None},
        {"range": "10.0.0.0/8", "protocol": "tcp", "fromport": 22, "toport": 22},
    ]
    assert P.sg_open(rules, "v4") == {"tcp": [(0, 65535)], "udp": [(0, 65535)]}
    assert P.empty(P.sg_open(rules[1:], "v4"))
    assert P.labels(
        P.sg_open([{"range": "::/0", "protocol": "tcp", "fromport": 8000, "toport": 8080}], "v6")
    ) == ["8000-8080/tcp"]
