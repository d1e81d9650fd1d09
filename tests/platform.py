"""A small real platform on PostgreSQL: a front door that provisions agencies."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tenants.provisioning import env_file_read
from tests.processes import PG_SERVER, deployment_env, manage, pg_admin, pg_drop, unique_name


@dataclass
class Platform:
    tmp: Path
    frontdoor_env: dict[str, str]
    databases: dict[str, str]  # slug -> database name

    def agency_env(self, slug: str, **overrides: str) -> dict[str, str]:
        values = env_file_read(self.tmp / "agencies" / f"{slug}.env")
        # Served over plain http on loopback in tests, not at the public https URL.
        local = {
            "ALLOWED_HOSTS": "127.0.0.1",
            "CREDITGENIE_HTTPS": "false",
            "CREDITGENIE_LOCAL_RUN": "true",
        }
        return deployment_env(values | local | overrides, self.tmp)

    def provision(self, slug: str, *extra: str, check: bool = True):
        name = unique_name(f"cgt_{slug.replace('-', '_')}")
        self.databases[slug] = name
        return manage(
            self.frontdoor_env,
            "provision_agency",
            slug,
            "--name",
            f"{slug.title()} Credit Counseling",
            "--public-url",
            f"https://{slug}.example.org",
            "--database-url",
            f"{PG_SERVER}/{name}",
            *extra,
            check=check,
        )


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    tmp = tmp_path_factory.mktemp("platform")
    frontdoor_db = unique_name("cgt_frontdoor")
    env = deployment_env(
        {
            "CREDITGENIE_ROLE": "frontdoor",
            "CREDITGENIE_TENANT": "frontdoor",
            "DATABASE_URL": f"{PG_SERVER}/{frontdoor_db}",
            "SECRET_KEY": "frontdoor-test-secret-key-0123456789abcdefghijklmnop",
        },
        tmp,
    )
    with pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{frontdoor_db}"')
    manage(env, "migrate", "--noinput")
    manage(env, "init_deployment")
    platform = Platform(tmp=tmp, frontdoor_env=env, databases={"frontdoor": frontdoor_db})
    try:
        yield platform
    finally:
        for name in platform.databases.values():
            pg_drop(name)
