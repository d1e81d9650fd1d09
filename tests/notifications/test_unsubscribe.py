"""Acceptance 5: the unsubscribe link in a notice works signed out and turns off one
channel for one person only; notices the law requires still go out."""

from __future__ import annotations

import re

from django.test import Client

from intake.services import plan_offer_publish
from notifications.channels import rendered
from notifications.kinds import Kind
from notifications.models import ChannelPreference, Notice
from notifications.services import notice_send, preference_set

from .conftest import PUBLIC_URL, applicant
from .test_outbox import DOCUMENT, SNAPSHOT


def _unsubscribe_path(notice: Notice) -> str:
    _subject, body = rendered(notice)
    [url] = re.findall(rf"{re.escape(PUBLIC_URL)}(/notices/unsubscribe/\S+/)", body)
    return url


def test_unsubscribe_link_works_signed_out_for_that_person_and_channel(settings, agency_profile):
    settings.CREDITGENIE_PUBLIC_URL = PUBLIC_URL
    ana, ben = applicant(), applicant()
    for person in (ana, ben):
        preference_set(user=person.consumer, email=True, sms=True, language="en")
    plan_offer_publish(application=ana, snapshot=SNAPSHOT, document=DOCUMENT)
    notice = Notice.objects.get(recipient=ana.consumer, channel="email")
    path = _unsubscribe_path(notice)
    anonymous = Client()

    confirm = anonymous.get(path)
    assert "Stop these notices?" in confirm.content.decode()
    assert ChannelPreference.objects.get(user=ana.consumer).email is True  # a GET changes nothing
    done = anonymous.post(path)

    assert "You are unsubscribed" in done.content.decode()
    ana_choice = ChannelPreference.objects.get(user=ana.consumer)
    assert (ana_choice.email, ana_choice.texts_allowed) == (False, True)
    ben_choice = ChannelPreference.objects.get(user=ben.consumer)
    assert (ben_choice.email, ben_choice.texts_allowed) == (True, True)

    notice_send(kind=Kind.OFFER_READY, recipient=ana.consumer, email="ana@example.org")
    notice_send(kind=Kind.OFFER_EXPIRED, recipient=ana.consumer, email="ana@example.org")
    kinds = Notice.objects.filter(recipient=ana.consumer, channel="email").values_list(
        "kind", flat=True
    )
    assert sorted(kinds) == ["offer_expired", "offer_ready"]  # the required one only, again


def test_a_forged_or_changed_link_is_refused(settings, agency_profile):
    settings.CREDITGENIE_PUBLIC_URL = PUBLIC_URL
    ana = applicant()
    plan_offer_publish(application=ana, snapshot=SNAPSHOT, document=DOCUMENT)
    path = _unsubscribe_path(Notice.objects.get(recipient=ana.consumer))
    forged = path.replace(f"/{ana.consumer.pk}:", f"/{ana.consumer.pk + 1}:")

    assert Client().post(forged).status_code == 404
    assert Client().post("/notices/unsubscribe/nonsense/").status_code == 404
    assert not ChannelPreference.objects.filter(user=ana.consumer, email=False).exists()
