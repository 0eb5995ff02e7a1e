"""The AWS usage step's graph read, and what lets a nightly run skip the principals nothing changed for.

Each principal's *inputs* are spelled out in Cypher as one text (``INPUTS``): every property the computation
reads (the principal's dates, role last use, credential report fields, admin flag, name), its keys' fields,
the ``sha256`` of its effective permissions, the loader's fingerprint of its Access Advisor report (plus the
report's length, so a report cleared without its fingerprint still counts as a change), the window asked for
and the code's own version (``VERSION``). Its ``PrincipalUsage`` head keeps that text (``inputs``) and the
time range its verdicts hold (``valid_since`` / ``valid_until``, ``usage_model.Horizon``). With
``changed_only`` the read compares in the database and returns only the principals to recompute: no head, a
head of another scope, other inputs, a run time outside the range (a key or service crossing the N-day
threshold), inventory marks that differ from the head (a node re-created, a property edited), or a report
whose fingerprint is missing (a graph another loader built: nothing proves it unchanged). An unchanged
principal costs a few index lookups in the database and no Bolt traffic.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from analysis.privileges import aws_actions, aws_model, usage_model, usage_policy
from graph import driver
from graph.schema.aws.iam import AWS_PRINCIPAL_LAST_ACCESSED
from graph.schema.cypher import fingerprint_property

REPORT_FP = fingerprint_property(AWS_PRINCIPAL_LAST_ACCESSED)  # a schema constant, safe to splice


@cache
def version() -> str:
    """A digest of the code the verdicts come from (and of the services '*' stands for): a new release
    recomputes every principal once instead of trusting what an older one stored."""
    sources = [Path(m.__file__).read_bytes() for m in (aws_actions, aws_model, usage_model, usage_policy)]
    sources += [Path(__file__).read_bytes(), Path(__file__).with_name("usage_aws.py").read_bytes()]
    sources.append(",".join(sorted(aws_actions.KNOWN_SERVICES)).encode())
    return hashlib.sha256(b"\0".join(sources)).hexdigest()[:16]


def _part(expr: str) -> str:
    """One input as text: '=' and its value, or '' for null (so null and '' cannot be confused)."""
    return f"coalesce('=' + toString({expr}), '')"


_PRINCIPAL_INPUTS = (
    "p.name",
    "label",
    "p.createdate_dt",
    f"p.{REPORT_FP}",
    "size(p.services_last_accessed)",
    "p.lastused",
    "p.admin_equivalent",
    "p.credential_report_at",
    "p.password_enabled",
    "p.password_last_used",
    "p.password_last_changed",
    "p.access_key_1_last_rotated",
    "p.access_key_1_last_used",
    "p.access_key_2_last_rotated",
    "p.access_key_2_last_used",
    "entries_sha",
)
_KEY_INPUTS = ("k.id", "k.status", "k.createdate_dt", "k.lastuseddate_dt", "k.lastused_collected")
INPUTS = " + '|' + ".join(
    ["$version", "toString($unused_days)", *(_part(x) for x in _PRINCIPAL_INPUTS)]
    + ["reduce(s = '', k IN ks | s + '/' + " + " + ',' + ".join(_part(x) for x in _KEY_INPUTS) + ")"]
)


def _same(a: str, b: str) -> str:
    return f"(({a} IS NULL AND {b} IS NULL) OR coalesce({a} = {b}, false))"


# Holds only when every part is known and equal: any null makes it false (recompute), never a skip.
_FRESH = " AND ".join(
    (
        "h.provider = 'aws'",
        "h.scope = $account",
        "h.inputs = inputs",
        "(h.valid_since IS NULL OR h.valid_since <= $now)",
        "(h.valid_until IS NULL OR $now < h.valid_until)",
        f"(p.services_last_accessed IS NULL OR p.{REPORT_FP} IS NOT NULL)",
        "all(k IN ks WHERE k.usage_status IS NOT NULL)",
        "p.usage_status = h.status",
        _same("p.usage_ratio", "h.ratio"),
        _same("p.usage_window_days", "h.window_days"),
        _same("p.usage_unused", "h.principal_unused"),
        _same("p.usage_last_activity", "datetime(h.last_activity)"),
    )
)

# Temporal properties come back as their ISO text (``toString``): the driver's own DateTime hydration costs
# more than the rest of the row, and the parsed value is the same (microseconds, same offset).
READ = f"""
MATCH (:AWSAccount {{id: $account}})-[:RESOURCE]->(p:AWSPrincipal)
WHERE p:AWSUser OR p:AWSRole OR p:AWSGroup
OPTIONAL MATCH (p)-[:AWS_ACCESS_KEY]->(ak:AccountAccessKey)
WITH p, ak ORDER BY ak.id
WITH p, collect(ak) AS ks
OPTIONAL MATCH (r:PrincipalPermissions {{principal_id: p.arn, latest: true}})
WITH p, ks, [x IN labels(p) WHERE x IN ['AWSUser', 'AWSRole', 'AWSGroup']][0] AS label,
     CASE WHEN r.removed THEN null ELSE r.sha256 END AS entries_sha
WITH p, ks, label, entries_sha, {INPUTS} AS inputs
CALL (p) {{
  OPTIONAL MATCH (h:PrincipalUsage {{principal_id: p.arn, latest: true}})
  RETURN h LIMIT 1
}}
WITH p, ks, label, entries_sha, inputs, h
WHERE NOT $changed_only OR NOT coalesce({_FRESH}, false)
RETURN p.arn AS arn, p.name AS name, label,
       toString(p.createdate_dt) AS created, p.services_last_accessed AS report,
       toString(p.lastused) AS role_last_used, p.admin_equivalent AS admin,
       toString(p.credential_report_at) AS report_at, p.password_enabled AS password,
       toString(p.password_last_used) AS password_last_used,
       toString(p.password_last_changed) AS password_changed,
       toString(p.access_key_1_last_rotated) AS k1_rotated, toString(p.access_key_1_last_used) AS k1_used,
       toString(p.access_key_2_last_rotated) AS k2_rotated, toString(p.access_key_2_last_used) AS k2_used,
       [k IN ks | k {{.id, .status, createdate_dt: toString(k.createdate_dt),
                      lastuseddate_dt: toString(k.lastuseddate_dt), .lastused_collected}}] AS keys,
       entries_sha, inputs
"""
# The permission entries, once per distinct record: principals sharing policies share the text.
ENTRIES = """
UNWIND $ids AS id
MATCH (r:PrincipalPermissions {principal_id: id, latest: true})
WHERE NOT coalesce(r.removed, false)
WITH DISTINCT r.sha256 AS sha, r.entries AS entries
RETURN sha, entries
"""


def read_principals(
    account: str, now: datetime, unused_days: int, changed_only: bool
) -> list[dict[str, Any]]:
    """The account's principals (with ``changed_only``: those to recompute), each with its ``entries`` text
    (None without a permission record) and its ``inputs``."""
    params = {
        "account": account,
        "now": now,
        "unused_days": unused_days,
        "version": version(),
        "changed_only": changed_only,
    }
    rows = driver.read(READ, params)
    ids = [r["arn"] for r in rows if r["entries_sha"] is not None]
    texts = {r["sha"]: r["entries"] for r in driver.read(ENTRIES, {"ids": ids})} if ids else {}
    for row in rows:
        sha = row.pop("entries_sha")
        row["entries"] = texts.get(sha) if sha is not None else None
    return rows
