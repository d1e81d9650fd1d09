"""Submit-to-verified latency: concurrent submissions through the intake, verified by a
Celery worker process against the sandboxes.

    DATABASE_URL=postgres://... CELERY_BROKER_URL=redis://... \
        .venv/bin/python -m bench.bench_verification_e2e [--submissions 50] \
        [--pool threads|prefork|solo] [--concurrency 16]

Starts the Plaid and TransUnion sandboxes as processes and one worker process
(``celery worker --pool=<pool> --concurrency=<n>``, as a deployment runs it, on a queue of
its own). Prepares N complete drafts through the intake services (household with a
bureau persona, consents, income, expenses, one stated card, a bank connected in the
sandbox, its first sync done), then submits all N at once from N threads. Latency is
``VerificationRequest.completed_at - Application.submitted_at`` (the bureau pull, a bank
refresh, identity match and the reconciliation), as p50/p95/max. It writes to the
database it is pointed at: use a scratch database.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creditgenie.settings")
os.environ.setdefault("CREDITGENIE_ANALYTICS_KEY", "0b" * 32)  # the outbox events are written
os.environ["CELERY_QUEUE"] = f"bench-{uuid.uuid4().hex[:8]}"  # no other worker takes its tasks

import django

import tests.env_defaults  # noqa: F401  (a fresh key file, the test settings)

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from intake.models import Application, VerificationRequest  # noqa: E402
from intake.services import (  # noqa: E402
    application_start,
    application_submit,
    bank_connect,
    consents_save,
    debts_replace,
    documents_step_finish,
    expenses_replace,
    household_save,
    incomes_replace,
)
from integrations.plaid.models import PlaidItem  # noqa: E402
from tenants.roles import Role, role_grant  # noqa: E402
from tests.integrations.plaid.sandboxes import PLAID_ID, PLAID_SECRET, sandbox  # noqa: E402
from tests.processes import BASE_DIR  # noqa: E402

HOUSEHOLD = {
    "first_name": "Ana",
    "last_name": "Lopez",
    "birth_date": date(1986, 4, 28),
    "ssn": "123-45-0004",
    "street": "1 Peach St",
    "city": "Atlanta",
    "state": "GA",
    "zip_code": "30301",
    "phone": "4045550123",
    "email": "ana@example.com",
    "household_size": 3,
    "dependents": 2,
    "employment_status": "full_time",
    "preferred_language": "en",
}
INCOME = [
    {"kind": "wages", "gross": Decimal("4000"), "net": Decimal("3200"), "frequency": "monthly"}
]
EXPENSES = {"rent": Decimal("1200"), "groceries": Decimal("500"), "electric": Decimal("120")}
DEBTS = [
    {
        "creditor": "Chase Freedom",
        "kind": "credit_card",
        "balance": Decimal("8460"),
        "apr": Decimal("24.99"),
        "minimum_payment": Decimal("254"),
    }
]
CONSENTS = ("privacy", "esign", "credit_pull", "bank_data")


def _draft(n: int) -> Application:
    user = get_user_model().objects.create_user(username=f"bench-{uuid.uuid4().hex[:12]}")
    role_grant(user, Role.CONSUMER)
    application = application_start(consumer=user)
    steps = (
        (household_save, {"values": HOUSEHOLD}),
        (consents_save, {"granted": CONSENTS, "language": "en"}),
        (incomes_replace, {"rows": INCOME}),
        (expenses_replace, {"lines": EXPENSES}),
        (debts_replace, {"rows": DEBTS}),
    )
    for service, extra in steps:
        service(application=application, complete=True, actor=user, **extra)
    persona = ("user_good", "user_card", "user_gig", "user_overdraft")[n % 4]
    bank_connect(application=application, institution_id="ins_109508", username=persona, actor=user)
    documents_step_finish(application=application, actor=user)
    return application


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(int(len(ordered) * 0.95) - 1, 0)]
    return (
        f"p50 {statistics.median(ordered):.2f} s, p95 {p95:.2f} s, max {ordered[-1]:.2f} s "
        f"({len(ordered)} submissions)"
    )


@contextmanager
def worker_process(pool: str, concurrency: int, vendors: dict[str, str]) -> Iterator[int]:
    """``celery -A creditgenie worker`` on this database and a queue of its own."""
    env = os.environ | vendors
    command = [sys.executable, "-m", "celery", "-A", "creditgenie", "worker"]
    command += [f"--pool={pool}", f"--concurrency={concurrency}", "--loglevel=WARNING"]
    proc = subprocess.Popen(
        [*command, "-n", f"bench-{uuid.uuid4().hex[:6]}@%h"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its live children (prefork: the pool)."""
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    total = 0
    for each in [pid, *map(int, out.stdout.split())]:
        fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def run(count: int, pool: str, concurrency: int, vendors: dict[str, str]) -> None:
    with worker_process(pool, concurrency, vendors) as worker_pid:
        drafts = [_draft(n) for n in range(count)]
        ids = [a.pk for a in drafts]
        deadline = time.monotonic() + 120
        while PlaidItem.objects.filter(synced_at__isnull=True).exists():  # first syncs
            assert time.monotonic() < deadline, "first syncs did not finish"
            time.sleep(0.2)
        gate = threading.Barrier(count)

        def submit(application: Application) -> None:
            gate.wait()
            try:
                application_submit(application=application, actor=application.consumer)
            finally:
                connection.close()

        threads = [threading.Thread(target=submit, args=(a,)) for a in drafts]
        cpu_before = cpu_seconds(worker_pid)
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        deadline = time.monotonic() + 600
        done = VerificationRequest.objects.filter(
            application_id__in=ids, completed_at__isnull=False
        )
        while done.count() < count:
            assert time.monotonic() < deadline, f"only {done.count()} of {count} verified"
            time.sleep(0.2)
        wall = time.perf_counter() - started
        cpu = cpu_seconds(worker_pid) - cpu_before
    latencies = [
        (r.completed_at - r.application.submitted_at).total_seconds()
        for r in done.select_related("application")
    ]
    print(f"submit-to-verified: {_percentiles(latencies)}")
    print(
        f"all {count} verified in {wall:.2f} s = {count / wall * 60:.0f} verifications/min "
        f"(one worker process: --pool={pool} --concurrency={concurrency}, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f})"
    )
    print(f"worker CPU {cpu:.1f} s = {cpu / count * 1000:.0f} ms per verification")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=50)
    parser.add_argument("--pool", choices=("prefork", "threads", "solo"), default="threads")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the audit and task logs of 50 cases
    call_command("migrate", verbosity=0)
    with (
        sandbox("plaid", "--client-id", PLAID_ID, "--secret", PLAID_SECRET) as plaid_url,
        sandbox("transunion") as bureau_url,
    ):
        vendors = {
            "PLAID_ENV": "sandbox",
            "PLAID_WEBHOOK_URL": "",
            "PLAID_HOST": plaid_url,
            "PLAID_CLIENT_ID": PLAID_ID,
            "PLAID_SECRET": PLAID_SECRET,
            "TRANSUNION_URL": bureau_url,
            "TRANSUNION_LOOKUP_URL": f"{bureau_url}/lookup",
        }
        for name, value in vendors.items():
            setattr(settings, name, value)
        run(args.submissions, args.pool, args.concurrency, vendors)


if __name__ == "__main__":
    main()
