"""Faults injected into the submit-to-verified path with real processes (a prefork Celery
worker, Redis, PostgreSQL, both sandboxes): a worker SIGKILLed in the middle of the
reconciliation, and a broker that cannot be reached when the consumer submits. Nothing
lost, nothing duplicated, nothing left pending or running after the sweeper's period."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis

from creditgenie.celery import app
from intake.models import Application, VerificationRequest
from intake.services import application_start
from intake.services.verification import pull_key, verification_sweep
from integrations.attempts import VendorAttempt
from integrations.plaid.models import PlaidItem
from integrations.tasks import verification_sweep as vendor_sweep
from integrations.transunion.models import BureauPull, CreditReport
from integrations.warehouse.models import OutboxEvent
from tests.e2e.test_verification import _consumer, _finish, _link, _steps
from tests.integrations.plaid import conftest as plaid_fixtures
from tests.integrations.plaid.sandboxes import PLAID_ID, PLAID_SECRET, calls, faults, wait_until
from tests.integrations.transunion import conftest as bureau_fixtures
from tests.integrations.transunion.subjects import bureau_calls
from tests.integrations.transunion.test_worker_kill import _children, worker_process
from tests.processes import free_port

from .conftest import fill, url

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]
plaid_url, plaid = plaid_fixtures.plaid_url, plaid_fixtures.plaid
bureau_url, bureau = bureau_fixtures.bureau_url, bureau_fixtures.bureau
ANALYTICS_KEY = "0b" * 32


def _completed(application: Application) -> bool:
    return VerificationRequest.objects.filter(
        application=application, completed_at__isnull=False
    ).exists()


def test_worker_killed_mid_reconciliation_reconciles_once(plaid, bureau, agency_profile, settings):
    settings.CREDITGENIE_ANALYTICS_KEY = ANALYTICS_KEY
    env = {"PLAID_HOST": plaid, "PLAID_CLIENT_ID": PLAID_ID, "PLAID_SECRET": PLAID_SECRET}
    env |= {"PLAID_WEBHOOK_URL": "", "CREDITGENIE_ANALYTICS_KEY": ANALYTICS_KEY}
    client = _consumer("killed-mid-reconcile", agency_profile)
    draft = application_start(consumer=client.user)
    with worker_process(bureau, "reconcile-first", env) as first:
        _steps(client, draft)
        _link(client, draft)
        _finish(client, draft)
        wait_until(lambda: PlaidItem.objects.filter(synced_at__isnull=False).exists(), 60)
        # The reconciliation's one vendor call hangs: the worker dies inside it.
        faults(plaid, "/identity/match", "slow:8")
        assert client.post(url(draft, "submit")).status_code == 302
        wait_until(lambda: calls(plaid).get("/identity/match") == 1, timeout=60)
        assert not _completed(draft)
        (child,) = _children(first.pid)
        os.kill(child, signal.SIGKILL)
        with worker_process(bureau, "reconcile-second", env):
            wait_until(lambda: _completed(draft), timeout=90)
    request = VerificationRequest.objects.get(application=draft)
    assert request.result["identity"]["name_score"] is not None  # the redelivered run's
    assert calls(plaid)["/identity/match"] == 2  # the killed run's and the redelivered one
    pull = BureauPull.objects.get(idempotency_key=pull_key(draft))
    assert bureau_calls(bureau)["pulls"][pull.reference] == 1
    assert CreditReport.objects.filter(pull=pull).count() == 1
    # One set of flags and one event per verified source: nothing written twice.
    flags = list(draft.verification_flags.values_list("code", "detail"))
    assert len(flags) == len(set(flags))
    codes = Counter(code for code, _detail in flags)
    assert (codes["income_differs"], codes["debt_not_listed"]) == (1, 6)  # six not stated
    completed = OutboxEvent.objects.filter(event_type="verification_completed")
    assert sorted(e.payload["verification_source"] for e in completed) == [
        "bank",
        "bureau",
        "identity",
        "income",
    ]
    settings.VERIFICATION_CLAIM_TIMEOUT_SECONDS = 1  # the sweeper's period has passed
    time.sleep(1.1)
    assert vendor_sweep() == {"attempts": 1, "pulls": 0, "syncs": 0}
    assert verification_sweep() == {"dispatched": 0, "reconciliations": 0}
    matches = VendorAttempt.objects.filter(operation="identity_match").order_by("pk")
    assert list(matches.values_list("outcome", "error_code")) == [
        ("unknown", "TIMED_OUT"),  # the killed worker's call
        ("ok", ""),
    ]
    assert not VendorAttempt.objects.filter(outcome="pending").exists()


@contextmanager
def broker_at(broker_url: str) -> Iterator[None]:
    """This test process publishes to ``broker_url`` (as a web process configured with it
    would), then back to the suite's broker."""
    previous = app.conf.broker_write_url
    app.conf.broker_write_url = broker_url
    app._after_fork()  # Celery's own reset of the cached connection and producer pools
    try:
        yield
    finally:
        app.conf.broker_write_url = previous
        app._after_fork()


@contextmanager
def redis_server(port: int) -> Iterator[redis.Redis]:
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = redis.Redis(port=port)
    try:
        wait_until(lambda: _answers(server), timeout=10)
        yield server
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _answers(server: redis.Redis) -> bool:
    try:
        return bool(server.ping())
    except redis.ConnectionError:
        return False


def test_broker_down_at_submit_saves_the_submission_and_queues_it_when_back(
    bureau, signed_in, draft, settings, caplog
):
    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    fill(signed_in, draft)
    with broker_at(broker):
        started = time.monotonic()
        response = signed_in.post(url(draft, "submit"))  # nothing listens on the port
        took = time.monotonic() - started
        assert response.status_code == 302 and took < 5
        assert signed_in.get(response["Location"]).status_code == 200
        draft.refresh_from_db()
        assert draft.status == Application.Status.SUBMITTED
        request = VerificationRequest.objects.get(application=draft)
        assert request.started_at is None  # the pending-dispatch marker
        warnings = [r for r in caplog.records if r.name == "creditgenie.intake"]
        assert [(r.levelname, r.getMessage()) for r in warnings] == [
            ("WARNING", "verification not queued: broker unavailable, the sweeper queues it later")
        ]

        with redis_server(port) as server:  # the broker is back, its queue empty
            assert server.dbsize() == 0
            env = {"CELERY_BROKER_URL": broker}
            with worker_process(bureau, "broker-back", env):
                assert verification_sweep() == {"dispatched": 0, "reconciliations": 0}
                settings.VERIFICATION_CLAIM_TIMEOUT_SECONDS = 1  # the sweeper's period
                time.sleep(1.1)
                assert verification_sweep() == {"dispatched": 1, "reconciliations": 0}
                wait_until(lambda: _completed(draft), timeout=60)
                time.sleep(1)  # a duplicate job, had one been queued, would have run
            assert verification_sweep() == {"dispatched": 0, "reconciliations": 0}
    pull = BureauPull.objects.get(idempotency_key=pull_key(draft))
    assert (pull.status, bureau_calls(bureau)["pulls"][pull.reference]) == ("done", 1)
    assert list(draft.status_changes.values_list("stage", flat=True)) == [
        "submitted",
        "verifying",
    ]
    assert vendor_sweep() == {"attempts": 0, "pulls": 0, "syncs": 0}
    assert not VendorAttempt.objects.filter(outcome="pending").exists()
