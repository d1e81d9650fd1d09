"""A worker SIGKILLed mid-pull: the message goes back to the queue (late acks, reject on
worker lost), another run claims the pull, reconciles the lost answer by reference and
the job completes once: one pull at the bureau, one report."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection

from integrations.attempts import VendorAttempt
from integrations.transunion import services
from integrations.transunion.models import BureauPull, CreditReport
from tests.integrations.plaid.sandboxes import wait_until
from tests.integrations.transunion.subjects import bureau_calls, bureau_faults, make_subject
from tests.processes import BASE_DIR

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]


@contextmanager
def worker_process(
    bureau: str, name: str, extra: dict[str, str] | None = None
) -> Iterator[subprocess.Popen]:
    """A real prefork worker (one child) on the test database and broker."""
    db = connection.settings_dict
    env = (
        os.environ
        | {
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "TRANSUNION_URL": bureau,
            "TRANSUNION_READ_TIMEOUT": "30",
            "CREDITGENIE_KEY_FILE": str(settings.CREDITGENIE_KEY_FILE),
        }
        | (extra or {})
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "creditgenie",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=WARNING",
            "-n",
            f"{name}@%h",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return [int(p) for p in out.stdout.split()]


def test_worker_killed_mid_pull_completes_the_job_once(bureau):
    bureau_faults(bureau, "slow:8")
    with worker_process(bureau, "first") as first:
        pull = services.bureau_pull_request(
            idempotency_key="application:sigkill",
            subject=make_subject("0004"),
            consent_given=True,
            consent_reference="consent-fcra-kill",
        )
        # Mid-task: the attempt row is written and the bureau has the request.
        wait_until(lambda: bureau_calls(bureau)["pulls"].get(pull.reference) == 1, timeout=60)
        assert VendorAttempt.objects.get(subject=pull.reference).outcome == "pending"
        (child,) = _children(first.pid)
        os.kill(child, signal.SIGKILL)
        with worker_process(bureau, "second"):
            wait_until(
                lambda: BureauPull.objects.filter(pk=pull.pk, status="done").exists(), timeout=90
            )
    assert CreditReport.objects.filter(pull=pull).count() == 1
    assert BureauPull.objects.filter(idempotency_key="application:sigkill").count() == 1
    calls = bureau_calls(bureau)
    assert calls["pulls"][pull.reference] == 1  # reconciled by reference, not pulled again
    outcomes = VendorAttempt.objects.filter(subject=pull.reference).order_by("pk")
    assert list(outcomes.values_list("operation", "outcome", "error_code")) == [
        ("credit_report", "unknown", "RECONCILED_FOUND"),
        ("credit_report_lookup", "ok", ""),
    ]
