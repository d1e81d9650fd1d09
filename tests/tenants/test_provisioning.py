"""provision_agency and migrate_agencies on PostgreSQL, run as operators run them."""

from __future__ import annotations

import psycopg
import pytest
import requests

from tenants.provisioning import env_file_read
from tests.processes import PG_SERVER, manage, pg_exists, server, unique_name

pytestmark = pytest.mark.processes


def _registered(platform, slug: str) -> list[tuple]:
    url = f"{PG_SERVER}/{platform.databases['frontdoor']}"
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT slug, display_name, public_url, active FROM tenants_agency WHERE slug=%s",
            [slug],
        ).fetchall()


def test_provision_agency_creates_a_working_agency_from_nothing(platform):
    result = platform.provision("delta")
    name = platform.databases["delta"]

    assert pg_exists(name)
    printed = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    assert printed["CREDITGENIE_TENANT"] == "delta"
    assert printed["DATABASE_URL"] == f"{PG_SERVER}/{name}"
    assert len(printed["SECRET_KEY"]) >= 50
    assert env_file_read(platform.tmp / "agencies" / "delta.env") == printed
    assert _registered(platform, "delta") == [
        ("delta", "Delta Credit Counseling", "https://delta.example.org", True)
    ]
    with server(platform.agency_env("delta")) as url:
        page = requests.get(f"{url}/", timeout=10)
        assert page.status_code == 200
        assert "<title>Delta Credit Counseling</title>" in page.text


def test_provision_agency_is_idempotent(platform):
    platform.provision("echo")
    first = env_file_read(platform.tmp / "agencies" / "echo.env")
    name = platform.databases["echo"]

    again = manage(
        platform.frontdoor_env, "provision_agency", "echo", "--name", "Echo Credit Counseling",
        "--public-url", "https://echo.example.org", "--database-url", f"{PG_SERVER}/{name}",
    )  # fmt: skip

    assert again.returncode == 0
    assert env_file_read(platform.tmp / "agencies" / "echo.env") == first
    assert len(_registered(platform, "echo")) == 1
    migrated = manage(platform.frontdoor_env, "migrate_agencies")
    assert "echo: migrated" in migrated.stdout


def _assert_failed_cleanly(result, platform, slug: str, message: str) -> None:
    assert result.returncode == 1
    error_lines = result.stderr.strip().splitlines()
    assert error_lines == [f"CommandError: {message}"]
    assert _registered(platform, slug) == []
    assert not (platform.tmp / "agencies" / f"{slug}.env").exists()


def test_provision_agency_rejects_an_illegal_slug(platform):
    result = platform.provision("Bad_Slug!", check=False)
    _assert_failed_cleanly(
        result, platform, "Bad_Slug!",
        "invalid slug 'Bad_Slug!': use 3-40 lowercase letters, digits or hyphens, "
        "starting with a letter",
    )  # fmt: skip
    assert not pg_exists(platform.databases["Bad_Slug!"])


def test_provision_agency_rejects_a_duplicate_slug_with_another_url(platform):
    platform.provision("foxtrot")
    result = manage(
        platform.frontdoor_env, "provision_agency", "foxtrot", "--name", "Other",
        "--public-url", "https://other.example.org", check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "CommandError: agency 'foxtrot' is already registered with public URL "
        "https://foxtrot.example.org"
    )
    assert _registered(platform, "foxtrot")[0][2] == "https://foxtrot.example.org"


def test_provision_agency_fails_cleanly_on_an_unreachable_database(platform):
    name = unique_name("cgt_golf")
    result = manage(
        platform.frontdoor_env, "provision_agency", "golf", "--name", "Golf",
        "--public-url", "https://golf.example.org",
        "--database-url", f"postgres://postgres@127.0.0.1:1/{name}", check=False,
    )  # fmt: skip
    _assert_failed_cleanly(
        result, platform, "golf", "cannot reach the database server at 127.0.0.1:1"
    )
