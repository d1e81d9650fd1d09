"""Acceptance 4: texts go through Amazon SNS (moto's server, a real process) only after the
opt-in; STOP (SNS two-way SMS, inbound endpoint) stops every further text."""

from __future__ import annotations

import json

import pytest
import requests
from django.test import Client
from django.urls import reverse

from intake.services import message_post
from notifications.models import ChannelPreference, Notice, SmsOptOut
from notifications.services import notice_deliver, preference_set
from tenants.audit.models import AuditEvent
from tenants.roles import Role, role_grant
from tests.encryption_app.fixtures import moto_server  # noqa: F401  (fixture)

from .conftest import PUBLIC_URL, applicant

INBOUND_TOKEN = "inbound-secret-for-tests"


@pytest.fixture
def sns(settings, moto_server):  # noqa: F811
    settings.NOTIFICATIONS = {
        **settings.NOTIFICATIONS,
        "SMS_BACKEND": "sns",
        "SNS": {
            **settings.NOTIFICATIONS["SNS"],
            "ENDPOINT_URL": moto_server,
            "REGION": "us-east-1",
        },
        "SMS_INBOUND_TOKEN": INBOUND_TOKEN,
    }
    settings.CREDITGENIE_PUBLIC_URL = PUBLIC_URL
    return moto_server


def texts_to(endpoint: str, number: str) -> list[str]:
    """The texts moto's SNS sent to `number` (its model data, read over HTTP)."""
    data = requests.get(f"{endpoint}/moto-api/data.json", timeout=10).json()
    sent = data.get("sns", {}).get("SMS", [])  # no text sent yet: no "sns" models at all
    return [sms["message"] for sms in sent if sms["phone_number"] == number]


@pytest.fixture
def counselor(django_user_model):
    return django_user_model.objects.create_user(username="c-sms", password="long-test-pw-1")


def _counselor_writes(application, counselor) -> list[Notice]:
    message_post(
        application=application, author=counselor, body="Hola Maria, $5,200", from_staff=True
    )
    notices = Notice.objects.filter(recipient=application.consumer, channel="sms").order_by("pk")
    for notice in notices.filter(state="pending"):
        notice_deliver(notice_id=notice.pk)
    return list(notices)


def _stop(client: Client, number: str, word: str = "STOP") -> str:
    inbound = {"originationNumber": number, "messageBody": word}
    envelope = {"Type": "Notification", "Message": json.dumps(inbound)}
    path = reverse("notifications:sms-inbound", args=[INBOUND_TOKEN])
    return client.post(path, json.dumps(envelope), content_type="text/plain").content.decode()


def test_texts_only_after_opt_in_and_never_after_stop(sns, agency_profile, counselor):
    application = applicant(language="es", phone="4045550177")
    number = "+14045550177"

    assert _counselor_writes(application, counselor) == []  # no opt-in: no text at all
    assert texts_to(sns, number) == []

    preference = preference_set(user=application.consumer, email=True, sms=True, language="es")
    assert (preference.sms_consent_version, preference.sms_consent_language) == ("2026-01", "es")
    assert len(preference.sms_consent_sha256) == 64
    [notice] = _counselor_writes(application, counselor)
    notice.refresh_from_db()
    assert notice.state == "delivered" and notice.provider_id
    [text] = texts_to(sns, number)
    assert f"{PUBLIC_URL}/applications/{application.public_id}/messages/" in text
    assert "Responda STOP" in text
    for personal in ("Maria", "Lopez", "5,200", "Hola"):
        assert personal not in text

    assert _stop(Client(), number) == "stopped"
    assert SmsOptOut.objects.count() == 1
    assert len(_counselor_writes(application, counselor)) == 1  # no new SMS notice
    assert len(texts_to(sns, number)) == 1
    assert ChannelPreference.objects.get(user=application.consumer).texts_allowed is True


def test_a_text_written_before_stop_is_not_sent_after_it(sns, agency_profile, counselor):
    application = applicant(phone="4045550188")
    preference_set(user=application.consumer, email=False, sms=True, language="en")
    message_post(application=application, author=counselor, body="hello", from_staff=True)
    notice = Notice.objects.get(recipient=application.consumer, channel="sms")

    assert _stop(Client(), "+14045550188", "stop ") == "stopped"

    assert notice_deliver(notice_id=notice.pk).state == "failed"
    notice.refresh_from_db()
    assert notice.last_error == "the number opted out of texts"
    assert texts_to(sns, "+14045550188") == []


def test_inbound_endpoint_needs_its_secret(sns, agency_profile):
    response = Client().post(
        reverse("notifications:sms-inbound", args=["wrong"]), "{}", content_type="text/plain"
    )
    assert response.status_code == 404
    assert SmsOptOut.objects.count() == 0


def _portal(consumer) -> Client:
    role_grant(consumer, Role.CONSUMER)
    client = Client()
    client.force_login(consumer)
    return client


def test_stop_wins_until_the_person_opts_in_again_in_the_portal(sns, agency_profile, counselor):
    application = applicant(phone="4045550166")
    number, consumer = "+14045550166", application.consumer
    first = preference_set(user=consumer, email=True, sms=True, language="en").sms_consented_at
    assert _stop(Client(), number) == "stopped"
    portal = _portal(consumer)
    path = reverse("notifications:preferences")

    page = portal.get(path).content.decode()
    assert "You answered STOP to our texts" in page
    assert 'name="sms"' in page and "checked" not in page.split('name="sms"')[1].split(">")[0]
    portal.post(path, {"email": "on"})  # saving other choices does not lift the STOP
    assert SmsOptOut.objects.count() == 1
    assert len(_counselor_writes(application, counselor)) == 0

    portal.post(path, {"email": "on", "sms": "on"})  # ticked again, with the consent text
    assert SmsOptOut.objects.count() == 0
    preference = ChannelPreference.objects.get(user=consumer)
    assert preference.texts_allowed and preference.sms_consented_at > first
    opt_ins = AuditEvent.objects.filter(object_type="sms_consent").order_by("pk")
    assert list(opt_ins.values_list("purpose", flat=True)) == [
        "texts opt-in",
        "texts opt-in after STOP",
    ]
    [notice] = _counselor_writes(application, counselor)
    notice.refresh_from_db()
    assert notice.state == "delivered" and len(texts_to(sns, number)) == 1
    assert "You answered STOP" not in portal.get(path).content.decode()
