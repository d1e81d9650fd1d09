"""Runs the Plaid sandbox: ``python -m integrations.sandbox.plaid --port 8007``."""

from __future__ import annotations

import argparse

from .server import SandboxServer, SandboxState


def main() -> None:
    parser = argparse.ArgumentParser(description="Local Plaid sandbox (loopback only)")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--client-id", default="sandbox-client-id")
    parser.add_argument("--secret", default="sandbox-secret")
    parser.add_argument("--webhook-url", default="", help="where webhooks go by default")
    args = parser.parse_args()
    state = SandboxState(client_id=args.client_id, secret=args.secret, webhook_url=args.webhook_url)
    server = SandboxServer(("127.0.0.1", args.port), state)
    print(f"plaid sandbox on http://127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
