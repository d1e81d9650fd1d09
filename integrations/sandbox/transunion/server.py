"""The TransUnion sandbox: TUNA XML over HTTP on a ThreadingHTTPServer.

POST /        a request document → the persona's response document (a pull is recorded
              under the request's userRefNumber before any fault delay, as a bureau that
              answers late has already made the inquiry).
POST /lookup  a lookup document → the stored response for its userRefNumber, or 404.
Fault switches: POST /sandbox/admin/faults {"faults": ["slow:5", "500", "error:SYS_BUSY"]};
each pull takes the next one. Hostile answers: "body:malformed" (cut-off XML),
"body:bad_date", "body:bad_balance", "body:bad_late_count" (one bad value in a
well-formed report), "huge:<n>" (the report with <n> copies of a tradeline).
GET /sandbox/admin/calls → {"pulls": {ref: n}, "lookups": n}.
"""

from __future__ import annotations

import json
import threading
import time

# A loopback test server; documents with a DTD are refused in _parse.
import xml.etree.ElementTree as ET  # nosec B405
from collections import Counter, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .personas import NS, bad_value, document

_N = {"t": NS}


class BureauState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reports: dict[str, bytes] = {}
        self.pulls: Counter[str] = Counter()
        self.lookups = 0
        self.faults: deque[str] = deque()

    def fault_next(self) -> str:
        with self.lock:
            return self.faults.popleft() if self.faults else ""


def _error_document(reference: str, code: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><creditBureau xmlns="{NS}">'
        f"<document>response</document><version>2.33</version><transactionControl>"
        f"<userRefNumber>{reference}</userRefNumber></transactionControl><product>"
        f"<code>07000</code><error><code>{code}</code><description>sandbox fault"
        f"</description></error></product></creditBureau>"
    ).encode()


def _hostile(answer: bytes, fault: str) -> bytes:
    """The answer as the fault "body:..." or "huge:<n>" spoils it (else unchanged)."""
    if fault == "body:malformed":
        return answer[: len(answer) // 2]
    if fault.startswith("body:"):
        return bad_value(answer, fault.removeprefix("body:"))
    if fault.startswith("huge:"):
        start = answer.index(b"<trade>")
        trade = answer[start : answer.index(b"</trade>") + len(b"</trade>")]
        return answer[:start] + trade * int(fault.removeprefix("huge:")) + answer[start:]
    return answer


def _parse(body: bytes) -> ET.Element | None:
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        return None
    try:
        return ET.fromstring(body)  # noqa: S314  # nosec B314
    except ET.ParseError:
        return None


class Handler(BaseHTTPRequestHandler):
    server: BureauServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms stalls

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: requests carry SSNs; the sandbox logs nothing per request."""

    def _send(self, status: int, data: bytes, kind: str = "text/xml; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        state = self.server.state
        if self.path != "/sandbox/admin/calls":
            return self._send(404, b"not found", "text/plain")
        answer = {"pulls": dict(state.pulls), "lookups": state.lookups}
        return self._send(200, json.dumps(answer).encode(), "application/json")

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/sandbox/admin/faults":
            with self.server.state.lock:
                self.server.state.faults.extend(json.loads(body)["faults"])
            return self._send(200, b'{"ok": true}', "application/json")
        root = _parse(body)
        if root is None:
            return self._send(400, b"not a TUNA document", "text/plain")
        reference = root.findtext("t:transactionControl/t:userRefNumber", "", _N)
        if self.path == "/lookup":
            return self._lookup(reference)
        if self.path != "/":
            return self._send(404, b"not found", "text/plain")
        return self._pull(root, reference)

    def _lookup(self, reference: str) -> None:
        state = self.server.state
        with state.lock:
            state.lookups += 1
            found = state.reports.get(reference)
        return self._send(200, found) if found else self._send(404, b"", "text/plain")

    def _pull(self, root: ET.Element, reference: str) -> None:
        state = self.server.state
        fault = state.fault_next()
        if fault == "500":
            return self._send(500, b"internal error", "text/plain")
        if fault.startswith("error:"):
            return self._send(200, _error_document(reference, fault.removeprefix("error:")))
        ssn = root.findtext(".//t:indicative/t:socialSecurity/t:number", "", _N)
        answer = _hostile(document(ssn=ssn, reference=reference), fault)
        with state.lock:
            state.pulls[reference] += 1
            state.reports[reference] = answer
        if fault.startswith("slow:"):
            time.sleep(float(fault.removeprefix("slow:")))
        return self._send(200, answer)


class BureauServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int]) -> None:
        super().__init__(address, Handler)
        self.state = BureauState()
