"""Acceptance 1 and 2: the outbox delivers to a real SMTP server (aiosmtpd, its own process),
in the consumer's language, without personal data; a mail outage loses nothing and fails
nothing, and a real Celery worker delivers once the server is back."""

from __future__ import annotations

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from creditgenie.celery import app
from intake.models import Application
from intake.services import application_start, plan_offer_publish
from notifications.models import Notice
from notifications.services import notice_deliver
from tenants.roles import Role, role_grant
from tests.intake.conftest import fill, url

from .conftest import PUBLIC_URL, applicant, received, smtp_sink, wait_until

DOCUMENT = "Action plan: pay $412.00 a month for 48 months to CHASE CARD."
SNAPSHOT = {"monthly_deposit": "$412.00", "creditors": [{"creditor": "CHASE CARD"}]}


@pytest.fixture(scope="module")
def worker():
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING") as w:
        yield w


def test_offer_ready_mail_reaches_smtp_in_spanish_without_personal_data(mail_settings, db):
    port, folder = mail_settings
    application = applicant(language="es")
    plan_offer_publish(application=application, snapshot=SNAPSHOT, document=DOCUMENT)
    notice = Notice.objects.get(recipient=application.consumer, kind="offer_ready")
    assert (notice.channel, notice.language, notice.state) == ("email", "es", "pending")

    with smtp_sink(port, folder):
        assert notice_deliver(notice_id=notice.pk).state == "delivered"

    [(raw, message)] = received(folder)
    link = f"{PUBLIC_URL}/applications/{application.public_id}/offer/"
    assert message["Subject"].strip() == "Asesoría de crédito: su oferta de plan está lista"
    assert message["To"] == application.household.email
    body = message.get_content()
    assert "Su consejero le envió una oferta de plan." in body
    assert link in body
    for personal in ("Maria", "Lopez", "CHASE", "412", "5,200", "$"):
        assert personal.encode() not in raw, personal
        assert personal not in body, personal
    notice.refresh_from_db()
    assert (notice.state, notice.attempts, notice.delivered_at is not None) == (
        "delivered",
        1,
        True,
    )


@pytest.mark.django_db(transaction=True)
def test_mail_outage_keeps_the_notice_until_a_real_worker_delivers_it(
    worker, mail_settings, agency_profile
):
    port, folder = mail_settings  # nothing listens on `port` yet: the mail server is down
    consumer = get_user_model().objects.create_user(username="outage", password="long-pw-12345")
    role_grant(consumer, Role.CONSUMER)
    client = Client()
    client.force_login(consumer)
    draft = application_start(consumer=consumer)
    fill(client, draft)

    response = client.post(url(draft, "submit"))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Application.Status.SUBMITTED
    notice = Notice.objects.get(recipient=consumer, kind="application_received")
    wait_until(lambda: Notice.objects.filter(pk=notice.pk, attempts__gte=1).exists())
    notice.refresh_from_db()
    assert notice.state == "pending" and notice.last_error.startswith("mail server unavailable")

    with smtp_sink(port, folder):
        wait_until(lambda: Notice.objects.filter(pk=notice.pk, state="delivered").exists())

    notice.refresh_from_db()
    assert notice.attempts >= 2 and notice.last_error == ""
    [(raw, message)] = received(folder)
    assert message["Subject"].strip() == "Credit counseling: we received your application"
    assert f"{PUBLIC_URL}{reverse('intake:application', args=[draft.public_id])}" in raw.decode()
    assert b"Ana" not in raw and b"Lopez" not in raw
