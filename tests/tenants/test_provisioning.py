"""provision_agency and migrate_agencies on PostgreSQL, run as operators run them."""

from __future__ import annotations

import hashlib
import hmac
import re

import psycopg
import pyarrow.parquet as pq
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
        platform.frontdoor_env,
        "provision_agency",
        "echo",
        "--name",
        "Echo Credit Counseling",
        "--public-url",
        "https://echo.example.org",
        "--database-url",
        f"{PG_SERVER}/{name}",
    )

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
        result,
        platform,
        "Bad_Slug!",
        "invalid slug 'Bad_Slug!': use 3-40 lowercase letters, digits or hyphens, "
        "starting with a letter",
    )
    assert not pg_exists(platform.databases["Bad_Slug!"])


def test_provision_agency_rejects_a_duplicate_slug_with_another_url(platform):
    platform.provision("foxtrot")
    result = manage(
        platform.frontdoor_env,
        "provision_agency",
        "foxtrot",
        "--name",
        "Other",
        "--public-url",
        "https://other.example.org",
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "CommandError: agency 'foxtrot' is already registered with public URL "
        "https://foxtrot.example.org"
    )
    assert _registered(platform, "foxtrot")[0][2] == "https://foxtrot.example.org"


def test_provision_agency_fails_cleanly_on_an_unreachable_database(platform):
    name = unique_name("cgt_golf")
    result = manage(
        platform.frontdoor_env,
        "provision_agency",
        "golf",
        "--name",
        "Golf",
        "--public-url",
        "https://golf.example.org",
        "--database-url",
        f"postgres://postgres@127.0.0.1:1/{name}",
        check=False,
    )
    _assert_failed_cleanly(
        result, platform, "golf", "cannot reach the database server at 127.0.0.1:1"
    )


# --- the analytics stream: the platform's key and warehouse in every agency's environment ---

EMIT_AND_SHIP = """
from django.db import transaction
from integrations.warehouse import facts as f
from integrations.warehouse.services import outbox_emit
from integrations.warehouse.tasks import warehouse_ship
with transaction.atomic():
    outbox_emit(event_type="counseling_requested",
                subject=f.Subject(consumer_ref="7", case_ref="counseling-x"),
                facts=f.CounselingRequested(topic="housing"))
print(warehouse_ship())
"""


def _frontdoor_key(platform) -> str:
    path = platform.tmp / "var" / "keys" / "analytics.key"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    return path.read_text().strip()


def test_agencies_get_the_platform_analytics_key_and_warehouse_and_ship_there(platform):
    key = _frontdoor_key(platform)  # made by the front door's init_deployment
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert manage(platform.frontdoor_env, "init_deployment").returncode == 0
    assert _frontdoor_key(platform) == key  # made once, never replaced
    warehouse = platform.tmp / "var" / "warehouse"

    platform.provision("hotel")
    platform.provision("india")

    for slug in ("hotel", "india"):
        values = env_file_read(platform.tmp / "agencies" / f"{slug}.env")
        assert values["CREDITGENIE_ANALYTICS_KEY"] == key
        assert values["CREDITGENIE_WAREHOUSE_URL"] == f"file://{warehouse}"
    shipped = manage(platform.agency_env("hotel"), "shell", "-v", "0", "-c", EMIT_AND_SHIP)
    assert shipped.stdout.strip() == "{'batches': 1, 'events': 1, 'failed': False}"
    (path,) = warehouse.glob("agency=hotel/date=*/batch-*.parquet")
    row = pq.read_table(path).to_pylist()[0]
    expected = hmac.new(bytes.fromhex(key), b"consumer\0hotel\x007", hashlib.sha256).hexdigest()
    assert (row["event_type"], row["counseling_topic"]) == ("counseling_requested", "housing")
    assert row["consumer_pid"] == expected


def test_the_front_door_environment_key_wins_over_the_key_file(platform):
    own = "5d" * 32
    env = platform.frontdoor_env | {"CREDITGENIE_ANALYTICS_KEY": own}
    show = "from tenants.analytics_key import stream_environment as s; print(sorted(s().items()))"

    printed = manage(env, "shell", "-v", "0", "-c", show).stdout.strip()

    warehouse = platform.tmp / "var" / "warehouse"
    assert printed == str(
        [("CREDITGENIE_ANALYTICS_KEY", own), ("CREDITGENIE_WAREHOUSE_URL", f"file://{warehouse}")]
    )


def test_an_agency_with_another_analytics_key_is_refused_and_its_file_kept(platform):
    path = platform.tmp / "agencies" / "juliet.env"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("CREDITGENIE_ANALYTICS_KEY='" + "e7" * 32 + "'\n")

    result = platform.provision("juliet", check=False)

    assert result.returncode == 1
    assert result.stderr.strip() == (
        "CommandError: agency 'juliet' has another CREDITGENIE_ANALYTICS_KEY than the "
        "platform's: its pseudonyms would not match; fix its environment file"
    )
    assert path.read_text() == "CREDITGENIE_ANALYTICS_KEY='" + "e7" * 32 + "'\n"
    assert _registered(platform, "juliet") == []
    assert not pg_exists(platform.databases["juliet"])
