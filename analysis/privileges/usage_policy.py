"""Proposed least-privilege grants: an AWS policy limited to what was used, the smallest covering GCP role.

AWS: every used action (where AWS tracks actions) or used service (``svc:*`` where it tracks only services)
is kept *on the resources and under the conditions the principal's effective permissions grant it*, so the
proposal never grants more than the principal has today: ``s3:GetObject`` granted on one bucket stays on that
bucket. A carved-out exception becomes a Deny of the same actions on the exception. The policy parses with our
own engine (``aws_policy``) and grants exactly the used actions (tests/privileges/test_usage_policy.py).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping

from analysis.privileges.aws_actions import ALL, atom_covers, service_of
from analysis.privileges.aws_model import EffectivePermissions

Grant = tuple[str, tuple[str, ...], str | None]  # resource, exceptions, condition (canonical JSON)


def _condition(text: str) -> dict[str, object]:
    """The canonical condition JSON as one Condition block (a list means several blocks that all hold)."""
    value = json.loads(text)
    blocks = value if isinstance(value, list) else [value]
    merged: dict[str, dict[str, object]] = {}
    for block in blocks:
        for op, keys in block.items():
            merged.setdefault(op, {}).update(keys)
    return dict(merged)


def _grants_for(atom: str, granted: EffectivePermissions | None) -> list[tuple[str, Grant]]:
    """(action to write, grant) pairs: where the principal's current entries grant ``atom``."""
    if granted is None:
        return [(atom, ("*", (), None))]
    out = []
    svc = service_of(atom)
    for e in granted.entries:
        if atom.endswith(":*"):  # a used service: the granted entries of that service, or "*" narrowed to it
            if e.action == ALL:
                out.append((atom, (e.resource, e.exceptions, e.condition)))
            elif service_of(e.action) == svc:
                out.append((e.action, (e.resource, e.exceptions, e.condition)))
        elif atom_covers(e.action, atom):
            out.append((atom, (e.resource, e.exceptions, e.condition)))
    return out


def propose_aws_policy(
    used: Iterable[str], granted: EffectivePermissions | None, display: Mapping[str, str] | None = None
) -> dict[str, object] | None:
    """An IAM policy document granting only ``used`` atoms (``svc:action`` or ``svc:*``, lower-case);
    ``display`` maps an atom to the spelling to write (``s3:GetObject``). None when nothing was used."""
    display = display or {}
    by_grant: dict[Grant, set[str]] = defaultdict(set)
    for atom in sorted(set(used)):
        for action, grant in _grants_for(atom, granted):
            by_grant[grant].add(display.get(action, action))
    if not by_grant:
        return None
    statements: list[dict[str, object]] = []
    for (resource, exceptions, condition), actions in sorted(by_grant.items(), key=lambda kv: repr(kv[0])):
        statement: dict[str, object] = {
            "Effect": "Allow",
            "Action": sorted(actions),
            "Resource": resource,
        }
        if condition:
            statement["Condition"] = _condition(condition)
        statements.append(statement)
        if exceptions:
            statements.append({"Effect": "Deny", "Action": sorted(actions), "Resource": list(exceptions)})
    for i, s in enumerate(statements):
        s["Sid"] = f"Used{i}"
    return {"Version": "2012-10-17", "Statement": statements}


def smallest_role(exercised: set[str], roles: Mapping[str, frozenset[str]]) -> str | None:
    """The role with the fewest permissions that includes every exercised one (ties: by name)."""
    fits = [(len(perms), name) for name, perms in roles.items() if exercised <= perms]
    return min(fits)[1] if fits else None
