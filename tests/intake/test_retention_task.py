"""The scheduled retention task through a real Celery worker, and its beat entry."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.utils import timezone

from creditgenie.celery import app
from intake.models import Application
from intake.tasks import retention_purge_task


@pytest.fixture(scope="module")
def worker():
    assert not app.conf.task_always_eager
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING") as w:
        yield w


def test_retention_task_is_scheduled_daily():
    assert settings.CELERY_BEAT_SCHEDULE["retention-purge"] == {
        "task": "intake.retention_purge",
        "schedule": 86400,
    }


@pytest.mark.django_db(transaction=True)
def test_retention_task_purges_through_the_worker(worker, consumer, other_consumer):
    with time_machine.travel(timezone.now() - dt.timedelta(days=200), tick=False):
        old = Application.objects.create(consumer=consumer)
    fresh = Application.objects.create(consumer=other_consumer)

    result = retention_purge_task.delay().get(timeout=30)

    assert result["purged"] == {"abandoned-draft": 1, "closed-case": 0}
    assert list(Application.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not Application.objects.filter(pk=old.pk).exists()
