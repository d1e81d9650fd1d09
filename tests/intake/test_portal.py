"""The portal: consent withdrawal stops pulls, plan offers and e-signatures, messages,
"talk to a counselor"."""

from __future__ import annotations

import hashlib
import time

import pytest
from django.core import mail

from intake.errors import OfferNotOpen
from intake.models import Application, Consent, CounselingRequest, Message, PlanAcceptance
from intake.selectors.consents import consent_is_live
from intake.selectors.counseling import counseling_requests_open
from intake.services import plan_offer_accept, plan_offer_publish
from tenants.audit.models import AuditEvent
from tenants.signin import AUTH_TIME

from .conftest import fill, url

DOCUMENT = "Action plan: pay $412.00 a month for 48 months."
SNAPSHOT = {
    "monthly_deposit": "$412.00",
    "creditors": [{"creditor": "Big Bank", "payment": "$180"}],
}


@pytest.fixture
def submitted(signed_in, draft):
    fill(signed_in, draft)
    signed_in.post(url(draft, "submit"))
    draft.refresh_from_db()
    return draft


def _recent_auth(client) -> None:
    session = client.session
    session[AUTH_TIME] = time.time()
    session.save()


def test_withdrawn_fcra_consent_stops_pulls_and_is_audited(signed_in, submitted):
    assert consent_is_live(submitted, Consent.Kind.CREDIT_PULL) is True

    response = signed_in.post(url(submitted, "consent-withdraw"), {"kind": "credit_pull"})

    assert response["Location"] == url(submitted, "application")
    assert consent_is_live(submitted, Consent.Kind.CREDIT_PULL) is False
    consent = Consent.objects.get(application=submitted, kind="credit_pull")
    assert consent.withdrawn_at is not None
    purposes = AuditEvent.objects.filter(object_id=str(consent.public_id)).values_list(
        "action", "purpose"
    )
    assert list(purposes) == [
        ("create", "consent given: credit_pull"),
        ("update", "consent withdrawn: credit_pull"),
    ]


def test_accepting_records_the_hash_of_the_exact_document(signed_in, submitted):
    offer = plan_offer_publish(application=submitted, snapshot=SNAPSHOT, document=DOCUMENT)
    _recent_auth(signed_in)
    page = signed_in.get(url(submitted, "offer")).content.decode()
    assert "$412.00" in page and "Big Bank" in page

    response = signed_in.post(
        url(submitted, "offer-accept"),
        {
            "offer": offer.public_id,
            "document_hash": offer.document_hash,
            "typed_name": "Ana Lopez",
            "consent": "on",
        },
    )

    assert response["Location"] == url(submitted, "application")
    acceptance = PlanAcceptance.objects.get(application=submitted)
    assert acceptance.document_hash == hashlib.sha256(DOCUMENT.encode()).hexdigest()
    assert (acceptance.typed_name, acceptance.offer_id) == ("Ana Lopez", offer.pk)
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.ENROLLED


def test_offer_document_is_shown_as_a_document_and_never_runs_stored_markup(signed_in, submitted):
    document = (
        "<h1>Written action plan</h1><p>Pay <b>$412.00</b> a month.</p>"
        '<table width="100%"><tr><td width="50%">Big Bank</td></tr></table>'
        "<script>alert(1)</script><img src=x onerror=alert(2)>"
        '<p onclick="alert(3)"><a href="javascript:alert(4)">Click</a></p>'
        '<style>body{display:none}</style><form action="https://evil.example"></form>'
    )
    plan_offer_publish(application=submitted, snapshot=SNAPSHOT, document=document)
    _recent_auth(signed_in)

    page = signed_in.get(url(submitted, "offer")).content.decode()

    article = page.split('class="usa-prose offer-document"', 1)[1].split("</article>", 1)[0]
    assert article.split(">", 1)[1] == (
        "<h1>Written action plan</h1><p>Pay <b>$412.00</b> a month.</p>"
        # A table scrolls sideways in its own box on a narrow phone.
        '<div class="offer-table" tabindex="0">'
        '<table width="100%"><tbody><tr><td width="50%">Big Bank</td></tr></tbody></table></div>'
        "<p>Click</p>"
    )
    for gone in ("alert(", "onerror", "onclick", "javascript:", "evil.example", "display:none"):
        assert gone not in page


def test_superseded_offer_is_refused(signed_in, submitted):
    old = plan_offer_publish(application=submitted, snapshot=SNAPSHOT, document=DOCUMENT)
    new = plan_offer_publish(application=submitted, snapshot=SNAPSHOT, document=DOCUMENT + " v2")
    _recent_auth(signed_in)

    signed_in.post(
        url(submitted, "offer-accept"),
        {
            "offer": old.public_id,
            "document_hash": old.document_hash,
            "typed_name": "Ana Lopez",
            "consent": "on",
        },
    )

    assert not PlanAcceptance.objects.exists()
    old.refresh_from_db()
    assert (old.superseded, old.status, new.superseded) == (True, "open", False)
    with pytest.raises(OfferNotOpen):
        plan_offer_accept(
            application=submitted,
            offer_id=old.public_id,
            document_hash=old.document_hash,
            typed_name="Ana",
            consented=True,
            actor=submitted.consumer,
        )


def test_accepting_needs_a_recent_sign_in(signed_in, submitted):
    offer = plan_offer_publish(application=submitted, snapshot=SNAPSHOT, document=DOCUMENT)
    response = signed_in.post(
        url(submitted, "offer-accept"),
        {
            "offer": offer.public_id,
            "document_hash": offer.document_hash,
            "typed_name": "Ana Lopez",
            "consent": "on",
        },
    )

    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not PlanAcceptance.objects.exists()


def test_portal_timeline_and_masked_data(signed_in, submitted):
    page = signed_in.get(url(submitted, "application")).content.decode()

    assert "Submitted" in page and "Verifying" in page
    assert "***-**-6789" in page and "123-45-6789" not in page
    assert "4045550123" not in page


def test_message_is_encrypted_and_the_notification_has_no_pii(signed_in, submitted, settings):
    from tenants.models import AgencyProfile

    AgencyProfile.objects.update(email="agency@example.org")
    with pytest.MonkeyPatch.context():
        signed_in.post(url(submitted, "messages"), {"body": "My SSN is 123-45-6789"})

    message = Message.objects.get(application=submitted)
    assert message.body == "My SSN is 123-45-6789"
    page = signed_in.get(url(submitted, "messages")).content.decode()
    assert "My SSN is 123-45-6789" in page


def test_counseling_request_reaches_the_queue_without_any_step(signed_in, consumer):
    response = signed_in.post(
        "/talk-to-a-counselor/",
        {"preferred_times": ["morning", "saturday"], "phone": "404-555-0199", "language": "es"},
    )

    assert response.status_code == 302
    request = CounselingRequest.objects.get()
    assert (request.phone, request.preferred_times, request.language) == (
        "4045550199",
        ["morning", "saturday"],
        "es",
    )
    assert list(counseling_requests_open()) == [request]
    assert mail.outbox == [] or "404" not in mail.outbox[0].body


def test_start_leads_back_to_the_open_application_and_a_closed_one_allows_a_new(
    signed_in, submitted
):
    response = signed_in.post("/apply/")

    assert response["Location"] == url(submitted, "application")
    assert Application.objects.filter(consumer=submitted.consumer).count() == 1

    Application.objects.filter(pk=submitted.pk).update(status=Application.Status.CLOSED)
    again = signed_in.post("/apply/")

    draft = Application.objects.get(consumer=submitted.consumer, status="draft")
    assert again["Location"] == url(draft, "application")


def test_portal_home_links_to_the_notice_choices_in_both_languages(signed_in, submitted):
    link = '<a class="usa-link" href="/notices/preferences/">'
    page = signed_in.get(url(submitted, "application")).content.decode()
    assert f"{link}Your notices</a>" in page
    signed_in.post("/i18n/setlang/", {"language": "es", "next": "/"})
    page = signed_in.get(url(submitted, "application")).content.decode()
    assert f"{link}Sus avisos</a>" in page
    choices = signed_in.get("/notices/preferences/").content.decode()
    assert "<h1>Cómo le avisamos sobre su caso</h1>" in choices
