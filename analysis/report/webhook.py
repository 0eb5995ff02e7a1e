"""POST the Slack-compatible payload with retries (3 attempts, exponential backoff)."""

from __future__ import annotations

import time
from typing import Any

import httpx


class WebhookError(RuntimeError):
    """Every attempt failed; the message names the URL's host, the attempts and the last error."""


def post(
    url: str, payload: dict[str, Any], attempts: int = 3, backoff: float = 1.0, timeout: float = 10.0
) -> int:
    """Returns the HTTP status of the successful attempt; raises WebhookError after the last failure."""
    last = ""
    for attempt in range(1, attempts + 1):
        try:
            resp = httpx.post(url, json=payload, timeout=timeout)
            if resp.status_code < 300:
                return resp.status_code
            last = f"HTTP {resp.status_code}: {resp.text[:200]}"
        except httpx.HTTPError as exc:
            last = f"{type(exc).__name__}: {exc}"
        if attempt < attempts:
            time.sleep(backoff * 2 ** (attempt - 1))  # 1 s, 2 s, … — a restarting receiver gets time
    host = httpx.URL(url).host  # never echo the full URL: Slack webhook paths are secrets
    raise WebhookError(f"webhook to {host} failed after {attempts} attempts; last error: {last}")
