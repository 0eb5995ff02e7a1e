"""Load-time checks on a stored query's text, shared by the control catalogue and the investigation library.

Both hold read-only Cypher written by us and refuse, when loading, a query with a write clause or a
variable-length pattern without a small upper bound; both check that the query's `$parameters` match
what its metadata declares. These are lexical checks on our own files (the API's guard for ad-hoc Cypher
is `api.cypher_guard` plus the EXPLAIN plan check); they live here so that neither loader reaches into
the other's private helpers.
"""

from __future__ import annotations

import re

# The longest variable-length pattern a stored query may use: `*1..3`.
MAX_HOPS = 3

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# A relationship pattern with a variable length: [...*...]. Group 1 is what follows the star.
_VAR_LENGTH = re.compile(r"\[[^\]]*\*\s*([0-9.\s]*)\]")
# A // comment unless inside a string ('http://…' is no comment): strings match first and are kept.
_COMMENT = re.compile(r"('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")|//[^\n]*")
_WRITE = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE|DROP|FOREACH|LOAD\s+CSV)\b", re.IGNORECASE)


def strip_comments(query: str) -> str:
    return _COMMENT.sub(lambda m: m.group(1) or "", query)


def strip_strings(query: str) -> str:
    """Comments removed and string literals emptied: 'not set' in a reason is no SET clause."""
    return _COMMENT.sub(lambda m: m.group(1)[0] * 2 if m.group(1) else "", query)


def parameters_used(query: str) -> set[str]:
    """The `$names` the query uses outside comments (a `$` in a comment is prose, not a parameter)."""
    return set(_PARAM.findall(strip_comments(query)))


def unbounded_patterns(query: str) -> list[str]:
    """Variable-length patterns without an upper bound, or with one above MAX_HOPS."""
    bad = []
    for m in _VAR_LENGTH.finditer(strip_comments(query)):
        spec = m.group(1).replace(" ", "")
        upper = spec.split("..")[-1] if ".." in spec else spec
        if not upper or int(upper) > MAX_HOPS:
            bad.append(m.group(0))
    return bad


def read_only_errors(owner: str, file_name: str, query: str) -> list[str]:
    """One message per write clause or too-long pattern, each starting with `owner` (the control or
    investigation id) so a loader can report every problem of every folder at once."""
    errors = []
    write = _WRITE.search(strip_strings(query))
    if write:
        errors.append(f"{owner}: {file_name} contains a write clause ({write.group(0)})")
    for pattern in unbounded_patterns(query):
        errors.append(
            f"{owner}: {file_name} has an unbounded or too long variable-length pattern {pattern} "
            f"(at most *1..{MAX_HOPS})"
        )
    return errors
