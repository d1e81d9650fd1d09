"""Faults injected with real processes (a prefork Celery worker, Redis, PostgreSQL, the
sandboxes): a worker SIGKILLed mid Plaid sync, a PostgreSQL connection dropped during a
bureau pull, a malformed vendor body inside a worker's run, and what the sweeper ends
after its period. Nothing lost, nothing
duplicated, nothing left pending or running."""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from integrations.attempts import VendorAttempt
from integrations.errors import failure_reason
from integrations.plaid import services as plaid_services
from integrations.plaid.models import PlaidItem, PlaidTransaction
from integrations.sandbox.plaid.personas import PERSONAS
from integrations.tasks import verification_sweep
from integrations.transunion.models import BureauPull
from tests.integrations.plaid import conftest as plaid_fixtures
from tests.integrations.plaid.sandboxes import calls, faults, linked, wait_until
from tests.integrations.transunion import conftest as bureau_fixtures
from tests.integrations.transunion.test_worker_kill import _children, worker_process

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]
plaid_url, plaid = plaid_fixtures.plaid_url, plaid_fixtures.plaid
bureau_url, bureau = bureau_fixtures.bureau_url, bureau_fixtures.bureau


def test_worker_killed_mid_plaid_sync_syncs_once_after_redelivery(plaid, bureau, settings):
    env = {"PLAID_HOST": plaid, "PLAID_CLIENT_ID": settings.PLAID_CLIENT_ID}
    env |= {"PLAID_SECRET": settings.PLAID_SECRET, "PLAID_SYNC_PAGE_SIZE": "25"}
    faults(plaid, "/transactions/sync", "slow:6")
    access_token, item_id = linked("user_good")
    with worker_process(bureau, "plaid-first", env) as first:
        item = PlaidItem.objects.create(item_id=item_id, access_token=access_token)
        plaid_services.plaid_item_sync_queue(item_public_id=item.public_id)
        wait_until(lambda: calls(plaid).get("/transactions/sync") == 1, timeout=60)
        (child,) = _children(first.pid)
        os.kill(child, signal.SIGKILL)
        with worker_process(bureau, "plaid-second", env):
            wait_until(
                lambda: PlaidItem.objects.filter(pk=item.pk, synced_at__isnull=False).exists(),
                timeout=90,
            )
    item.refresh_from_db()
    assert (item.status, item.sync_claimed_by) == (PlaidItem.Status.OK, "")
    expected = len(PERSONAS["user_good"].transactions)
    assert PlaidTransaction.objects.filter(item=item).count() == expected
    settings.VERIFICATION_CLAIM_TIMEOUT_SECONDS = 1  # the sweeper's period has passed
    assert verification_sweep() == {"attempts": 1, "pulls": 0, "syncs": 0}
    syncs = VendorAttempt.objects.filter(subject=item_id, operation="transactions_sync")
    assert list(syncs.order_by("pk").values_list("outcome", "error_code")) == [
        ("unknown", "TIMED_OUT"),  # the killed worker's call
        ("ok", ""),
    ]


def test_the_sweeper_ends_what_was_left_claimed(settings, db):
    settings.VERIFICATION_CLAIM_TIMEOUT_SECONDS = 60
    old = timezone.now() - timedelta(seconds=61)
    pull = BureauPull.objects.create(
        idempotency_key="application:swept",
        reference="ref-swept",
        consent_reference="c",
        subject="{}",
        status=BureauPull.Status.RUNNING,
        claimed_by="task-1",
        claimed_at=old,
    )
    item = PlaidItem.objects.create(
        item_id="item-swept", access_token="a", sync_claimed_by="task-2", sync_claimed_at=old
    )
    fresh = PlaidItem.objects.create(
        item_id="item-fresh", access_token="a", sync_claimed_by="t3", sync_claimed_at=timezone.now()
    )
    attempt = VendorAttempt.objects.create(
        vendor="transunion", operation="credit_report", subject="ref-swept", started_at=old
    )
    assert verification_sweep() == {"attempts": 1, "pulls": 1, "syncs": 1}
    pull.refresh_from_db(), item.refresh_from_db(), fresh.refresh_from_db()
    attempt.refresh_from_db()
    assert (pull.status, pull.error_code, pull.claimed_by) == ("failed", "TIMED_OUT", "")
    assert (item.status, item.error_code, item.sync_claimed_by) == ("failed", "TIMED_OUT", "")
    assert (fresh.status, fresh.sync_claimed_by) == ("ok", "t3")
    assert (attempt.outcome, attempt.error_code) == ("unknown", "TIMED_OUT")
    assert plaid_services.plaid_item_sync_rerun(item_public_id=item.public_id) is True
    item.refresh_from_db()
    assert (item.status, item.error_code) == ("ok", "")


def test_a_dropped_database_connection_during_a_pull_is_retried(bureau, settings):
    """pg_terminate_backend on the worker's connection mid-pull: the task retries with a
    new connection and the pull completes once."""
    from integrations.transunion import services
    from tests.integrations.transunion.subjects import bureau_calls, bureau_faults, make_subject

    bureau_faults(bureau, "slow:4")
    with worker_process(bureau, "pg-drop"):
        pull = services.bureau_pull_request(
            idempotency_key="application:pg-drop",
            subject=make_subject("0004"),
            consent_given=True,
            consent_reference="consent-pg",
        )
        wait_until(lambda: bureau_calls(bureau)["pulls"].get(pull.reference) == 1, timeout=60)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        wait_until(
            lambda: BureauPull.objects.filter(pk=pull.pk, status="done").exists(), timeout=90
        )
    assert bureau_calls(bureau)["pulls"][pull.reference] == 1
    assert not VendorAttempt.objects.filter(subject=pull.reference, outcome="pending").exists()


def test_a_malformed_body_inside_a_worker_run_ends_failed_with_a_plain_reason(
    plaid, bureau, settings
):
    """A cut-off Plaid answer and an unreadable bureau document, each inside a real
    worker's task: the records end failed with their reason, no attempt pending, no
    retry of an answer that would be the same again."""
    from integrations.transunion import services
    from tests.integrations.transunion.subjects import bureau_calls, bureau_faults, make_subject

    env = {"PLAID_HOST": plaid, "PLAID_CLIENT_ID": settings.PLAID_CLIENT_ID}
    env |= {"PLAID_SECRET": settings.PLAID_SECRET}
    faults(plaid, "/transactions/sync", "malformed")
    bureau_faults(bureau, "body:malformed")
    access_token, item_id = linked("user_good")
    with worker_process(bureau, "malformed", env):
        item = PlaidItem.objects.create(item_id=item_id, access_token=access_token)
        plaid_services.plaid_item_sync_queue(item_public_id=item.public_id)
        pull = services.bureau_pull_request(
            idempotency_key="application:malformed",
            subject=make_subject("0004"),
            consent_given=True,
            consent_reference="consent-malformed",
        )
        wait_until(
            lambda: (
                PlaidItem.objects.filter(pk=item.pk, status="failed").exists()
                and BureauPull.objects.filter(pk=pull.pk, status="failed").exists()
            ),
            timeout=60,
        )
    item.refresh_from_db(), pull.refresh_from_db()
    assert (item.error_code, item.sync_claimed_by) == ("CONTRACT_MISMATCH", "")
    assert failure_reason(item.error_code) == "the vendor's answer was not in its documented format"
    assert (pull.error_code, pull.claimed_by) == ("BAD_RESPONSE", "")
    assert failure_reason(pull.error_code) == "the bureau's answer was not a credit report"
    assert (calls(plaid)["/transactions/sync"], bureau_calls(bureau)["pulls"][pull.reference]) == (
        1,
        1,
    )
    outcomes = VendorAttempt.objects.filter(operation__in=("transactions_sync", "credit_report"))
    assert sorted(outcomes.values_list("operation", "outcome", "error_code")) == [
        ("credit_report", "permanent", "BAD_RESPONSE"),
        ("transactions_sync", "permanent", "CONTRACT_MISMATCH"),
    ]
    settings.VERIFICATION_CLAIM_TIMEOUT_SECONDS = 1  # the sweeper's period has passed
    time.sleep(1.1)
    assert verification_sweep() == {"attempts": 0, "pulls": 0, "syncs": 0}
