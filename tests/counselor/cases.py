"""Builders for sent applications as the counselor queue and case page see them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import count

from django.contrib.auth import get_user_model
from django.utils import timezone

from intake.models import (
    Application,
    Debt,
    Document,
    Expense,
    Household,
    Income,
    VerificationFlag,
    VerificationRequest,
)
from integrations.sandbox.transunion.personas import document
from integrations.transunion.models import BureauPull
from integrations.transunion.services import credit_report_store
from tenants.roles import Role
from tenants.uploads.services import stored_file_create
from tests.tenants.uploads_fixtures import pdf_bytes, upload

_numbers = count(1)
BASE = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def sent_application(
    *,
    last_name: str = "Lopez",
    language: str = "en",
    status: str = "submitted",
    hours: int = 0,
    ssn: str = "900-12-3456",
    email: str = "",
    phone: str = "",
) -> Application:
    """A submitted application with a household, one income, two expenses and a debt."""
    n = next(_numbers)
    consumer = get_user_model().objects.create_user(
        username=f"case-consumer-{n}", password="a-long-test-password"
    )
    application = Application.objects.create(
        consumer=consumer,
        status=status,
        language=language,
        submitted_at=BASE + timedelta(hours=hours or n),
    )
    Household.objects.create(
        application=application,
        first_name="Maria",
        last_name=last_name,
        ssn=ssn,
        email=email or f"person{n}@example.org",
        phone=phone or f"4045550{n:03d}",
        state="GA",
        household_size=2,
        birth_date=datetime(1980, 4, 28).date(),
    )
    Income.objects.create(
        application=application,
        kind="wages",
        gross=Decimal("4200.00"),
        net=Decimal("3300.00"),
        frequency="monthly",
    )
    Expense.objects.create(
        application=application,
        category="housing",
        amount=Decimal("1200.00"),
        frequency="monthly",
    )
    Expense.objects.create(
        application=application, category="food", amount=Decimal("500.00"), frequency="monthly"
    )
    Debt.objects.create(
        application=application,
        creditor="CHASE CARD",
        kind="credit_card",
        balance=Decimal("5200.00"),
        apr=Decimal("29.99"),
        minimum_payment=Decimal("156.00"),
    )
    return application


def verified_application_of(application: Application) -> None:
    debt = application.debts.get()
    VerificationRequest.objects.create(
        application=application,
        started_at=timezone.now(),
        completed_at=timezone.now(),
        bureau_outcome="requested",
        result={
            "income": {
                "stated_monthly": "3300.00",
                "bank_monthly": "3000.00",
                "difference": "-300.00",
                "ratio": "0.0909",
                "tolerance": "0.10",
            },
            "tradelines": {
                "matched": [
                    {
                        "debt": str(debt.public_id),
                        "creditor": "JPMCB CARD SERVICES",
                        "balance": "5400.00",
                        "stated_balance": "5200.00",
                    }
                ],
                "missing": [{"creditor": "SYNCB/AMAZON", "balance": "1800.00"}],
                "extra": [],
            },
            "cards": [
                {
                    "mask": "1234",
                    "balance": "5210.00",
                    "apr": "27.49",
                    "minimum_payment": "150.00",
                    "stated_debt": str(debt.public_id),
                }
            ],
            "expenses": {
                "food": {"stated": "500.00", "bank": "640.00"},
                "housing": {"stated": "1200.00", "bank": "1200.00"},
            },
            "identity": {"name_score": 62, "minimum": 70},
        },
    )


def _pull_of(application: Application, result: dict | None = None, **pull: str) -> BureauPull:
    found = BureauPull.objects.create(
        idempotency_key=f"application:{application.public_id}",
        reference=f"REF{next(_numbers):04d}",
        consent_reference="consent:x",
        **pull,
    )
    VerificationRequest.objects.create(
        application=application,
        bureau_pull_id=found.public_id,
        bureau_outcome="requested",
        started_at=timezone.now(),
        completed_at=timezone.now(),
        result=result or {},
    )
    return found


def reported_pull_of(application: Application, cards: list[dict] | None = None) -> BureauPull:
    """A done credit report for the application: the TransUnion sandbox's contract document
    (32 tradelines, among them JPMCB CARD $1,545, KOHLS/CAPONE $204 and two Bank of
    America cards), with the bank's ``cards`` (Plaid liabilities) in the result."""
    pull = _pull_of(application, {"cards": cards or []}, status=BureauPull.Status.DONE)
    xml = document(ssn="900-12-3456", reference=pull.reference).decode()
    credit_report_store(pull=pull, xml=xml)
    return pull


def failed_pull_of(application: Application) -> BureauPull:
    pull = _pull_of(application, status=BureauPull.Status.FAILED, error_code="SYS_BUSY")
    VerificationFlag.objects.create(
        application=application,
        source="bureau",
        code="bureau_failed",
        severity="critical",
        detail="Verification failed — re-run (bureau failed, SYS_BUSY).",
    )
    return pull


def document_of(application: Application, name: str = "stub.pdf") -> Document:
    """A PDF the consumer uploaded to the application (needs the ``local_files`` fixture)."""
    stored = stored_file_create(
        upload=upload(name, pdf_bytes()),
        actor=application.consumer,
        role=Role.CONSUMER,
        purpose="intake documents",
        case_id=str(application.public_id),
    )
    return Document.objects.create(application=application, stored_file=stored, kind="pay_stub")
