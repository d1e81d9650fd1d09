"""Runs the TransUnion sandbox: ``python -m integrations.sandbox.transunion --port 8008``."""

from __future__ import annotations

import argparse

from .server import BureauServer


def main() -> None:
    parser = argparse.ArgumentParser(description="Local TransUnion (TUNA) sandbox (loopback only)")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    server = BureauServer(("127.0.0.1", args.port))
    print(f"transunion sandbox on http://127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
