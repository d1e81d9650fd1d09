"""The e-signature on a plan offer (E-SIGN Act / UETA practice): the typed name is the
applicant's legal name, a co-applicant signs too, the intent statement is versioned, the
signed copy shows who signed, when (the agency's timezone) and the signature id, and a
signed offer is never signed again."""

from __future__ import annotations

import io
import re
import time
from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from intake.errors import OfferAlreadySigned
from intake.models import Application, Household, PlanAcceptance, PlanOffer
from intake.services import plan_offer_accept, plan_offer_publish
from intake.services.portal import document_sha256
from tenants.audit.models import AuditEvent
from tenants.encryption.blind_index import blind_index
from tenants.roles import Role, role_grant
from tenants.signin import AUTH_TIME

from .conftest import fill, url

DOCUMENT = "<h1>Written action plan</h1><p>Pay $412.00 a month for 48 months.</p>"
SNAPSHOT = {"monthly_deposit": "$412.00", "language": "en", "creditors": []}
# 19:15 UTC on 6 March 2026 is 2:15 p.m. in New York (EST), the agency's timezone.
SIGNED_AT = datetime(2026, 3, 6, 19, 15, tzinfo=UTC)


def _recent_auth(client: Client) -> None:
    session = client.session
    session[AUTH_TIME] = time.time()
    session.save()


def _pdf_text(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def offer(signed_in, draft):
    fill(signed_in, draft)
    signed_in.post(url(draft, "submit"))
    household = Household.objects.get(application=draft)
    household.first_name, household.last_name = "María", "López"
    household.save()
    _recent_auth(signed_in)
    return plan_offer_publish(application=draft, snapshot=SNAPSHOT, document=DOCUMENT)


def _sign(client: Client, offer: PlanOffer, typed_name: str, headers=None, **extra: str):
    data = {
        "offer": offer.public_id,
        "document_hash": offer.document_hash,
        "typed_name": typed_name,
        "consent": "on",
    }
    return client.post(url(offer.application, "offer-accept"), data | extra, headers=headers)


def test_a_name_that_is_not_the_applicants_is_refused_and_nothing_is_enrolled(signed_in, offer):
    response = _sign(signed_in, offer, "Mickey Mouse")

    assert response.status_code == 200
    assert (
        "Type your full legal name as it is on your application: María López."
        in response.content.decode()
    )
    assert not PlanAcceptance.objects.exists()
    offer.refresh_from_db()
    assert offer.status == PlanOffer.Status.OPEN
    offer.application.refresh_from_db()
    assert offer.application.status == Application.Status.OFFERED


def test_the_legal_name_with_other_case_accents_and_spaces_signs(signed_in, offer):
    with time_machine.travel(SIGNED_AT, tick=False):
        _recent_auth(signed_in)
        response = _sign(
            signed_in, offer, "  MARIA   lopez ", headers={"user-agent": "Firefox/140"}
        )

    assert response["Location"] == url(offer.application, "application")
    acceptance = PlanAcceptance.objects.get(offer=offer)
    assert acceptance.typed_name == "MARIA lopez"
    assert acceptance.document_hash == offer.document_hash == document_sha256(DOCUMENT)
    assert re.fullmatch(r"[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}", acceptance.signature_id)
    assert (acceptance.intent_version, acceptance.intent_language) == ("2026-01", "en")
    assert acceptance.accepted_at == SIGNED_AT
    assert acceptance.signed_by == offer.application.consumer
    assert acceptance.ip_hash == blind_index("ip", "127.0.0.1")
    assert acceptance.user_agent == "Firefox/140"
    offer.application.refresh_from_db()
    assert offer.application.status == Application.Status.ENROLLED
    event = AuditEvent.objects.get(object_id=str(acceptance.public_id))
    assert (event.action, event.object_type, event.actor_id) == (
        "create",
        "plan_acceptance",
        offer.application.consumer_id,
    )
    assert event.purpose == f"plan offer signed ({acceptance.signature_id}, intent 2026-01)"


def test_the_signed_pdf_names_the_signer_the_time_and_the_signature_id(signed_in, offer):
    with time_machine.travel(SIGNED_AT, tick=False):
        _recent_auth(signed_in)
        _sign(signed_in, offer, "Maria Lopez")
        response = signed_in.get(url(offer.application, "signed-plan"))

    acceptance = PlanAcceptance.objects.get(offer=offer)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="signed-plan-{acceptance.signature_id}.pdf"'
    )
    text = _pdf_text(response.content)
    assert "Pay $412.00 a month for 48 months." in text
    assert "Signed by: Maria Lopez" in text
    assert "Date and time: March 6, 2026, 2:15 p.m. EST (America/New_York)" in text
    assert f"Signature id: {acceptance.signature_id}" in text
    assert f"Document SHA-256: {offer.document_hash}" in text
    assert "I intend the name I type to be my electronic signature" in text


def test_the_counselor_downloads_the_same_signed_pdf(signed_in, offer):
    with time_machine.travel(SIGNED_AT, tick=False):
        _recent_auth(signed_in)
        _sign(signed_in, offer, "Maria Lopez")
        consumers_copy = signed_in.get(url(offer.application, "signed-plan")).content
    counselor = get_user_model().objects.create_user(username="carol", password="long-pw-1234")
    role_grant(counselor, Role.COUNSELOR)
    staff = Client()
    staff.force_login(counselor)

    response = staff.get(
        reverse("counselor:signed-plan", kwargs={"public_id": offer.application.public_id})
    )

    assert response.content == consumers_copy
    event = AuditEvent.objects.filter(actor=counselor).latest("seq")
    assert (event.action, event.object_type) == ("export", "plan_acceptance")


def test_a_second_signature_of_the_same_offer_is_refused(signed_in, offer):
    _sign(signed_in, offer, "María López")
    first = PlanAcceptance.objects.get(offer=offer)

    response = _sign(signed_in, offer, "María López")

    assert response["Location"] == url(offer.application, "offer")
    page = signed_in.get(response["Location"]).content.decode()
    assert "This plan is already signed. A signed plan never changes: download your copy." in page
    assert list(PlanAcceptance.objects.values_list("pk", flat=True)) == [first.pk]
    with pytest.raises(OfferAlreadySigned):
        plan_offer_accept(
            application=offer.application,
            offer_id=offer.public_id,
            document_hash=offer.document_hash,
            typed_name="María López",
            consented=True,
            actor=offer.application.consumer,
        )


def test_a_co_applicant_signs_with_their_own_legal_name(signed_in, offer):
    Household.objects.filter(application=offer.application).update(has_co_applicant=True)
    household = Household.objects.get(application=offer.application)
    household.co_first_name, household.co_last_name = "José", "Núñez"
    household.save()

    missing = _sign(signed_in, offer, "María López").content.decode()
    wrong = _sign(signed_in, offer, "María López", co_typed_name="Minnie Mouse").content.decode()
    assert "Your co-applicant types their full legal name." in missing
    assert "Your co-applicant types their full legal name: José Núñez." in wrong
    assert not PlanAcceptance.objects.exists()

    _sign(signed_in, offer, "María López", co_typed_name="jose nunez")

    acceptance = PlanAcceptance.objects.get(offer=offer)
    assert (acceptance.typed_name, acceptance.co_typed_name) == ("María López", "jose nunez")
    pdf = signed_in.get(url(offer.application, "signed-plan")).content
    assert "Co-applicant signed: jose nunez" in _pdf_text(pdf)


def test_the_intent_box_is_the_versioned_statement(signed_in, offer):
    page = signed_in.get(url(offer.application, "offer")).content.decode()

    assert "I intend the name I type to be my electronic signature on this plan" in page
    response = signed_in.post(
        url(offer.application, "offer-accept"),
        {
            "offer": offer.public_id,
            "document_hash": offer.document_hash,
            "typed_name": "Maria Lopez",
        },
    )
    assert "Tick the box to sign." in response.content.decode()
    assert not PlanAcceptance.objects.exists()
