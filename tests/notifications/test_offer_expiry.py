"""Acceptance 3: with frozen time, an unanswered offer is reminded once and expired once;
both portals show it expired and the analytics stream gets one `declined` (no_response)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from django.test import Client
from django.urls import reverse

from intake.models import Application, PlanOffer
from intake.services import plan_offer_publish
from intake.services.offer_expiry import offers_remind_and_expire
from integrations.warehouse.models import OutboxEvent
from notifications.models import Notice
from tenants.roles import Role, role_grant
from tests.counselor.conftest import recent_auth

from .conftest import applicant
from .test_outbox import DOCUMENT, SNAPSHOT

SENT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _sweep(days: float) -> tuple[int, int]:
    now = SENT + timedelta(days=days)
    with time_machine.travel(now, tick=False):
        sweep = offers_remind_and_expire(now=now)
    return sweep.reminded, sweep.expired


def _kinds(application: Application) -> list[str]:
    rows = Notice.objects.filter(recipient=application.consumer).order_by("pk")
    return list(rows.values_list("kind", flat=True))


def test_offer_is_reminded_once_then_expired_once(db, settings, agency_profile, django_user_model):
    settings.NOTIFICATIONS = {
        **settings.NOTIFICATIONS,
        "OFFER_REMINDER_DAYS": 7,
        "OFFER_EXPIRY_DAYS": 30,
    }
    settings.CREDITGENIE_ANALYTICS_KEY = "4e" * 32  # the analytics stream on
    counselor = django_user_model.objects.create_user(
        username="counselor-x", password="long-test-pw-1", email="counselor@acme.example.org"
    )
    role_grant(counselor, Role.COUNSELOR)
    application = applicant(language="es")
    with time_machine.travel(SENT, tick=False):
        offer = plan_offer_publish(
            application=application, snapshot=SNAPSHOT, document=DOCUMENT, actor=counselor
        )

    assert _sweep(6.9) == (0, 0)
    assert _sweep(7.1) == (1, 0)
    assert _sweep(8) == (0, 0)
    assert _sweep(29.9) == (0, 0)
    assert _sweep(30.1) == (0, 1)
    assert _sweep(31) == (0, 0)

    offer.refresh_from_db()
    application.refresh_from_db()
    assert (offer.status, application.status) == ("expired", "declined")
    assert offer.reminded_at == SENT + timedelta(days=7.1)
    assert _kinds(application) == ["offer_ready", "offer_reminder", "offer_expired"]
    staff = Notice.objects.filter(recipient=counselor).values_list("kind", flat=True)
    assert list(staff) == ["offer_expired_counselor"]
    declined = OutboxEvent.objects.filter(event_type="declined")
    assert [event.payload["decline_reason"] for event in declined] == ["no_response"]

    role_grant(application.consumer, Role.CONSUMER)
    consumer = Client()
    consumer.force_login(application.consumer)
    recent_auth(consumer)  # the offer page asks for a fresh sign-in
    consumer.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = consumer.get(reverse("intake:offer", args=[application.public_id])).content.decode()
    assert "Venció: no hubo respuesta a tiempo." in page
    assert 'name="typed_name"' not in page  # nothing left to sign
    staff_client = Client()
    staff_client.force_login(counselor)
    plans = f"{reverse('counselor:case', args=[application.public_id])}?section=plans"
    assert "expired — no answer in time" in staff_client.get(plans).content.decode()


def test_an_answered_or_superseded_offer_is_never_reminded_nor_expired(
    db, settings, agency_profile
):
    settings.CREDITGENIE_ANALYTICS_KEY = "4e" * 32
    application = applicant()
    with time_machine.travel(SENT, tick=False):
        first = plan_offer_publish(application=application, snapshot=SNAPSHOT, document=DOCUMENT)
        plan_offer_publish(application=application, snapshot=SNAPSHOT, document=DOCUMENT + " v2")
    PlanOffer.objects.exclude(pk=first.pk).update(status="accepted")

    assert _sweep(40) == (0, 0)
    assert not OutboxEvent.objects.filter(event_type="declined").exists()
