"""Analytics warehouse: outbox writes per second, events shipped per second, and the size
of one day's Parquet partition for 100,000 events of a realistic mix.

Run: ``.venv/bin/python bench/bench_warehouse.py [events]``
It sets its own environment (a throwaway SQLite database and warehouse folder) unless the
variables are already set; DATABASE_URL=postgres://... measures on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DAY = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
# One consumer's path through the funnel, most of them stopping early.
PATH = (
    "application_started",
    "step_completed",
    "step_completed",
    "step_completed",
    "submitted",
    "verification_completed",
    "plan_offered",
    "accepted",
    "enrolled",
    "counseling_requested",
)


def _environment(tmp: Path) -> None:
    (tmp / "empty.env").touch()
    defaults = {
        "CREDITGENIE_ENV_FILE": str(tmp / "empty.env"),
        "CREDITGENIE_VAR_DIR": str(tmp),
        "CREDITGENIE_TENANT": "bench-agency",
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "DJANGO_DEBUG": "true",
        "LOG_LEVEL": "WARNING",
        "CREDITGENIE_ANALYTICS_KEY": "5a" * 32,
        "CREDITGENIE_WAREHOUSE_URL": f"file://{tmp / 'warehouse'}",
        "DJANGO_SETTINGS_MODULE": "creditgenie.settings",
    }
    for name, value in defaults.items():
        os.environ.setdefault(name, value)


def _facts(kind: str, n: int) -> object:
    from integrations.warehouse import facts as f

    plan = f.PlanTerms(
        monthly_payment=Decimal("400") + n % 300,
        term_months=36 + n % 24,
        enrolled_debt=Decimal("9000") + n % 40000,
        interest_saved=Decimal("1500") + n % 9000,
        concessions=tuple(
            f.Concession(creditor=c, apr=Decimal("6.9") + n % 5)
            for c in ("Capital One", "Discover", "Citi")[: 1 + n % 3]
        ),
    )
    return {
        "application_started": lambda: f.ApplicationStarted(),
        "step_completed": lambda: f.StepCompleted(step=f.STEPS[n % 7]),
        "submitted": lambda: f.Submitted(
            profile=f.Profile(
                birth_date=dt.date(1950 + n % 50, 1 + n % 12, 1 + n % 28),
                zip_code=f"{10000 + n % 89999:05d}",
                household_size=1 + n % 6,
                monthly_income=Decimal("1500") + n % 7000,
                unsecured_debt=Decimal("9000") + n % 60000,
            )
        ),
        "verification_completed": lambda: f.VerificationCompleted(source="bureau"),
        "plan_offered": lambda: f.PlanOffered(plan=plan),
        "accepted": lambda: f.Accepted(plan=plan),
        "enrolled": lambda: f.Enrolled(plan=plan),
        "counseling_requested": lambda: f.CounselingRequested(topic="budget"),
    }[kind]()


def _emit(events: int) -> float:
    from django.db import transaction

    from integrations.warehouse.facts import Subject
    from integrations.warehouse.services import outbox_emit

    started = time.perf_counter()
    with transaction.atomic():
        for n in range(events):
            consumer = n // len(PATH)
            subject = Subject(consumer_ref=str(consumer), case_ref=f"case-{consumer}")
            kind = PATH[n % len(PATH)]
            at = DAY + dt.timedelta(seconds=n * 86399 // events)
            outbox_emit(event_type=kind, subject=subject, facts=_facts(kind, n), occurred_at=at)
    return time.perf_counter() - started


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory(prefix="cg-bench-warehouse-") as tmp:
        _environment(Path(tmp))
        import django
        from django.conf import settings
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0, skip_checks=True)
        from integrations.warehouse.shipping import warehouse_ship_pending

        emit_seconds = _emit(events)
        started = time.perf_counter()
        result = warehouse_ship_pending()
        ship_seconds = time.perf_counter() - started
        root = Path(settings.CREDITGENIE_WAREHOUSE_URL.removeprefix("file://"))
        files = list(root.glob("agency=*/date=2026-06-01/*.parquet"))
        size = sum(p.stat().st_size for p in files)
        print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
        print(
            f"outbox_emit: {events} events in {emit_seconds:.1f} s = {events / emit_seconds:,.0f}/s"
        )
        print(
            f"shipping: {result.events} events in {result.batches} batches, {ship_seconds:.2f} s"
            f" = {result.events / ship_seconds:,.0f} events/s"
        )
        print(
            f"one day's partition: {len(files)} files, {size:,} bytes ({size / events:.1f} B/event)"
        )


if __name__ == "__main__":
    main()
