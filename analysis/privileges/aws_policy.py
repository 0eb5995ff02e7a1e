"""Parse IAM policy documents into normalised statements (memoised per unique document).

Accepts what ``aws iam get-account-authorization-details`` prints: a decoded dict (the raw API
returns a URL-encoded JSON string, which is accepted too). ``Statement``, ``Action``,
``NotAction``, ``Resource`` and ``NotResource`` may each be a string or a list.
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from dataclasses import dataclass
from typing import Any, Literal

from analysis.privileges.aws_actions import atoms_for_patterns, complement
from analysis.privileges.globs import canonical_json

PolicyDocument = dict[str, Any]


# eq=False: statements are unique per parsed document and used as memo keys; identity hashing is
# exact for that and far cheaper than hashing hundreds of action atoms on every lookup.
@dataclass(frozen=True, slots=True, eq=False)
class Statement:
    """One statement with actions resolved to atoms (see ``aws_actions``).

    Exactly one of ``resources`` / ``not_resources`` is set; a statement without either
    (trust policies) applies to ``*``.
    """

    effect: Literal["Allow", "Deny"]
    actions: frozenset[str]
    resources: tuple[str, ...] | None
    not_resources: tuple[str, ...] | None
    condition: str | None


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def load_document(doc: PolicyDocument | str) -> PolicyDocument:
    """Decode a policy given as dict, JSON text, or the URL-encoded JSON the IAM API returns."""
    if isinstance(doc, dict):
        return doc
    text = doc.strip()
    if not text.startswith("{"):
        text = urllib.parse.unquote(text)
    loaded = json.loads(text)
    if not isinstance(loaded, dict):
        raise ValueError("a policy document must be a JSON object")
    return loaded


def document_hash(doc: PolicyDocument | str) -> str:
    """Stable hash of a document's content, independent of key order and whitespace."""
    body = json.dumps(load_document(doc), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


_STATEMENTS: dict[tuple[object, ...], Statement] = {}


def _parse_statement(raw: dict[str, Any]) -> Statement:
    effect = str(raw.get("Effect", "")).capitalize()
    if effect not in ("Allow", "Deny"):
        raise ValueError(f"statement has no valid Effect: {raw!r}")
    if "NotAction" in raw:
        actions = complement(tuple(sorted(_as_tuple(raw["NotAction"]))))
    else:
        actions = atoms_for_patterns(tuple(sorted(_as_tuple(raw.get("Action")))))
    resources: tuple[str, ...] | None = None
    not_resources: tuple[str, ...] | None = None
    if "NotResource" in raw:
        not_resources = tuple(sorted(set(_as_tuple(raw["NotResource"]))))
    else:
        resources = tuple(sorted(set(_as_tuple(raw.get("Resource", "*")))))
        if "*" in resources:
            resources = ("*",)
    condition = raw.get("Condition")
    statement = Statement(
        effect="Allow" if effect == "Allow" else "Deny",
        actions=actions,
        resources=resources,
        not_resources=not_resources,
        condition=canonical_json(condition) if condition else None,
    )
    # The same statement (an MFA guard, a "deny delete") recurs in many documents; one object per
    # content lets the engine's identity-keyed memo tables share work between them.
    key = (statement.effect, statement.actions, resources, not_resources, statement.condition)
    return _STATEMENTS.setdefault(key, statement)


_CACHE: dict[str, tuple[Statement, ...]] = {}
# Fast path keyed by object identity: a managed policy is one dict shared by every principal it is
# attached to, and hashing its JSON 10,000 times would cost more than the evaluation. The document
# is kept in the value so its id cannot be reused while cached. Documents must not be mutated.
_BY_ID: dict[int, tuple[object, tuple[Statement, ...]]] = {}


def parse_document(doc: PolicyDocument | str) -> tuple[Statement, ...]:
    """Statements of one document; identical documents (by content) are parsed only once."""
    hit = _BY_ID.get(id(doc))
    if hit is not None and hit[0] is doc:
        return hit[1]
    loaded = load_document(doc)
    key = document_hash(loaded)
    cached = _CACHE.get(key)
    if cached is None:
        raw = loaded.get("Statement", [])
        statements = [raw] if isinstance(raw, dict) else list(raw)
        cached = tuple(_parse_statement(s) for s in statements)
        _CACHE[key] = cached
    if isinstance(doc, dict):
        if len(_BY_ID) > 200_000:  # bound the identity cache across long-running ingests
            _BY_ID.clear()
        _BY_ID[id(doc)] = (doc, cached)
    return cached
