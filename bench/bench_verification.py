"""Verification benchmark: sandbox round-trip latency and worker throughput.

    DATABASE_URL=postgres://... CELERY_BROKER_URL=redis://... \
        .venv/bin/python -m bench.bench_verification [--pulls 40] [--syncs 20]

Starts both sandboxes as processes and one solo worker in-process, then measures
(1) Plaid round trips through plaid-python (balances, one /transactions/sync page) and a
bureau pull + parse, p50/p95 over 50 calls each; (2) worker throughput: N bureau pulls
and N Plaid item syncs queued at once, drained by one worker process, as jobs per minute.
It writes to the database it is pointed at: use a scratch database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creditgenie.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from integrations.plaid import client as plaid  # noqa: E402
from integrations.plaid.models import PlaidItem  # noqa: E402
from integrations.tasks import plaid_item_sync  # noqa: E402
from integrations.transunion import client as bureau  # noqa: E402
from integrations.transunion import services  # noqa: E402
from integrations.transunion.models import BureauPull  # noqa: E402
from integrations.transunion.parser import report_parse  # noqa: E402
from tests.integrations.plaid.sandboxes import PLAID_ID, PLAID_SECRET, sandbox, worker  # noqa: E402
from tests.integrations.transunion.subjects import make_subject  # noqa: E402


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def _timed(call, count: int = 50) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def round_trips() -> None:
    public = plaid.sandbox_public_token_create(institution_id="ins_109508", username="user_card")
    token = plaid.item_public_token_exchange(public_token=public).access_token
    print(
        "plaid /accounts/balance/get:",
        _percentiles(_timed(lambda: plaid.accounts_balance_get(access_token=token))),
    )
    print(
        "plaid /transactions/sync (100):",
        _percentiles(_timed(lambda: plaid.transactions_sync(access_token=token))),
    )

    def pull() -> None:
        ref = uuid.uuid4().hex[:24]
        report_parse(bureau.credit_report_request(reference=ref, subject=make_subject("0004")))

    print("bureau pull + parse:", _percentiles(_timed(pull)))


def throughput(pulls: int, syncs: int) -> None:
    with worker():
        started = time.perf_counter()
        ids = [
            services.bureau_pull_request(
                idempotency_key=f"bench:{uuid.uuid4()}",
                subject=make_subject("0004"),
                consent_given=True,
                consent_reference="bench",
            ).pk
            for _ in range(pulls)
        ]
        while BureauPull.objects.filter(pk__in=ids, status="done").count() < pulls:
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        print(f"worker: {pulls} bureau pulls in {elapsed:.2f} s = {pulls / elapsed * 60:.0f}/min")
        items = []
        for _ in range(syncs):
            public = plaid.sandbox_public_token_create(institution_id="ins_109508")
            exchange = plaid.item_public_token_exchange(public_token=public)
            items.append(
                PlaidItem.objects.create(
                    item_id=exchange.item_id, access_token=exchange.access_token
                )
            )
        started = time.perf_counter()
        results = [plaid_item_sync.delay(item_public_id=str(i.public_id)) for i in items]
        for result in results:
            result.get(timeout=120)
        elapsed = time.perf_counter() - started
        print(
            f"worker: {syncs} Plaid item syncs in {elapsed:.2f} s = {syncs / elapsed * 60:.0f}/min"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pulls", type=int, default=40)
    parser.add_argument("--syncs", type=int, default=20)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    with (
        sandbox("plaid", "--client-id", PLAID_ID, "--secret", PLAID_SECRET) as plaid_url,
        sandbox("transunion") as bureau_url,
    ):
        settings.PLAID_HOST, settings.PLAID_CLIENT_ID, settings.PLAID_SECRET = (
            plaid_url,
            PLAID_ID,
            PLAID_SECRET,
        )
        settings.TRANSUNION_URL, settings.TRANSUNION_LOOKUP_URL = bureau_url, f"{bureau_url}/lookup"
        round_trips()
        throughput(args.pulls, args.syncs)


if __name__ == "__main__":
    main()
