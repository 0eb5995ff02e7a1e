"""Lexical layers of the read-only guard for ad-hoc Cypher (the plan layer is in `api/cypher_plan.py`).

Order matters: text is first normalised (NFKC) and cleaned of invisible / control / look-alike
characters, then tokenised the way Cypher lexes it (strings with escapes, backtick names, comments), and
only then inspected, so that what is inspected is exactly what Neo4j will parse. None of this is the
last word: the EXPLAIN layer and the READ access mode still stand behind it. Its job is to refuse early,
with a precise reason, things a query type of 'r' does not exclude (LOAD CSV, SHOW, db.* procedures).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Procedures a query may CALL; compared case-insensitively (Neo4j resolves them so too).
PROCEDURE_ALLOWLIST = frozenset(
    {
        "db.labels",
        "db.relationshiptypes",
        "db.propertykeys",
        "db.schema.visualization",
        "db.schema.nodetypeproperties",
        "db.schema.reltypeproperties",
    }
)
# Function namespaces that reach into the DBMS or plugins; nothing in them is allowlisted today.
DENIED_FUNCTION_NAMESPACES = frozenset({"apoc", "gds", "dbms", "db", "tx", "genai"})
FUNCTION_ALLOWLIST: frozenset[str] = frozenset()

WRITE_CLAUSES = frozenset({"CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "FOREACH", "INSERT"})
ADMIN_WORDS = frozenset(
    {
        "SHOW",
        "GRANT",
        "DENY",
        "REVOKE",
        "TERMINATE",
        "ALTER",
        "RENAME",
        "DROP",
        "DEALLOCATE",
        "REALLOCATE",
        "ENABLE",
    }
)
ADMIN_OBJECTS = frozenset(
    {
        "USER",
        "USERS",
        "DATABASE",
        "DATABASES",
        "ROLE",
        "ROLES",
        "ALIAS",
        "ALIASES",
        "SERVER",
        "SERVERS",
        "PRIVILEGE",
        "PRIVILEGES",
        "COMPOSITE",
    }
)
SCHEMA_OBJECTS = frozenset({"INDEX", "INDEXES", "CONSTRAINT", "CONSTRAINTS"})
SCHEMA_MODIFIERS = frozenset(
    {
        "OR",
        "REPLACE",
        "UNIQUE",
        "RANGE",
        "TEXT",
        "POINT",
        "LOOKUP",
        "FULLTEXT",
        "VECTOR",
        "BTREE",
        "IF",
        "NOT",
        "EXISTS",
    }
)
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}
_REFUSED_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"[0-9][0-9A-Za-z_.]*")


class CypherRefused(Exception):
    """A query refused by one guard rule; `rule` is a stable machine-readable name."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule, self.message = rule, message


@dataclass(frozen=True)
class Token:
    kind: str  # "word", "name" (backticked), "string", "number", "param", "punct"
    text: str  # words upper-cased for keyword matching; names unquoted
    pos: int


def normalize(query: str) -> str:
    """NFKC, then refuse characters that hide or disguise text (layer b)."""
    text = unicodedata.normalize("NFKC", query)
    for i, ch in enumerate(text):
        if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) in _REFUSED_CATEGORIES:
            raise CypherRefused(
                "invisible_character",
                f"character U+{ord(ch):04X} ({unicodedata.name(ch, 'unnamed')}) at offset {i} is not allowed",
            )
    return text


def _scan_quoted(text: str, start: int, quote: str) -> int:
    """Index just past the closing quote; backslash escapes in strings, doubled backticks in names."""
    i, n = start + 1, len(text)
    while i < n:
        ch = text[i]
        if quote != "`" and ch == "\\":
            i += 2
            continue
        if ch == quote:
            if quote == "`" and i + 1 < n and text[i + 1] == "`":
                i += 2
                continue
            return i + 1
        i += 1
    what = "name" if quote == "`" else "string"
    raise CypherRefused("syntax", f"unterminated {what} starting at offset {start}")


def tokenize(text: str) -> list[Token]:
    """Cypher tokens, comments and whitespace dropped (layer a's foundation)."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise CypherRefused("syntax", f"unterminated comment starting at offset {i}")
            i = end + 2
        elif ch in "'\"`":
            end = _scan_quoted(text, i, ch)
            kind = "name" if ch == "`" else "string"
            tokens.append(Token(kind, text[i + 1 : end - 1].replace("``", "`") if kind == "name" else "", i))
            i = end
        elif ch == "$":
            m = _WORD.match(text, i + 1) or _NUMBER.match(text, i + 1)
            if m is None and i + 1 < n and text[i + 1] == "`":
                end = _scan_quoted(text, i + 1, "`")
            else:
                end = m.end() if m else i + 1
            tokens.append(Token("param", text[i:end], i))
            i = end
        elif (m := _WORD.match(text, i)) is not None:
            tokens.append(Token("word", m.group().upper(), i))
            i = m.end()
        elif (m := _NUMBER.match(text, i)) is not None:
            tokens.append(Token("number", m.group(), i))
            i = m.end()
        elif ord(ch) > 127:
            # After NFKC, a letter outside ASCII in bare code is a look-alike (Cyrillic 'С' in CREATE);
            # real non-ASCII names must be backtick-quoted.
            raise CypherRefused(
                "non_ascii",
                f"non-ASCII character {ch!r} (U+{ord(ch):04X}) at offset {i} outside a string "
                "or `quoted name`",
            )
        else:
            tokens.append(Token("punct", ch, i))
            i += 1
    return tokens


def _is_keyword(tokens: list[Token], i: int) -> bool:
    """A bare word not used as a property key, label/type, parameter or map key."""
    tok = tokens[i]
    if tok.kind != "word":
        return False
    if i > 0 and tokens[i - 1].kind == "punct" and tokens[i - 1].text in ".:":
        return False
    return not (i + 1 < len(tokens) and tokens[i + 1].kind == "punct" and tokens[i + 1].text == ":")


def _dotted_name(tokens: list[Token], i: int) -> tuple[str, int]:
    """`a.b.c` (bare or backticked parts) starting at i → (lower-case name, index after it)."""
    parts = [tokens[i].text.lower()]
    j = i + 1
    while (
        j + 1 < len(tokens)
        and tokens[j].kind == "punct"
        and tokens[j].text == "."
        and tokens[j + 1].kind in ("word", "name")
    ):
        parts.append(tokens[j + 1].text.lower())
        j += 2
    return ".".join(parts), j


def _next_words(tokens: list[Token], i: int, count: int) -> list[str]:
    return [t.text for t in tokens[i + 1 : i + 1 + count] if t.kind == "word"]


def _check_keyword(tokens: list[Token], i: int) -> None:
    word = tokens[i].text
    after = _next_words(tokens, i, 4)
    objects = [w for w in after if w not in SCHEMA_MODIFIERS]
    nxt = objects[0] if objects else ""
    if word == "LOAD" and after[:1] == ["CSV"]:
        raise CypherRefused("load_csv", "LOAD CSV is not allowed: the API never reads files or URLs")
    if word == "USING" and after[:1] == ["PERIODIC"]:
        raise CypherRefused("periodic_commit", "USING PERIODIC COMMIT is not allowed")
    if word == "TRANSACTIONS":
        raise CypherRefused("in_transactions", "CALL { … } IN TRANSACTIONS is not allowed")
    if word in ("CREATE", "DROP") and nxt in SCHEMA_OBJECTS:
        raise CypherRefused("schema_command", f"schema command {word} {nxt} is not allowed")
    if word in ADMIN_WORDS or (word in ("CREATE", "START", "STOP") and nxt in ADMIN_OBJECTS):
        raise CypherRefused("admin_command", f"administration command {word} is not allowed")
    if word == "USE":
        raise CypherRefused("use_database", "USE is not allowed: queries run on the inventory database only")
    if word in ("EXPLAIN", "PROFILE"):
        raise CypherRefused("explain_profile", f"{word} prefixes are not allowed; send the query itself")
    if word in WRITE_CLAUSES:
        raise CypherRefused("write_clause", f"{word} writes to the graph; the API is read-only")


def _check_calls(tokens: list[Token], i: int) -> int:
    """Procedure after CALL / namespaced function call at i; returns the index to continue from."""
    tok = tokens[i]
    if tok.kind == "word" and tok.text == "CALL" and _is_keyword(tokens, i):
        if i + 1 < len(tokens) and tokens[i + 1].kind in ("word", "name"):
            name, j = _dotted_name(tokens, i + 1)
            if name not in PROCEDURE_ALLOWLIST:
                raise CypherRefused("procedure_not_allowed", f"procedure {name!r} is not on the allowlist")
            return j
        return i + 1
    after_dot = i > 0 and tokens[i - 1].kind == "punct" and tokens[i - 1].text == "."
    if tok.kind in ("word", "name") and not after_dot:
        name, j = _dotted_name(tokens, i)
        if j < len(tokens) and tokens[j].kind == "punct" and tokens[j].text == "(" and "." in name:
            if name.split(".")[0] in DENIED_FUNCTION_NAMESPACES and name not in FUNCTION_ALLOWLIST:
                raise CypherRefused("function_not_allowed", f"function {name!r} is not allowed")
        return j if "." in name else i + 1
    return i + 1


def inspect_query(query: str) -> str:
    """Run layers a–c; returns the normalised text to EXPLAIN and execute, or raises CypherRefused."""
    text = normalize(query)
    tokens = tokenize(text)
    if not tokens:
        raise CypherRefused("empty", "the query is empty")
    semis = [k for k, t in enumerate(tokens) if t.kind == "punct" and t.text == ";"]
    if semis and semis != [len(tokens) - 1]:
        raise CypherRefused("multiple_statements", "only one statement per request (found ';')")
    if semis:  # a single trailing ';' as pasted from Neo4j Browser
        text, tokens = text[: tokens[-1].pos], tokens[:-1]
    for k in range(len(tokens)):
        if _is_keyword(tokens, k):
            _check_keyword(tokens, k)
    k = 0
    while k < len(tokens):
        k = _check_calls(tokens, k)
    return text
