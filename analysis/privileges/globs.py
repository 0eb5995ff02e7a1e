"""Glob helpers for IAM-style patterns and canonical JSON shared by the privilege engines.

IAM resource and action patterns know exactly two wildcards: ``*`` (any run of characters, including
``/`` and ``:``) and ``?`` (one character). ``fnmatch`` is close but also treats ``[...]`` as a
character class, which ARNs never mean, so we translate patterns ourselves. Everything here is
memoised: the same few thousand patterns are compared millions of times when a whole account is
evaluated, and the answers never change.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

# Stand-ins used by glob_covers: a '*' / '?' inside the *inner* pattern must only be matched by a
# wildcard of the outer pattern that is at least as broad, never by a literal character.
_STAR = "\x00"
_ONE = "\x01"


def has_wildcard(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    parts: list[str] = []
    for char in pattern:
        if char == "*":
            parts.append(".*")
        elif char == "?":
            # '?' is one ordinary character; it must not swallow a stand-in for an inner '*'.
            parts.append(f"[^{_STAR}]")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL)


@lru_cache(maxsize=1 << 16)
def glob_matches(pattern: str, value: str) -> bool:
    """True when the concrete ``value`` matches the IAM glob ``pattern`` (case-sensitive)."""
    if pattern == "*" or pattern == value:
        return True
    if not has_wildcard(pattern):
        return False
    return _regex(pattern).fullmatch(value) is not None


@lru_cache(maxsize=1 << 18)
def glob_covers(outer: str, inner: str) -> bool:
    """True when every string matched by ``inner`` is also matched by ``outer`` (sound, not complete).

    The inner pattern's wildcards are replaced by stand-ins only the outer pattern's wildcards
    can match, so ``a*`` is not reported as covered by ``a?``.
    """
    if outer == "*" or outer == inner:
        return True
    if not has_wildcard(outer):
        return False
    if inner == "*" and _STAR not in outer:
        # The regex answer without compiling one per grant resource (a boundary or SCP allow-list on "*"
        # asks this of every granted pattern): only a pattern made of stars matches the stand-in alone.
        return not outer.strip("*")
    probe = inner.replace("*", _STAR).replace("?", _ONE)
    return _regex(outer).fullmatch(probe) is not None


@lru_cache(maxsize=1 << 16)
def literal_prefix(pattern: str) -> str:
    """The part of ``pattern`` before its first wildcard."""
    cut = min((i for i in (pattern.find("*"), pattern.find("?")) if i >= 0), default=len(pattern))
    return pattern[:cut]


def _literal_suffix(pattern: str) -> str:
    cut = max(pattern.rfind("*"), pattern.rfind("?"))
    return pattern[cut + 1 :]


@lru_cache(maxsize=1 << 16)
def globs_may_overlap(a: str, b: str) -> bool:
    """True exactly when at least one string matches both patterns (``*`` and ``?`` on both sides)."""
    if not has_wildcard(a) and not has_wildcard(b):
        return a == b
    if not has_wildcard(a):
        return glob_matches(b, a)
    if not has_wildcard(b):
        return glob_matches(a, b)
    pa, pb = literal_prefix(a), literal_prefix(b)
    sa, sb = _literal_suffix(a), _literal_suffix(b)
    if not ((pa.startswith(pb) or pb.startswith(pa)) and (sa.endswith(sb) or sb.endswith(sa))):
        return False  # cheap rejection: the literal ends already disagree
    return _product_nonempty(a, b)


def _product_nonempty(a: str, b: str) -> bool:
    """Whether the product of the two glob automata accepts some string.

    State (i, j) = a[:i] and b[:j] consumed by a common prefix. A ``*`` may match nothing (advance
    past it) or absorb the next character the other pattern produces; a literal or ``?`` on both
    sides advances both when the characters are compatible. A ``*`` facing a ``*`` never needs to
    absorb it: skipping either star reaches the same strings. Searched depth first over at most
    (len(a)+1)(len(b)+1) states, so it is exact and quadratic at worst.
    """
    n, m = len(a), len(b)
    seen: set[tuple[int, int]] = set()
    stack = [(0, 0)]
    while stack:
        i, j = stack.pop()
        if (i, j) in seen:
            continue
        seen.add((i, j))
        if i == n and j == m:
            return True
        ca = a[i] if i < n else None
        cb = b[j] if j < m else None
        if ca == "*":
            stack.append((i + 1, j))
            if cb is not None and cb != "*":
                stack.append((i, j + 1))
        if cb == "*":
            stack.append((i, j + 1))
            if ca is not None and ca != "*":
                stack.append((i + 1, j))
        if ca is not None and cb is not None and ca != "*" and cb != "*":
            if ca == "?" or cb == "?" or ca == cb:
                stack.append((i + 1, j + 1))
    return False


@lru_cache(maxsize=1 << 16)
def intersect_globs(a: str, b: str) -> str | None:
    """A pattern for the strings matched by both, or None.

    Exact when one pattern contains the other; two partially overlapping wildcard patterns
    (``x*`` and ``*y``) yield None — a documented under-approximation.
    """
    if glob_covers(a, b):
        return b
    if glob_covers(b, a):
        return a
    return None


def _normalise_condition_value(value: Any) -> Any:
    # Values listed under one condition key are ORed, so their order carries no meaning.
    if isinstance(value, list):
        items = sorted({json.dumps(v, sort_keys=True) for v in value})
        values = [json.loads(v) for v in items]
        return values[0] if len(values) == 1 else values
    if isinstance(value, dict):
        return {k: _normalise_condition_value(v) for k, v in value.items()}
    return value


def canonical_json(value: Any) -> str:
    """Compact, key-sorted JSON; list values inside conditions are sorted and de-duplicated."""
    return json.dumps(_normalise_condition_value(value), sort_keys=True, separators=(",", ":"))


def and_conditions(a: str | None, b: str | None) -> str | None:
    """Conjunction of two canonical condition strings (a JSON list means "all of")."""
    if a is None or a == b:
        return b
    if b is None:
        return a
    parts: set[str] = set()
    for cond in (a, b):
        parsed = json.loads(cond)
        for item in parsed if isinstance(parsed, list) else [parsed]:
            parts.add(json.dumps(item, sort_keys=True, separators=(",", ":")))
    return "[" + ",".join(sorted(parts)) + "]"


def sha256_lines(lines: Iterable[str]) -> str:
    """sha256 of the lines, each terminated by a newline."""
    joined = "\n".join(lines)
    return hashlib.sha256((joined + "\n" if joined else "").encode()).hexdigest()
