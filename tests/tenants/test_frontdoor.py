"""The front door routes consumers by referral code, ZIP prefix, state or choice."""

from __future__ import annotations

import psycopg
import pytest
import requests
from django.utils import timezone

from tenants.models import Agency, ReferralCode, RoutingCount, Territory
from tests.processes import PG_SERVER, manage, server

pytestmark = pytest.mark.urls("creditgenie.urls_frontdoor")


@pytest.fixture(autouse=True)
def frontdoor_role(settings):
    settings.IS_FRONTDOOR = True


@pytest.fixture
def registry(db):
    acme = Agency.objects.create(
        slug="acme", display_name="Acme Credit Counseling", public_url="https://acme.example.org"
    )
    beacon = Agency.objects.create(
        slug="beacon",
        display_name="Beacon Financial Counseling",
        public_url="https://beacon.example.org/",
    )
    closed = Agency.objects.create(
        slug="closed",
        display_name="Closed Agency",
        public_url="https://closed.example.org",
        active=False,
        priority=1,
    )
    ReferralCode.objects.create(agency=acme, code="acme-flyer")
    ReferralCode.objects.create(agency=closed, code="closed-flyer")
    ReferralCode.objects.create(agency=beacon, code="old-code", active=False)
    Territory.objects.bulk_create(
        [
            Territory(agency=acme, state="GA"),
            Territory(agency=beacon, state="GA"),
            Territory(agency=acme, state="TX", zip_prefix="750"),
            Territory(agency=beacon, state="TX"),
            Territory(agency=beacon, state="TX", zip_prefix="7500"),
            Territory(agency=closed, state="NY"),
            Territory(agency=closed, state="TX", zip_prefix="75001"),
        ]
    )
    return {"acme": acme, "beacon": beacon, "closed": closed}


def _count(agency, method) -> int:
    row = RoutingCount.objects.filter(agency=agency, method=method, day=timezone.localdate())
    return row.values_list("count", flat=True).first() or 0


def test_referral_code_redirects_to_its_agency_keeping_utm(client, registry):
    response = client.get("/r/ACME-Flyer/?utm_source=radio&utm_campaign=fall&name=Jane&x=1")
    assert response.status_code == 302
    assert response["Location"] == (
        "https://acme.example.org/?ref=acme-flyer&utm_source=radio&utm_campaign=fall"
    )
    assert _count(registry["acme"], "referral") == 1


def test_referral_code_of_inactive_agency_or_code_shows_chooser(client, registry):
    for code in ("closed-flyer", "old-code", "no-such-code"):
        response = client.get(f"/r/{code}/")
        assert response.status_code == 404
        body = response.content.decode()
        assert "That link is no longer active" in body
        assert "Acme Credit Counseling" in body
        assert "Beacon Financial Counseling" in body
        assert "Closed Agency" not in body


def test_zip_prefix_routes_to_longest_matching_prefix(client, registry):
    assert client.get("/route/?zip_code=75001")["Location"] == "https://beacon.example.org/"
    assert client.get("/route/?zip_code=75011")["Location"] == "https://acme.example.org/"
    assert _count(registry["beacon"], "zip") == 1
    assert _count(registry["acme"], "zip") == 1


def test_state_routes_with_deterministic_tie_break(client, registry):
    # Both serve GA with equal priority: the alphabetically first slug wins, every time.
    for _ in range(3):
        response = client.get("/route/?state=GA&utm_source=tv")
        assert response["Location"] == "https://acme.example.org/?utm_source=tv"
    Agency.objects.filter(slug="beacon").update(priority=10)
    assert client.get("/route/?state=GA")["Location"] == "https://beacon.example.org/"
    assert _count(registry["acme"], "state") == 3


def test_zip_outside_state_rules_falls_back_to_the_state(client, registry):
    response = client.get("/route/?state=TX&zip_code=77001")
    assert response["Location"] == "https://beacon.example.org/"
    assert _count(registry["beacon"], "state") == 1


def test_inactive_agency_never_receives_consumers(client, registry):
    ny = client.get("/route/?state=NY")
    assert ny.status_code == 200
    assert "We could not find an agency for that area" in ny.content.decode()
    assert client.get("/agencies/closed/").status_code == 404
    assert RoutingCount.objects.filter(agency=registry["closed"]).count() == 0
    assert _count(None, "unmatched") == 1


def test_chooser_lists_active_agencies_and_keeps_parameters(client, registry):
    page = client.get("/agencies/?utm_source=mail&ssn=123").content.decode()
    assert "Closed Agency" not in page
    assert 'href="/agencies/beacon/?utm_source=mail"' in page
    response = client.get("/agencies/beacon/?utm_source=mail")
    assert response["Location"] == "https://beacon.example.org/?utm_source=mail"
    assert _count(registry["beacon"], "chooser") == 1


def test_bad_territory_input_keeps_what_was_typed(client, registry):
    response = client.get("/route/?state=TX&zip_code=7500x")
    body = response.content.decode()
    assert response.status_code == 400
    assert "Enter a 5-digit ZIP code, like 30301." in body
    assert 'value="7500x"' in body
    assert '<option value="TX" selected>' in body
    empty = client.get("/route/")
    assert "Choose your state or enter your ZIP code." in empty.content.decode()


CONSUMER_PII_WORDS = (
    "ssn",
    "social",
    "birth",
    "dob",
    "address",
    "phone",
    "email",
    "name",
    "zip",
    "income",
    "ip_addr",
    "user_agent",
)
# Operators' own accounts (auth_user) are staff data, not consumer data.
OPERATOR_TABLES = {"auth_user"}


def test_frontdoor_database_has_no_consumer_pii_column(platform):
    url = f"{PG_SERVER}/{platform.databases['frontdoor']}"
    with psycopg.connect(url) as conn:
        columns = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public'"
        ).fetchall()
    tables = {table for table, _ in columns}
    assert "tenants_agency" in tables
    assert not any(t.startswith(("intake_", "counselor_", "integrations_")) for t in tables)
    suspicious = [
        (table, column)
        for table, column in columns
        if table not in OPERATOR_TABLES and any(word in column for word in CONSUMER_PII_WORDS)
    ]
    # display_name/first/last names of agencies and content types are not about consumers.
    allowed = {
        ("tenants_agency", "display_name"),
        ("django_content_type", "app_label"),
        ("auth_permission", "name"),
        ("auth_group", "name"),
        ("django_migrations", "name"),
        ("django_content_type", "model"),
        ("auth_permission", "codename"),
        ("tenants_agencyprofile", "name"),
        ("tenants_agencyprofile", "short_name"),
        ("tenants_agencyprofile", "phone"),
        ("tenants_agencyprofile", "email"),
        ("tenants_territory", "zip_prefix"),
    }
    assert sorted(set(suspicious) - allowed) == []


def test_frontdoor_admin_sign_in_without_next_lands_on_the_admin_index(platform):
    env = platform.frontdoor_env | {"DJANGO_SUPERUSER_PASSWORD": "an-operator-test-password"}
    manage(env, "createsuperuser", "--noinput", "--username", "operator-1", "--email", "")
    with server(platform.frontdoor_env) as url, requests.Session() as session:
        session.get(f"{url}/admin/login/", timeout=10)
        response = session.post(
            f"{url}/admin/login/",
            data={
                "username": "operator-1",
                "password": "an-operator-test-password",
                "csrfmiddlewaretoken": session.cookies["cg_frontdoor_csrftoken"],
            },
            headers={"Referer": f"{url}/admin/login/"},
            timeout=10,
            allow_redirects=False,
        )
        index = session.get(f"{url}/admin/", timeout=10)

    assert (response.status_code, response.headers["Location"]) == (302, "/admin/")
    assert index.status_code == 200
    assert "Site administration" in index.text
