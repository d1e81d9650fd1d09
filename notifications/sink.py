"""The local SMTP sink: a real SMTP server (aiosmtpd) that writes every message it
receives to a folder as an .eml file. `bin/start` runs it for local runs; tests start it
as a process. Staff read the folder at /notices/local-mail/ in local runs only.

    python -m notifications.sink --port 8025 --folder var/mail
"""

from __future__ import annotations

import argparse
import signal
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class FolderHandler:
    """Writes each message whole (headers and body as received) to `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        name = f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        partial = self.folder / f".{name}.part"
        partial.write_bytes(envelope.original_content or envelope.content)
        partial.rename(self.folder / name)  # readers never see half a message
        return "250 Message accepted for delivery"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--folder", type=Path, default=Path("var/mail"))
    args = parser.parse_args(argv)
    args.folder.mkdir(parents=True, exist_ok=True)
    controller = Controller(FolderHandler(args.folder), hostname=args.host, port=args.port)
    controller.start()
    print(f"SMTP sink on {args.host}:{args.port} writing to {args.folder}", flush=True)
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
