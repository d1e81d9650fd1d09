"""Double submit against a real Celery worker on Redis: one verification request."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.auth import get_user_model
from django.test import Client

from creditgenie.celery import app
from intake.models import Application, VerificationRequest
from intake.services import application_start, verification_request_record
from tenants.roles import Role, role_grant

from .conftest import fill, url


@pytest.fixture(scope="module")
def worker():
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING") as w:
        yield w


@pytest.mark.django_db(transaction=True)
def test_double_submit_queues_one_verification_job(worker, agency_profile):
    consumer = get_user_model().objects.create_user(username="twice", password="long-pw-12345")
    role_grant(consumer, Role.CONSUMER)
    client = Client()
    client.force_login(consumer)
    draft = application_start(consumer=consumer)
    fill(client, draft)

    client.post(url(draft, "submit"))
    client.post(url(draft, "submit"))

    deadline = time.monotonic() + 20
    started = VerificationRequest.objects.filter(application=draft, started_at__isnull=False)
    while not started.exists():
        assert time.monotonic() < deadline, "the verification task never ran"
        time.sleep(0.1)
    time.sleep(1)  # a second job, had one been queued, would have run by now
    draft.refresh_from_db()
    assert draft.status == Application.Status.SUBMITTED
    assert VerificationRequest.objects.filter(application=draft).count() == 1
    assert list(draft.status_changes.values_list("stage", flat=True)) == [
        "submitted",
        "verifying",
    ]
    assert verification_request_record(application_id=draft.pk) is False  # redelivery: no-op
