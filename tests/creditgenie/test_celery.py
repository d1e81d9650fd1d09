"""The Celery app against a real worker on Redis (never task_always_eager)."""

from __future__ import annotations

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from creditgenie.celery import app, ping


@pytest.fixture(scope="module")
def worker():
    assert not app.conf.task_always_eager
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING") as w:
        yield w


def test_task_round_trip_through_broker_and_worker(worker):
    assert ping.delay().get(timeout=20) == "pong"


@pytest.mark.django_db(transaction=True)
def test_task_queued_on_commit_is_not_sent_before_commit(worker):
    sent = []
    with transaction.atomic():
        transaction.on_commit(lambda: sent.append(ping.delay()))
        assert sent == []
    assert sent[0].get(timeout=20) == "pong"


@pytest.mark.django_db(transaction=True)
def test_task_queued_on_commit_is_dropped_on_rollback(worker):
    sent = []
    with pytest.raises(RuntimeError), transaction.atomic():
        transaction.on_commit(lambda: sent.append(ping.delay()))
        raise RuntimeError("the write failed")
    assert sent == []


def test_worker_settings_redeliver_tasks_of_a_killed_worker():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_default_queue == "test-agency-default"


def test_every_scheduled_task_and_the_notice_delivery_exist_and_go_to_the_deployment_queue():
    app.loader.import_default_modules()  # what a worker imports at start
    names = {entry["task"] for entry in app.conf.beat_schedule.values()}
    names |= {"notifications.notice_deliver", "notifications.notices_resend"}
    assert {"counselor.follow_ups_digest", "intake.offers_remind_and_expire"} <= names
    assert sorted(names - set(app.tasks)) == []
    queues = {name: app.amqp.router.route({}, name)["queue"].name for name in names}
    assert set(queues.values()) == {app.conf.task_default_queue}
