"""Sending an offer: step-up, the frozen numbers equal the engine's, the frozen document's
hash equals the action plan's, the analytics event, and "enrolled" once the consumer accepts."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from counselor.engine.snapshots import results_json
from counselor.services.offers import offer_document
from counselor.services.proposals import proposal_build_from, proposal_start
from intake.models import (
    Application,
    PlanOffer,
)
from intake.services import plan_offer_accept
from integrations.warehouse.models import OutboxEvent
from tenants.audit.models import AuditEvent
from tenants.roles import Role
from tests.counselor.cases import sent_application
from tests.counselor.conftest import recent_auth

pytestmark = pytest.mark.django_db


@pytest.fixture
def counselor(make_staff):
    return make_staff("counselor-1", Role.COUNSELOR)


@pytest.fixture
def offered_case(terms, agency_profile, inputs):
    # A budget a standard plan fits (the demo's full income covers every minimum payment).
    inputs["household"]["incomes"][0]["net"] = "3600.00"
    application = sent_application()
    version = proposal_start(case_id=application.public_id, inputs=inputs, actor=None)
    return application, version


def _send(client, application: Application):
    url = reverse("counselor:case-offer", kwargs={"public_id": application.public_id})
    return client.post(url, {"version": "1"})


def test_sending_needs_a_recent_sign_in(client, counselor, offered_case):
    application, _version = offered_case
    client.force_login(counselor)

    response = _send(client, application)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert not PlanOffer.objects.exists()


def test_coming_back_from_signing_in_again_lands_on_the_cases_plans(
    client, counselor, offered_case
):
    """The step-up returns with a GET to the send URL (a browser cannot replay a POST):
    the counselor sees the case's Plans with a hint to press send again; nothing is sent."""
    application, _version = offered_case
    client.force_login(counselor)
    url = reverse("counselor:case-offer", kwargs={"public_id": application.public_id})
    stale = client.post(url, {"version": "1"})
    assert f"next={url}".replace("/", "%2F") in stale["Location"]

    back = client.get(url, follow=True)

    case = reverse("counselor:case", kwargs={"public_id": application.public_id})
    assert back.redirect_chain == [(f"{case}?section=plans", 302)]
    assert "Press “Send” once more to send the offer." in back.content.decode()
    assert 'id="case-offer-send"' in back.content.decode()
    assert not PlanOffer.objects.exists()


def test_offer_freezes_the_engines_numbers_and_the_action_plan_document(
    client, counselor, offered_case, settings
):
    settings.CREDITGENIE_ANALYTICS_KEY = "a" * 64
    application, version = offered_case
    client.force_login(counselor)
    recent_auth(client)

    response = _send(client, application)

    assert response.status_code == 302
    case = reverse("counselor:case", kwargs={"public_id": application.public_id})
    assert response["Location"] == f"{case}?section=plans"
    offer = PlanOffer.objects.get(application=application)
    assert offer.snapshot["results"] == version.results
    assert offer.snapshot["results"] == results_json(proposal_build_from(version.inputs))
    _context, document = offer_document(proposal=version.proposal, version=version)
    assert offer.document == document.html
    assert offer.document_hash == document.sha256 == offer.snapshot["document_sha256"]
    assert offer.document_hash == hashlib.sha256(offer.document.encode()).hexdigest()
    application.refresh_from_db()
    assert application.status == Application.Status.OFFERED
    assert OutboxEvent.objects.filter(event_type="plan_offered").count() == 1
    event = OutboxEvent.objects.get(event_type="plan_offered")
    # Named by the agency's terms entries the demo debts matched, not the report's lines.
    assert offer.snapshot["concessions"] == [
        {"creditor": "Chase", "apr": "6.00"},
        {"creditor": "Synchrony Bank", "apr": "9.90"},
        {"creditor": "Capital One", "apr": "7.40"},
    ]
    assert event.payload["concessions"] == [
        {"creditor": "chase", "apr": "6.00"},
        {"creditor": "synchrony bank", "apr": "9.90"},
        {"creditor": "capital one", "apr": "7.40"},
    ]
    events = AuditEvent.objects.filter(case_id=str(application.public_id), object_type="plan_offer")
    assert ("create", "allowed") in list(events.values_list("action", "outcome"))


def test_case_shows_enrolled_once_the_consumer_accepts(client, counselor, offered_case):
    application, _version = offered_case
    client.force_login(counselor)
    recent_auth(client)
    _send(client, application)
    offer = PlanOffer.objects.get(application=application)

    plan_offer_accept(
        application=application,
        offer_id=offer.public_id,
        document_hash=offer.document_hash,
        typed_name="Maria Lopez",
        consented=True,
        actor=application.consumer,
    )

    case = reverse("counselor:case", kwargs={"public_id": application.public_id})
    text = client.get(f"{case}?section=plans").content.decode()
    assert "Enrolled" in text and "accepted — enrolled" in text


def test_case_without_a_proposal_has_no_offer_to_send(client, counselor):
    application = sent_application()
    client.force_login(counselor)
    recent_auth(client)

    assert _send(client, application).status_code == 404


# ---- offers ---------------------------------------------------------------------------


def test_offers_list_shows_the_decline_reason(client, counselor):
    application = sent_application(status="declined")
    offer = PlanOffer.objects.create(
        application=application,
        snapshot={},
        document="doc",
        document_hash="0" * 64,
        status="declined",
        decline_reason="Too much with daycare costs.",
    )
    category = hasattr(offer, "decline_category")
    if category:
        PlanOffer.objects.filter(pk=offer.pk).update(decline_category="payment_too_high")
    client.force_login(counselor)

    case = reverse("counselor:case", kwargs={"public_id": application.public_id})
    body = client.get(f"{case}?section=plans").content.decode()

    expected = (
        "declined because: The monthly payment is too high; Too much with daycare costs."
        if category
        else "declined because: Too much with daycare costs."
    )
    assert expected in body
