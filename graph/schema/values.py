"""One canonical form per property value, applied where properties are written and where they are compared.

Readers hand the loader the same fact in several spellings: AWS CLI text (``2024-01-01T06:00:00.000Z``),
boto3 / botocore ``datetime`` objects, Neo4j ``DateTime`` read back from the graph, ``"443"`` from gcloud
where boto3 says ``443``, tag lists in API order, JSON documents with keys in any order. Stored as they
came, each spelling moves the fingerprint and shows up in history and drift as a change that is not one.

``normalise(value, kind)`` turns each spelling into one stored form (text timestamps stay as sent, for
Cartography's string properties); ``canonical(value)`` is the comparison key the fingerprint, history and
drift use (so a Neo4j ``DateTime`` and the Python ``datetime``
it was written from compare equal). The kind of a property is declared on its ``PropertyRef``
(``graph.schema.model``): ordered lists and plain scalars need no marker; datetime objects become UTC
everywhere, and points in time, numbers, order-free lists and JSON documents are declared, so the
equal-value test (tests/history/test_equal_values.py) can walk every property that may hold one.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from neo4j.time import Date as Neo4jDate
from neo4j.time import DateTime as Neo4jDateTime


class Kind(Enum):
    PLAIN = "plain"  # stored as given (datetime objects still become UTC)
    TIME = "time"  # a point in time, stored as a datetime (Neo4j DateTime); ISO text is parsed
    TIME_TEXT = "time-text"  # a point in time kept as text, as sent (Cartography's string copies); compared
    # by instant: the fingerprint and history use ``canonical``, so another spelling is no change
    NUMBER = "number"  # int / float, also when the reader sends "443" or "1.5"
    SET = "set"  # a list whose order carries no meaning (tags, CIDR lists, rule ranges): stored sorted
    JSON = "json"  # a JSON document as text: keys sorted, compact separators


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$")


def _utc(value: datetime) -> datetime:
    """Timezone-aware UTC; a naive value is taken as UTC (what the AWS and GCP APIs mean)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def parse_datetime(text: str) -> datetime | None:
    """An ISO-8601 timestamp in any of the spellings the CLIs print, or None when ``text`` is not one.

    Fractional seconds longer than microseconds (Neo4j prints nanoseconds) are cut to microseconds.
    """
    text = text.strip()
    if not _ISO.match(text):
        return None
    body = text.replace("Z", "+00:00").replace(" ", "T", 1)
    body = re.sub(r"(\.\d{6})\d+", r"\1", body)
    if re.search(r"[+-]\d{4}$", body):  # +0000 → +00:00
        body = body[:-2] + ":" + body[-2:]
    try:
        return _utc(datetime.fromisoformat(body))
    except ValueError:
        return None


def iso(value: datetime) -> str:
    """The one text spelling of a timestamp: UTC, ``+00:00``, fractional seconds only when non-zero."""
    return _utc(value).isoformat()


def _number(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)  # 443.0 and 443 are one port
    if isinstance(value, bool) or not isinstance(value, str):
        return value
    text = value.strip()
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        number = float(text)
        return int(number) if number.is_integer() else number
    return value  # not a number: kept as sent, so nothing is lost


def _json_text(value: Any) -> Any:
    if not isinstance(value, str):
        return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    try:
        doc = json.loads(value)
    except ValueError:
        return value  # not JSON: kept as sent
    return json.dumps(doc, sort_keys=True, separators=(",", ":"))


def _set_key(item: Any) -> tuple[str, str]:
    return (type(item).__name__, str(item))


def normalise(value: Any, kind: Kind = Kind.PLAIN) -> Any:
    """The stored form of ``value`` for a property of ``kind`` (module docstring)."""
    if value is None:
        return None
    if isinstance(value, Neo4jDateTime):
        value = value.to_native()
    elif isinstance(value, Neo4jDate):
        value = value.to_native()
    if isinstance(value, str) and kind is Kind.TIME:
        parsed = parse_datetime(value)
        value = parsed if parsed else value  # not a timestamp: kept as sent, so nothing is lost
    if isinstance(value, datetime):
        value = _utc(value)
        return iso(value) if kind in (Kind.JSON, Kind.TIME_TEXT) else value
    if kind is Kind.NUMBER:
        return _number(value)
    if kind is Kind.JSON:
        return _json_text(value)
    if isinstance(value, (list, tuple)):
        items = [normalise(v) for v in value]
        return sorted(set(items), key=_set_key) if kind is Kind.SET else items
    return value


def canonical(value: Any) -> Any:
    """A JSON-ready comparison key for a stored or loaded value: equal meaning, equal key.

    Timestamps (objects or ISO text) become ISO text in UTC; ``date`` becomes ``YYYY-MM-DD``; lists keep
    their order (order-free ones were sorted when written). Used by history and drift on both sides of a
    comparison, so a value read back from Neo4j equals the Python value it was written from.
    """
    if isinstance(value, Neo4jDateTime | Neo4jDate):
        value = value.to_native()
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        parsed = parse_datetime(value) if len(value) <= 40 else None
        return iso(parsed) if parsed else value
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    return value


def same(a: Any, b: Any) -> bool:
    """True when two property values mean the same (canonical keys equal)."""
    return canonical_json(a) == canonical_json(b)


def canonical_json(value: Any) -> str:
    return json.dumps(canonical(value), sort_keys=True, default=str, separators=(",", ":"))
