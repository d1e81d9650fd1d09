"""A small client for ClamAV's clamd: the INSTREAM command over TCP or a unix socket.

Protocol (clamd(8)): send `zINSTREAM\\0`, then chunks each prefixed with their length as a
4-byte big-endian integer, then a zero length; clamd answers one NUL-terminated line:
`stream: OK`, `stream: <signature> FOUND`, or `<reason> ERROR`. The Python packages for this
(clamd, pyclamd) are unmaintained, and the protocol is this small.

Every socket operation has a timeout. Errors say whether they are permanent.
"""

from __future__ import annotations

import contextlib
import socket
import struct
from dataclasses import dataclass

from .errors import ScannerError

CHUNK = 64 * 1024
MAX_REPLY = 4096


@dataclass(frozen=True)
class ScanVerdict:
    infected: bool
    signature: str = ""


def _connect(address: str, timeout: float) -> socket.socket:
    if address.startswith("/"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(address)
        return sock
    host, _sep, port = address.rpartition(":")
    return socket.create_connection((host.strip("[]"), int(port)), timeout=timeout)


def _reply(sock: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\0") and len(data) < MAX_REPLY:
        part = sock.recv(MAX_REPLY)
        if not part:
            break
        data += part
    return data.rstrip(b"\0").decode("utf-8", "replace").strip()


def _send(sock: socket.socket, data: bytes) -> None:
    sock.sendall(b"zINSTREAM\0")
    for start in range(0, len(data), CHUNK):
        chunk = data[start : start + CHUNK]
        sock.sendall(struct.pack("!L", len(chunk)) + chunk)
    sock.sendall(struct.pack("!L", 0))


def verdict_parse(reply: str) -> ScanVerdict:
    """Turns clamd's answer into a verdict. Raises ScannerError (permanent when clamd refused
    the stream, e.g. over its StreamMaxLength; temporary for anything else)."""
    if reply == "stream: OK":
        return ScanVerdict(infected=False)
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        return ScanVerdict(infected=True, signature=reply[len("stream: ") : -len(" FOUND")])
    permanent = "size limit exceeded" in reply.lower()
    raise ScannerError(f"clamd answered {reply[:200]!r}", permanent=permanent)


def clamd_scan(*, address: str, data: bytes, timeout: float) -> ScanVerdict:
    """Streams `data` to clamd at `address` (host:port or a socket path) and returns the
    verdict. Side effects: one connection to clamd. Raises ScannerError."""
    try:
        with _connect(address, timeout) as sock:
            # clamd stops reading when it refuses a stream; its reply says why.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                _send(sock, data)
            reply = _reply(sock)
    except (OSError, ValueError) as exc:
        raise ScannerError(f"clamd at {address} unreachable: {exc}", permanent=False) from None
    if not reply:
        raise ScannerError("clamd closed the connection without a verdict", permanent=False)
    return verdict_parse(reply)


def clamd_ping(*, address: str, timeout: float) -> bool:
    """True when clamd answers PING with PONG. Side effects: one connection."""
    try:
        with _connect(address, timeout) as sock:
            sock.sendall(b"zPING\0")
            return _reply(sock) == "PONG"
    except (OSError, ValueError):
        return False
