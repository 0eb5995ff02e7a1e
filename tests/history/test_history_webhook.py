"""The report webhook against a local http.server: retries with backoff, and a clear failure."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from analysis.report.webhook import WebhookError, post


class _Receiver(BaseHTTPRequestHandler):
    fail_first = 0
    calls: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).calls.append(body)
        ok = len(type(self).calls) > type(self).fail_first
        self.send_response(200 if ok else 503)
        self.end_headers()
        self.wfile.write(b"ok" if ok else b"try later")

    def log_message(self, *args: object) -> None:
        pass


def _serve(fail_first: int) -> Iterator[tuple[str, type[_Receiver]]]:
    handler = type("Handler", (_Receiver,), {"fail_first": fail_first, "calls": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook/secret-path", handler
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def flaky() -> Iterator[tuple[str, type[_Receiver]]]:
    yield from _serve(fail_first=2)


@pytest.fixture()
def broken() -> Iterator[tuple[str, type[_Receiver]]]:
    yield from _serve(fail_first=10)


PAYLOAD = {
    "text": "invgraph nightly: 1 added",
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}],
}


def test_fails_twice_then_succeeds(flaky: tuple[str, type[_Receiver]]) -> None:
    url, handler = flaky
    assert post(url, PAYLOAD, backoff=0.01) == 200
    assert len(handler.calls) == 3 and handler.calls[-1] == PAYLOAD


def test_always_failing_raises_a_clear_error(broken: tuple[str, type[_Receiver]]) -> None:
    url, handler = broken
    with pytest.raises(WebhookError) as err:
        post(url, PAYLOAD, backoff=0.01)
    assert len(handler.calls) == 3
    message = str(err.value)
    assert "3 attempts" in message and "HTTP 503" in message and "secret-path" not in message
