"""Fixtures of the warehouse tests: a platform analytics key, a local warehouse folder, and
helpers that emit one event of every type and read every shipped file with DuckDB."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from django.db import transaction

from integrations.warehouse import facts as f
from integrations.warehouse.services import outbox_emit

ANALYTICS_KEY = "3c" * 32
AT = dt.datetime(2026, 3, 14, 15, 26, 53, tzinfo=dt.UTC)


@pytest.fixture
def warehouse(settings, tmp_path: Path) -> Path:
    """The stream on, shipping to a fresh local folder."""
    root = tmp_path / "warehouse"
    settings.CREDITGENIE_ANALYTICS_KEY = ANALYTICS_KEY
    settings.CREDITGENIE_WAREHOUSE_URL = f"file://{root}"
    settings.CREDITGENIE_WAREHOUSE_LEASE_SECONDS = 900
    return root


def plan(*creditors: tuple[str, str], saved: str = "4321.49") -> f.PlanTerms:
    return f.PlanTerms(
        monthly_payment=Decimal("612.34"),
        term_months=54,
        enrolled_debt=Decimal("23456.78"),
        interest_saved=Decimal(saved),
        concessions=tuple(f.Concession(creditor=c, apr=Decimal(a)) for c, a in creditors),
    )


def every_event_facts(profile: f.Profile) -> dict[f.EventType, object]:
    """Facts for each of the eleven event types."""
    offer = plan(("Capital One", "9.90"), ("Discover", "7.125"))
    return {
        f.EventType.APPLICATION_STARTED: f.ApplicationStarted(language="es"),
        f.EventType.STEP_COMPLETED: f.StepCompleted(step="income"),
        f.EventType.SUBMITTED: f.Submitted(profile=profile),
        f.EventType.VERIFICATION_COMPLETED: f.VerificationCompleted(source="bureau", flag_count=2),
        f.EventType.VERIFICATION_FAILED: f.VerificationFailed(source="bank", reason="no_hit"),
        f.EventType.PLAN_OFFERED: f.PlanOffered(plan=offer),
        f.EventType.ACCEPTED: f.Accepted(plan=offer),
        f.EventType.DECLINED: f.Declined(reason="payment_too_high"),
        f.EventType.ENROLLED: f.Enrolled(plan=offer),
        f.EventType.CLOSED: f.Closed(reason="completed", months_enrolled=54),
        f.EventType.COUNSELING_REQUESTED: f.CounselingRequested(topic="housing"),
    }


def emit_all(subject: f.Subject, profile: f.Profile, at: dt.datetime = AT) -> list:
    with transaction.atomic():
        return [
            outbox_emit(event_type=kind, subject=subject, facts=facts, occurred_at=at)
            for kind, facts in every_event_facts(profile).items()
        ]


def emit_many(count: int, at: dt.datetime = AT, agency_offset: int = 0) -> None:
    with transaction.atomic():
        for n in range(count):
            subject = f.Subject(consumer_ref=str(n + agency_offset), case_ref=f"case-{n}")
            outbox_emit(
                event_type="step_completed",
                subject=subject,
                facts=f.StepCompleted(step="debts"),
                occurred_at=at + dt.timedelta(seconds=n),
            )


def peers_emit(profile: f.Profile, count: int, at: dt.datetime = AT) -> None:
    """`count` other consumers submitting `profile`: with one more, five share it, so it
    ships at its finest level (a profile alone is held back, integrations.warehouse.release)."""
    with transaction.atomic():
        for n in range(count):
            subject = f.Subject(consumer_ref=f"peer-{n}", case_ref=f"peer-case-{n}")
            facts = f.Submitted(profile=profile)
            outbox_emit(event_type="submitted", subject=subject, facts=facts, occurred_at=at)


def shipped_files(root: Path) -> list[str]:
    return sorted(str(p) for p in root.glob("agency=*/date=*/batch-*.parquet"))


def read_all(root: Path) -> duckdb.DuckDBPyRelation:
    """Every shipped row, partition columns included, read by DuckDB."""
    files = shipped_files(root)
    assert files, "no file shipped"
    return duckdb.connect().read_parquet(files, hive_partitioning=True)
