"""A real agency deployment (gunicorn, PostgreSQL) signing in through the real local
OpenID provider (node), configured as in production: no password sign-in."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.integrations.oidc.devprovider import DevProvider, client_entry, dev_provider
from tests.processes import BASE_DIR, free_port, server


@dataclass
class Deployment:
    url: str
    provider: DevProvider
    database: str


def oidc_env(platform, provider_port: int, **extra: str) -> dict[str, str]:
    entry = client_entry("cg-acme", "acme", "unused")
    return platform.agency_env(
        "acme",
        OIDC_ISSUER=f"http://127.0.0.1:{provider_port}",
        OIDC_RP_CLIENT_ID=entry["client_id"],
        OIDC_RP_CLIENT_SECRET=entry["client_secret"],
        CREDITGENIE_DEV_LOGIN="false",
        **extra,
    )


@pytest.fixture(scope="module")
def deployment(platform, tmp_path_factory) -> Iterator[Deployment]:
    platform.provision("acme")
    port = free_port()
    # The deployment does not need the provider to start (discovery is lazy), so it starts
    # first and the provider then registers the deployment's real callback URL.
    with server(oidc_env(platform, port)) as url:
        tmp = tmp_path_factory.mktemp("e2e-provider")
        with dev_provider(tmp, [client_entry("cg-acme", "acme", url)], port=port) as provider:
            yield Deployment(url=url, provider=provider, database=platform.databases["acme"])


ARTIFACTS: list[Path] = []


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """This run's screenshot folder, var/artifacts/e2e/<UTC timestamp>/ (printed at the end)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = BASE_DIR / "var" / "artifacts" / "e2e" / stamp
    folder.mkdir(parents=True, exist_ok=True)
    ARTIFACTS.append(folder)
    print(f"\nscreenshots: {folder}")
    return folder


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for folder in ARTIFACTS:
        count = len(list(folder.rglob("*.png")))
        terminalreporter.write_line(f"e2e screenshots ({count}): {folder}")
