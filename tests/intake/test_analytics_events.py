"""The intake's analytics events (docs/analytics.md, "The calls to add"): each written in its
service's transaction, only when the change happens, with closed-list facts only."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from intake.models import Application, CounselingRequest, Household, PlanOffer
from intake.services import (
    application_start,
    counseling_request_create,
    household_save,
    incomes_replace,
    plan_offer_accept,
    plan_offer_decline,
    plan_offer_publish,
)
from intake.services.analytics import plan_terms_from_snapshot
from integrations.warehouse.models import OutboxEvent
from tenants.signin import AUTH_TIME

pytestmark = pytest.mark.django_db

RESULTS = {
    "monthly_deposit": "412.35",
    "months": 48,
    "total_enrolled": "18749.99",
    "interest_saved": "6120.49",
}


@pytest.fixture(autouse=True)
def stream_on(settings):
    settings.CREDITGENIE_ANALYTICS_KEY = "4e" * 32


def _events(kind: str) -> list[dict]:
    return [
        {k: v for k, v in e.payload.items() if k not in ("consumer_pid", "case_pid")}
        for e in OutboxEvent.objects.filter(event_type=kind).order_by("pk")
    ]


def test_application_started_only_when_the_draft_is_created(consumer):
    first = application_start(consumer=consumer, language="es")
    again = application_start(consumer=consumer, language="en")

    assert again.pk == first.pk
    assert _events("application_started") == [{"language": "es"}]


def test_a_step_completed_is_reported_once_even_after_an_edit_uncompletes_it(draft, consumer):
    for complete in (True, False, True, True):
        household_save(application=draft, values={}, complete=complete, actor=consumer)
    incomes_replace(application=draft, rows=[], complete=False, actor=consumer)

    assert _events("step_completed") == [{"step": "about-you"}]
    draft.refresh_from_db()
    assert (draft.completed_steps, draft.reported_steps) == (["about-you"], ["about-you"])


def test_a_failed_change_rolls_its_event_back(draft, consumer):
    Application.objects.filter(pk=draft.pk).update(status="submitted")
    with pytest.raises(Exception, match="already sent"):
        household_save(application=draft, values={}, complete=True, actor=consumer)

    assert _events("step_completed") == []


def _signer(application: Application) -> None:
    """The applicant's legal name, which the e-signature must match."""
    Household.objects.create(application=application, first_name="Ana", last_name="Lopez")


def _offer(application: Application, **snapshot) -> PlanOffer:
    _signer(application)
    Application.objects.filter(pk=application.pk).update(status="submitted")
    return plan_offer_publish(
        application=application, snapshot={"results": RESULTS, **snapshot}, document="Plan"
    )


def test_accepting_emits_accepted_and_enrolled_with_the_snapshots_rounded_figures(draft, consumer):
    concessions = [
        {"creditor": "Capital  One", "apr": "9.9"},
        {"creditor": "Card 1234567", "apr": "5.00"},  # account-like: left out
        {"creditor": "Discover", "apr": "not a number"},  # left out
    ]
    offer = _offer(draft, concessions=concessions)

    plan_offer_accept(
        application=draft,
        offer_id=offer.public_id,
        document_hash=offer.document_hash,
        typed_name="Ana Lopez",
        consented=True,
        actor=consumer,
    )

    plan = {
        "monthly_payment": "410",
        "term_months": 48,
        "enrolled_debt": "18700",
        "interest_saved": "6100",
        "creditor_count": 1,
        "concessions": [{"creditor": "capital one", "apr": "9.90"}],
    }
    assert _events("accepted") == [plan]
    assert _events("enrolled") == [plan]
    assert Application.objects.get(pk=draft.pk).status == "enrolled"


def test_a_snapshot_without_figures_is_accepted_without_events(draft, consumer):
    _signer(draft)
    Application.objects.filter(pk=draft.pk).update(status="submitted")
    offer = plan_offer_publish(application=draft, snapshot={"monthly": "$1"}, document="Plan")

    plan_offer_accept(
        application=draft,
        offer_id=offer.public_id,
        document_hash=offer.document_hash,
        typed_name="Ana Lopez",
        consented=True,
        actor=consumer,
    )

    assert plan_terms_from_snapshot({"monthly": "$1"}) is None
    assert _events("accepted") == _events("enrolled") == []
    assert Application.objects.get(pk=draft.pk).status == "enrolled"


@pytest.mark.parametrize(
    ("category", "stored"),
    [
        ("payment_too_high", "payment_too_high"),
        ("chose_other_option", "chose_other_option"),
        ("Ana Lopez, 1 Peach St", "other"),
    ],
)
def test_declining_records_the_closed_list_category_and_emits_only_it(
    draft, consumer, category, stored
):
    offer = _offer(draft)

    plan_offer_decline(
        application=draft,
        offer_id=offer.public_id,
        document_hash=offer.document_hash,
        reason="My sister Ana will help",
        category=category,
        actor=consumer,
    )

    offer.refresh_from_db()
    assert (offer.decline_category, offer.decline_reason) == (stored, "My sister Ana will help")
    assert _events("declined") == [{"decline_reason": stored}]


def test_declining_without_a_category_is_other(draft, consumer):
    offer = _offer(draft)

    plan_offer_decline(
        application=draft,
        offer_id=offer.public_id,
        document_hash=offer.document_hash,
        reason="",
        actor=consumer,
    )

    assert _events("declined") == [{"decline_reason": "other"}]


def test_counseling_request_without_an_application_has_its_own_case(consumer):
    request = counseling_request_create(
        consumer=consumer,
        application=None,
        preferred_times=["morning"],
        phone="4045550123",
        language="en",
        note="Call Ana",
        topic="student_loans",
    )
    default = counseling_request_create(
        consumer=consumer,
        application=None,
        preferred_times=[],
        phone=None,
        language="en",
        note=None,
    )

    assert (request.topic, default.topic) == ("student_loans", "debt")
    assert _events("counseling_requested") == [
        {"counseling_topic": "student_loans"},
        {"counseling_topic": "debt"},
    ]
    pids = OutboxEvent.objects.values_list("payload__case_pid", flat=True).order_by("pk")
    assert len(set(pids)) == 2  # counseling-<public_id>: one case per request


def test_the_forms_offer_the_closed_lists(signed_in, consumer):
    page = signed_in.get(reverse("intake:counseling-request")).content.decode()
    assert '<option value="debt" selected>' in page
    for value in CounselingRequest.Topic.values:
        assert f'<option value="{value}"' in page

    signed_in.post(
        reverse("intake:counseling-request"),
        {
            "preferred_times": ["evening"],
            "phone": "404-555-0123",
            "language": "en",
            "topic": "bankruptcy",
        },
    )
    assert CounselingRequest.objects.get().topic == "bankruptcy"
    assert _events("counseling_requested") == [{"counseling_topic": "bankruptcy"}]


def test_the_decline_form_posts_its_category(signed_in, consumer):
    application = application_start(consumer=consumer)
    offer = _offer(application)
    session = signed_in.session
    session[AUTH_TIME] = time.time()  # the offer page asks for a recent sign-in
    session.save()
    page = signed_in.get(reverse("intake:offer", kwargs={"public_id": application.public_id}))
    for value in PlanOffer.DeclineCategory.values:
        assert f'<option value="{value}"' in page.content.decode()

    signed_in.post(
        reverse("intake:offer-decline", kwargs={"public_id": application.public_id}),
        {
            "offer": str(offer.public_id),
            "document_hash": offer.document_hash,
            "category": "chose_other_option",
            "reason": "",
        },
    )

    offer.refresh_from_db()
    assert (offer.status, offer.decline_category) == ("declined", "chose_other_option")
    assert _events("declined") == [{"decline_reason": "chose_other_option"}]


def test_nothing_is_stored_when_the_stream_is_off(settings, consumer):
    settings.CREDITGENIE_ANALYTICS_KEY = ""
    application = application_start(consumer=consumer)
    household_save(application=application, values={}, complete=True, actor=consumer)

    assert not OutboxEvent.objects.exists()
