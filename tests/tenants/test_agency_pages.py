"""The agency profile brands every page and is edited in the admin."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intake.models import Application
from tenants import selectors
from tenants.models import AgencyProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, agency_profile):
    admin = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-boss-123!")
    client.force_login(admin)
    return client


def test_landing_page_shows_the_agency_brand(client, agency_profile):
    agency_profile.phone = "1-800-555-0100"
    agency_profile.brand_colour = "#00ff88"
    agency_profile.save()
    page = client.get("/").content.decode()
    assert "<title>Test Credit Counseling</title>" in page
    assert "Prefer to talk? Call 1-800-555-0100." in page
    assert 'href="/brand.css"' in page
    css = client.get("/brand.css")
    assert css["Content-Type"] == "text/css; charset=utf-8"
    assert css.content.decode() == ":root { --agency-brand: #00ff88; }\n"


def test_profile_edited_in_admin_changes_the_header(admin_client, agency_profile):
    url = f"/admin/tenants/agencyprofile/{agency_profile.pk}/change/"
    form = {
        "name": "Acme Credit Counseling",
        "short_name": "Acme",
        "brand_colour": "#112233",
        "states_served": ["GA", "FL"],
        "phone": "555-0100",
        "email": "help@acme.example.org",
        "timezone": "America/Chicago",
        "languages": ["en", "es"],
        # Read-only here: the fee schedule page validates, steps up and audits it.
        "fee_schedule": '{"enrollment_fee": "999"}',
    }
    before = agency_profile.fee_schedule
    response = admin_client.post(url, form)
    assert response.status_code == 302
    agency_profile.refresh_from_db()
    assert agency_profile.fee_schedule == before
    assert agency_profile.states_served == ["GA", "FL"]
    assert agency_profile.timezone == "America/Chicago"
    assert "<title>Acme Credit Counseling</title>" in admin_client.get("/").content.decode()


def test_profile_admin_rejects_bad_colour_and_keeps_input(admin_client, agency_profile):
    url = f"/admin/tenants/agencyprofile/{agency_profile.pk}/change/"
    form = {
        "name": "Renamed",
        "short_name": "R",
        "brand_colour": "blue",
        "timezone": "America/Chicago",
        "languages": ["en"],
        "fee_schedule": "{}",
    }
    response = admin_client.post(url, form)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Use a colour like #1a4480." in body
    assert 'value="Renamed"' in body
    agency_profile.refresh_from_db()
    assert agency_profile.name == "Test Credit Counseling"


def test_profile_is_a_singleton_in_the_admin(admin_client, agency_profile):
    assert admin_client.get("/admin/tenants/agencyprofile/add/").status_code == 403
    delete = admin_client.post(f"/admin/tenants/agencyprofile/{agency_profile.pk}/delete/")
    assert delete.status_code == 403
    assert AgencyProfile.objects.count() == 1


def test_start_twice_resumes_the_same_draft(client, consumer, agency_profile):
    client.force_login(consumer)
    first = client.post("/apply/")
    second = client.post("/apply/")
    assert first["Location"] == second["Location"]
    application = Application.objects.get(consumer=consumer)
    assert first["Location"] == f"/applications/{application.public_id}/"
    assert application.status == Application.Status.DRAFT


def test_application_of_another_consumer_is_404(client, consumer, other_consumer, agency_profile):
    application = Application.objects.create(consumer=other_consumer)
    client.force_login(consumer)
    response = client.get(f"/applications/{application.public_id}/")
    assert response.status_code == 404
    assert str(application.public_id) not in response.content.decode()


def test_anonymous_visitor_is_sent_to_sign_in(client, consumer, agency_profile):
    application = Application.objects.create(consumer=consumer)
    response = client.get(f"/applications/{application.public_id}/")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/applications/{application.public_id}/"


def _profile_reads(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert "Test Credit Counseling" in client.get("/").content.decode()
    return sum("tenants_agencyprofile" in query["sql"] for query in captured)


def test_pages_read_the_profile_once_per_process(client, agency_profile):
    assert (_profile_reads(client), _profile_reads(client), _profile_reads(client)) == (1, 0, 0)


def test_a_saved_profile_shows_on_the_next_page(client, agency_profile):
    client.get("/")
    agency_profile.phone = "1-800-555-0199"
    agency_profile.save()

    assert "Call 1-800-555-0199." in client.get("/").content.decode()


def test_another_process_edit_shows_once_the_copy_is_old(client, agency_profile, monkeypatch):
    client.get("/")
    AgencyProfile.objects.update(phone="1-800-555-0142")  # no signal here, as elsewhere
    assert "555-0142" not in client.get("/").content.decode()

    monkeypatch.setattr(selectors.profile_kept, "seconds", 0.0)
    assert "Call 1-800-555-0142." in client.get("/").content.decode()
