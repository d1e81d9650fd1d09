"""Demo parts of applications: households (encrypted), incomes, expenses, credit card and
other debts with realistic US balances and APRs, consents and "talk to a counselor"
requests. Deterministic from the caller's random generator; written with bulk_create,
which encrypts and fills the blind indexes through each field's pre_save (docs/encryption.md).

Everything is fictional: SSNs use the 9xx area the SSA never issues, phone numbers the
555-01xx range, e-mail addresses example.com.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from ..models import (
    Application,
    Consent,
    CounselingRequest,
    Debt,
    Expense,
    Household,
    Income,
    StatusChange,
)
from ..models.household import EmploymentStatus
from ..models.parts import Frequency
from ..services.consents import CURRENT_VERSIONS, consent_text
from ..wizard.steps import STEP_SLUGS
from .analytics import demo_events_emit

CENT = Decimal("0.01")
BATCH = 2000
STREETS = ("Peach", "Oak", "Maple", "Cedar", "Pine", "Elm", "Magnolia", "Sunset", "Lake", "Main")
SUFFIXES = ("St", "Ave", "Rd", "Dr", "Ln", "Blvd", "Ct")
# (city, state, ZIP prefix, phone area code)
PLACES = (
    ("Atlanta", "GA", "303", "404"),
    ("Houston", "TX", "770", "713"),
    ("Dallas", "TX", "752", "214"),
    ("Phoenix", "AZ", "850", "602"),
    ("Miami", "FL", "331", "305"),
    ("Chicago", "IL", "606", "312"),
    ("Los Angeles", "CA", "900", "213"),
    ("Charlotte", "NC", "282", "704"),
    ("Columbus", "OH", "432", "614"),
    ("Albuquerque", "NM", "871", "505"),
)
# Card issuers as they appear on statements, with the APR range of their cards (%).
CARDS = (
    ("Chase", 20.49, 29.99),
    ("Capital One", 19.99, 29.99),
    ("Discover", 17.99, 28.99),
    ("Citibank", 19.24, 29.24),
    ("Bank of America", 18.24, 28.24),
    ("Wells Fargo", 19.24, 29.99),
    ("Barclays", 20.99, 29.99),
    ("Synchrony Bank (Amazon)", 29.99, 32.99),
    ("Synchrony Bank (Lowe's)", 29.99, 31.99),
    ("Credit One Bank", 28.99, 29.99),
)
OTHER_DEBTS = (
    ("Grady Memorial Hospital", Debt.Kind.MEDICAL, False, (300, 4500), (0, 0)),
    ("OneMain Financial", Debt.Kind.PERSONAL_LOAN, False, (2500, 12000), (24.99, 35.99)),
    ("Nelnet", Debt.Kind.STUDENT_LOAN, False, (6000, 38000), (4.99, 7.54)),
    ("Santander Consumer USA", Debt.Kind.AUTO, True, (6000, 24000), (9.99, 18.99)),
)
# Line: (low, high) a month for a household of one; grows ~15% a person.
EXPENSE_RANGES: dict[str, tuple[int, int]] = {
    "rent": (850, 1900),
    "electric": (70, 190),
    "gas": (25, 90),
    "water_sewer_trash": (40, 95),
    "phone": (50, 160),
    "internet_tv": (50, 130),
    "groceries": (300, 520),
    "eating_out": (30, 250),
    "fuel": (80, 260),
    "auto_insurance": (90, 220),
    "health_insurance": (0, 420),
    "copays": (0, 120),
    "prescriptions": (0, 90),
    "personal_care": (20, 70),
    "clothing": (25, 120),
    "entertainment": (0, 80),
}
STAGES = {
    Application.Status.SUBMITTED: ("submitted", "verifying"),
    Application.Status.IN_REVIEW: ("submitted", "verifying", "in_review"),
    Application.Status.OFFERED: ("submitted", "verifying", "in_review", "offered"),
    Application.Status.ENROLLED: ("submitted", "verifying", "in_review", "offered", "enrolled"),
    Application.Status.DECLINED: ("submitted", "verifying", "in_review", "offered", "declined"),
    Application.Status.CLOSED: ("submitted", "verifying", "in_review", "closed"),
}
EMPLOYMENT = (
    EmploymentStatus.FULL_TIME,
    EmploymentStatus.PART_TIME,
    EmploymentStatus.RETIRED,
    EmploymentStatus.SELF_EMPLOYED,
    EmploymentStatus.UNEMPLOYED,
)
EMPLOYMENT_WEIGHTS = (55, 20, 10, 10, 5)
USER_AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148 Safari/604.1"


@dataclass
class Parts:
    """The rows to insert, by model."""

    households: list[Household] = field(default_factory=list)
    incomes: list[Income] = field(default_factory=list)
    expenses: list[Expense] = field(default_factory=list)
    debts: list[Debt] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    requests: list[CounselingRequest] = field(default_factory=list)
    stages: list[StatusChange] = field(default_factory=list)

    def tables(self) -> Iterable[tuple[type, list[Any]]]:
        yield from (
            (Household, self.households),
            (Income, self.incomes),
            (Expense, self.expenses),
            (Debt, self.debts),
            (Consent, self.consents),
            (CounselingRequest, self.requests),
            (StatusChange, self.stages),
        )


def money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _take_home_share(rng: random.Random) -> Decimal:
    """Net pay as a share of gross (74-84 %), drawn as a Decimal so money stays Decimal."""
    return Decimal(rng.randrange(7400, 8401)) / 10000


def _between(rng: random.Random, low: float, high: float) -> Decimal:
    return money(rng.uniform(low, high))


def _household(rng: random.Random, app: Application, size: int) -> Household:
    profile = app.consumer.consumer_profile
    city, state, zip_prefix, area = rng.choice(PLACES)
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 52))
    return Household(
        application=app,
        first_name=profile.given_name,
        last_name=profile.family_name,
        birth_date=born,
        ssn=f"9{rng.randrange(100):02d}-{rng.randrange(1, 100):02d}-{rng.randrange(1, 10000):04d}",
        street=f"{rng.randrange(10, 9999)} {rng.choice(STREETS)} {rng.choice(SUFFIXES)}",
        city=city,
        state=state,
        zip_code=f"{zip_prefix}{rng.randrange(100):02d}",
        phone=f"{area}55501{rng.randrange(100):02d}",
        email=profile.email,
        household_size=size,
        dependents=rng.randrange(size),
        employment_status=rng.choices(EMPLOYMENT, EMPLOYMENT_WEIGHTS)[0],
        preferred_language=app.language,
    )


def _incomes(rng: random.Random, app: Application) -> list[Income]:
    monthly = rng.uniform(2200, 7200)
    frequency, per_month = rng.choice(
        [(Frequency.WEEKLY, 52 / 12), (Frequency.BIWEEKLY, 26 / 12), (Frequency.MONTHLY, 1)]
    )
    gross = money(monthly / per_month)
    rows = [
        Income(
            application=app,
            position=0,
            kind=Income.Kind.WAGES,
            gross=gross,
            net=money(gross * _take_home_share(rng)),
            frequency=frequency,
        )
    ]
    if rng.random() < 0.35:
        kind = rng.choice([Income.Kind.SUPPORT, Income.Kind.PUBLIC_ASSISTANCE, Income.Kind.OTHER])
        amount = _between(rng, 150, 900)
        rows.append(
            Income(
                application=app,
                position=1,
                kind=kind,
                gross=amount,
                net=amount,
                frequency=Frequency.MONTHLY,
            )
        )
    return rows


def _expenses(rng: random.Random, app: Application, size: int) -> list[Expense]:
    scale = 1 + 0.15 * (size - 1)
    rows = [
        Expense(application=app, category=line, amount=money(rng.uniform(low, high) * scale))
        for line, (low, high) in EXPENSE_RANGES.items()
        if rng.random() < 0.85
    ]
    if size > 1 and rng.random() < 0.4:
        rows.append(Expense(application=app, category="childcare", amount=_between(rng, 300, 1100)))
    return rows


def _card(rng: random.Random, app: Application, position: int) -> Debt:
    creditor, low, high = rng.choice(CARDS)
    balance = money(min(24000, rng.lognormvariate(8.4, 0.75)))
    apr = money(rng.uniform(low, high))
    interest = balance * apr / 1200
    minimum = max(Decimal(35), (balance / 100 + interest).quantize(Decimal(1)))
    past_due = minimum * rng.choice([1, 2]) if rng.random() < 0.25 else Decimal(0)
    return Debt(
        application=app,
        position=position,
        creditor=creditor,
        kind=Debt.Kind.CREDIT_CARD,
        account_number=f"{rng.randrange(10**15, 10**16)}",
        balance=balance,
        apr=apr,
        minimum_payment=minimum,
        past_due=past_due,
    )


def _debts(rng: random.Random, app: Application) -> list[Debt]:
    rows = [_card(rng, app, n) for n in range(rng.randint(2, 6))]
    for creditor, kind, secured, (low, high), (apr_low, apr_high) in OTHER_DEBTS:
        if rng.random() < 0.2:
            balance = _between(rng, low, high)
            apr = _between(rng, apr_low, apr_high)
            rows.append(
                Debt(
                    application=app,
                    position=len(rows),
                    creditor=creditor,
                    kind=kind,
                    secured=secured,
                    balance=balance,
                    apr=apr,
                    minimum_payment=max(Decimal(25), (balance / 36).quantize(Decimal(1))),
                )
            )
    return rows


def _consents(rng: random.Random, app: Application, at: Any) -> list[Consent]:
    kinds = [Consent.Kind.PRIVACY, Consent.Kind.ESIGN]
    kinds += [Consent.Kind.CREDIT_PULL] if rng.random() < 0.85 else []
    kinds += [Consent.Kind.BANK_DATA] if rng.random() < 0.4 else []
    ip = f"198.51.100.{rng.randrange(1, 255)}"
    rows = []
    for kind in kinds:
        text = consent_text(kind, app.language)
        rows.append(
            Consent(
                application=app,
                kind=kind,
                text_version=CURRENT_VERSIONS[kind],
                text_language=text.language,
                text_hash=text.sha256,
                granted_at=at,
                ip=ip,
                user_agent=USER_AGENT,
            )
        )
    return rows


def _request(rng: random.Random, app: Application, phone: str) -> CounselingRequest:
    times = [t for t in CounselingRequest.Time.values if rng.random() < 0.4] or ["evening"]
    handled = app.status != Application.Status.DRAFT and rng.random() < 0.5
    at = min(timezone.now(), app.created_at + timedelta(hours=rng.randrange(1, 72)))
    note = rng.choice(["", "Please call after my shift.", "Prefiero hablar en español."])
    return CounselingRequest(
        consumer=app.consumer,
        application=app if rng.random() < 0.8 else None,
        preferred_times=times,
        phone=phone,
        language=app.language,
        note=note or None,
        created_at=at,
        handled_at=min(timezone.now(), at + timedelta(days=1)) if handled else None,
    )


def _completed(rng: random.Random, app: Application) -> list[str]:
    if app.status != Application.Status.DRAFT:
        return list(STEP_SLUGS)
    return list(STEP_SLUGS[: rng.randrange(len(STEP_SLUGS))])


def _stages(app: Application) -> list[StatusChange]:
    at, now = app.submitted_at, timezone.now()
    return [
        StatusChange(application=app, stage=stage, at=min(now, at + timedelta(days=2 * n)))
        for n, stage in enumerate(STAGES.get(app.status, ()))
    ]


def _application_parts(rng: random.Random, app: Application, parts: Parts) -> None:
    done = _completed(rng, app)
    app.completed_steps = done
    app.reported_steps = list(done)  # their analytics events: intake.demo.analytics
    app.bank_step_skipped = "bank" in done
    app.documents_step_done = "documents" in done
    if app.status != Application.Status.DRAFT:
        app.submitted_at = app.created_at + timedelta(hours=rng.randrange(1, 48))
        parts.stages += _stages(app)
    size = rng.choices([1, 2, 3, 4, 5, 6], [25, 25, 20, 17, 9, 4])[0]
    home = _household(rng, app, size)
    if "about-you" in done:
        parts.households.append(home)
    if "consents" in done:
        parts.consents += _consents(rng, app, app.created_at + timedelta(minutes=6))
    if "income" in done:
        parts.incomes += _incomes(rng, app)
    if "expenses" in done:
        parts.expenses += _expenses(rng, app, size)
    if "debts" in done:
        parts.debts += _debts(rng, app)
    if rng.random() < 0.15:
        parts.requests.append(_request(rng, app, home.phone))


def intake_demo_seed(rng: random.Random, applications: list[Application]) -> None:
    """Fills `applications` (built, not saved yet) with what their consumers told us and
    inserts them, `BATCH` at a time: each application with its step flags and submit time
    in its one INSERT (no UPDATE of every row after), then that batch's parts, so a seed of
    100,000 never holds its millions of parts in memory at once. The draws are made in the
    applications' order, so batching changes nothing that is seeded.

    Side effects: inserts the applications and their parts; their analytics events when the
    stream is on (intake.demo.analytics).
    """
    requests: list[CounselingRequest] = []
    for start in range(0, len(applications), BATCH):
        batch, parts = applications[start : start + BATCH], Parts()
        for app in batch:
            _application_parts(rng, app, parts)
        Application.objects.bulk_create(batch)
        for model, rows in parts.tables():
            model.objects.bulk_create(rows, batch_size=BATCH)
        requests += parts.requests
    demo_events_emit(applications, requests)
