"""path_score weighs a conditional grant at half its access level, whichever provider wrote the hop."""

from __future__ import annotations

from analysis.exposure.model import DATA_ACCESS, INTERNET_TO_ASSET
from analysis.exposure.scoring import ACCESS, HOP_DECAY, NETWORK_ONLY, path_score


def _score(access: str) -> float:
    hops = [{"type": INTERNET_TO_ASSET, "access": None}, {"type": DATA_ACCESS, "access": access}]
    nodes = [{"labels": ["EC2Instance"]}, {"labels": ["S3Bucket"], "sensitivity": 0.8}]
    return path_score(1.0, hops, nodes)


def test_conditional_access_counts_half_but_never_below_network_reach() -> None:
    assert _score("write") == round(100 * HOP_DECAY * ACCESS["write"] * 0.8, 1)
    assert _score("admin") == round(100 * HOP_DECAY * ACCESS["admin"] * 0.8, 1)
    # admin at half weight (0.5); write at half (0.4) is floored at plain network reach (0.5).
    assert _score("admin (conditional)") == round(100 * HOP_DECAY * ACCESS["admin"] * 0.5 * 0.8, 1)
    assert _score("write (conditional)") == round(100 * HOP_DECAY * NETWORK_ONLY * 0.8, 1)
    assert _score("admin (conditional)") < _score("admin")
