"""What one collection did: accounts and regions collected, files written, and every call that failed.

A failed call writes no file, so the offline reader treats its resource types as *not collected* and keeps
their previous data. The report is how the operator learns which ones (and why).
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from botocore.parsers import ResponseParserError

DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "AuthorizationError",
        "AuthorizationErrorException",
        "Forbidden",
        "AllAccessDisabled",
    }
)
# Codes botocore's standard retry mode treats as throttling; seen here only once its retries ran out.
THROTTLED_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
UNREACHABLE = (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError, ConnectionClosedError)
# Everything a boto3 call raises for a bad answer rather than a bug of ours. ResponseParserError (a body
# that is not the protocol's XML/JSON, e.g. a proxy's HTML error page) is not a BotoCoreError.
CALL_ERRORS: tuple[type[Exception], ...] = (ClientError, BotoCoreError, ResponseParserError)


@dataclass(frozen=True)
class CollectError:
    account: str
    region: str  # a region name or "global"
    service: str  # AWS CLI service name (s3api, not s3)
    command: str  # AWS CLI command name
    resource: str | None  # the per-resource file's name, None for list calls
    code: str  # AWS error code, or the botocore exception name
    kind: str  # denied | throttled | unreachable | error
    message: str

    def __str__(self) -> str:
        where = f"{self.account}/{self.region} aws {self.service} {self.command}"
        where += f" [{self.resource}]" if self.resource else ""
        return f"{where}: {self.kind} {self.code}: {self.message}"


def classify(exc: Exception) -> tuple[str, str, str]:
    """(code, kind, message) for an exception raised by a boto3 call."""
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code", "Unknown"))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in DENIED_CODES or status == 403:
            kind = "denied"
        elif code in THROTTLED_CODES or status == 429:
            kind = "throttled"
        else:
            kind = "error"
        return code, kind, str(err.get("Message", exc))
    if isinstance(exc, UNREACHABLE):
        return type(exc).__name__, "unreachable", str(exc)
    return type(exc).__name__, "error", str(exc)  # other BotoCoreError: no credentials, bad parameter, …


@dataclass
class CollectReport:
    collected_at: str = ""
    accounts: list[str] = field(default_factory=list)
    regions: dict[str, list[str]] = field(default_factory=dict)
    files_written: int = 0
    errors: list[CollectError] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add_error(self, error: CollectError) -> None:
        with self._lock:
            self.errors.append(error)

    def count_file(self) -> None:
        with self._lock:
            self.files_written += 1

    @property
    def status(self) -> str:
        """ok: every call answered; partial: some files missing; failed: no account could be collected."""
        if not self.accounts:
            return "failed"
        return "partial" if self.errors else "ok"

    @property
    def exit_code(self) -> int:
        return {"ok": 0, "partial": 2}.get(self.status, 1)

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "collected_at": self.collected_at,
            "accounts": self.accounts,
            "regions": self.regions,
            "files_written": self.files_written,
            "errors": [asdict(e) for e in sorted(self.errors, key=_error_key)],
        }


def _error_key(e: CollectError) -> tuple[str, ...]:
    return (e.account, e.region, e.service, e.command, e.resource or "")
