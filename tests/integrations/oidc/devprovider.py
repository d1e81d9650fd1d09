"""The local OpenID provider (integrations/oidc/devprovider) as a real node process."""

from __future__ import annotations

import copy
import json
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.processes import BASE_DIR, free_port, wait_for

SERVER = BASE_DIR / "integrations" / "oidc" / "devprovider" / "server.mjs"
USERS = BASE_DIR / "integrations" / "oidc" / "devprovider" / "users.json"
KEYS = BASE_DIR / "integrations" / "oidc" / "devprovider" / "dev-only-signing-keys.json"
DEMO_PASSWORD = "genie-demo-2026"


def client_entry(client_id: str, agency: str, base_url: str) -> dict[str, Any]:
    """One registered client: an agency deployment answering at ``base_url``."""
    return {
        "client_id": client_id,
        "client_secret": f"{client_id}-secret-0123456789",
        "agency": agency,
        "redirect_uris": [f"{base_url}/oidc/callback/"],
        "post_logout_redirect_uris": [f"{base_url}/accounts/signed-out/"],
    }


@dataclass
class DevProvider:
    issuer: str
    users_file: Path

    def person(self, agency: str, username: str) -> dict[str, Any]:
        people = json.loads(self.users_file.read_text())["agencies"][agency]
        return next(p for p in people if p["username"] == username)

    @contextmanager
    def changed(self, agency: str, username: str, **changes: Any) -> Iterator[dict[str, Any]]:
        """Changes (or with ``_new=True`` adds) an account at the provider, then undoes it."""
        original = self.users_file.read_text()
        data = json.loads(original)
        people = data["agencies"][agency]
        if changes.pop("_new", False):
            person = copy.deepcopy(people[0]) | {"username": username} | changes
            people.append(person)
        else:
            person = next(p for p in people if p["username"] == username)
            person.update(changes)
        self.users_file.write_text(json.dumps(data))
        try:
            yield person
        finally:
            self.users_file.write_text(original)


@contextmanager
def dev_provider(
    tmp: Path, clients: list[dict[str, Any]], port: int | None = None
) -> Iterator[DevProvider]:
    port = port or free_port()
    issuer = f"http://127.0.0.1:{port}"
    users = tmp / "users.json"
    users.write_text(USERS.read_text())
    clients_file = tmp / "clients.json"
    clients_file.write_text(json.dumps(clients))
    env = os.environ | {
        "OIDC_DEV_PORT": str(port),
        "OIDC_DEV_ISSUER": issuer,
        "OIDC_DEV_CLIENTS": str(clients_file),
        "OIDC_DEV_USERS": str(users),
    }
    log = (tmp / "provider.log").open("w")
    proc = subprocess.Popen(
        ["node", str(SERVER)], env=env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_for(f"{issuer}/.well-known/openid-configuration", proc, timeout=30)
        yield DevProvider(issuer=issuer, users_file=users)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
