"""Builders for sent applications as the counselor queue and case page see them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import count

from django.contrib.auth import get_user_model

from intake.models import Application, Debt, Expense, Household, Income

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
