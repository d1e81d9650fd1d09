"""seed_demo's intake parts: encrypted households with working blind indexes, incomes,
expenses, realistic card debts, consents, call requests, the portal timeline; the same
seed gives the same data, and every demo application renders."""

from __future__ import annotations

import time
from decimal import Decimal

from django.db import connection, transaction
from django.test import Client

from counselor.demo.agency import demo_seed
from intake.models import (
    Application,
    Consent,
    CounselingRequest,
    Debt,
    Expense,
    Household,
    Income,
    StatusChange,
)
from intake.wizard.steps import STEP_SLUGS
from tenants.encryption.blind_index import blind_index


def _snapshot() -> list[tuple]:
    rows = []
    for app in Application.objects.select_related("consumer", "household").order_by(
        "consumer__username"
    ):
        home = getattr(app, "household", None)
        rows.append(
            (
                app.consumer.username,
                app.status,
                app.language,
                tuple(app.completed_steps),
                (home.first_name, home.ssn, home.street, home.birth_date) if home else None,
                # Decrypted through the instances (values_list gives sealed tokens).
                tuple((d.creditor, d.balance, d.apr, d.minimum_payment) for d in app.debts.all()),
                tuple((i.kind, i.gross, i.frequency) for i in app.incomes.all()),
                tuple((e.category, e.amount) for e in app.expenses.all()),
                tuple(app.consents.values_list("kind", "text_hash")),
            )
        )
    return rows


def _seeded(count: int, seed: int) -> list[tuple]:
    with transaction.atomic():
        demo_seed(count=count, seed=seed)
        snapshot = _snapshot()
        transaction.set_rollback(True)
    return snapshot


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not(db):
    first = _seeded(12, 7)

    assert first == _seeded(12, 7)
    assert first != _seeded(12, 8)


def test_households_are_encrypted_with_working_blind_indexes(db):
    started = time.monotonic()
    demo_seed(count=24, seed=2026)
    elapsed = time.monotonic() - started

    assert elapsed < 10, elapsed  # a few seconds on a developer machine
    homes = list(Household.objects.all())
    assert homes
    with connection.cursor() as cursor:
        cursor.execute("SELECT ssn, first_name, phone FROM intake_household")
        stored = cursor.fetchall()
    assert all(value.startswith("v1:") for row in stored for value in row)
    home = homes[0]
    assert home.ssn.startswith("9") and len(home.ssn) == 11
    found = Household.objects.get(email_index=blind_index("email", home.email))
    assert found.pk == home.pk
    by_ssn = blind_index("ssn_last4_name", home.ssn, home.last_name)
    assert Household.objects.filter(ssn_name_index=by_ssn).exists()


def test_parts_follow_each_applications_progress(db):
    demo_seed(count=60, seed=2026)

    sent = Application.objects.exclude(status=Application.Status.DRAFT)
    assert sent.exists()
    for app in sent:
        assert app.completed_steps == list(STEP_SLUGS) and app.submitted_at is not None
        assert StatusChange.objects.filter(application=app, stage="submitted").exists()
        assert Household.objects.filter(application=app).exists()
    for app in Application.objects.filter(status=Application.Status.DRAFT):
        has_debts = Debt.objects.filter(application=app).exists()
        assert has_debts == ("debts" in app.completed_steps)
    assert (
        Consent.objects.filter(kind="privacy").count()
        == Consent.objects.filter(kind="esign").count()
    )
    assert Income.objects.exists() and Expense.objects.exists()
    assert CounselingRequest.objects.exists()


def test_card_debts_look_like_real_us_cards(db):
    demo_seed(count=60, seed=2026)

    cards = list(Debt.objects.filter(kind=Debt.Kind.CREDIT_CARD))
    assert len(cards) > 60
    for card in cards:
        assert Decimal("17.99") <= card.apr <= Decimal("32.99")
        assert Decimal(0) < card.balance <= Decimal(24000)
        assert card.minimum_payment >= Decimal(35)
        assert card.minimum_payment >= (card.balance / 100).quantize(Decimal(1))
        assert len(card.account_number) == 16
    average = sum(c.balance for c in cards) / len(cards)
    assert Decimal(3000) < average < Decimal(9000)


def test_every_demo_consumer_sees_their_application(db, agency_profile):
    demo_seed(count=24, seed=2026)

    client = Client()
    for app in Application.objects.select_related("consumer"):
        client.force_login(app.consumer)
        page = client.get(f"/applications/{app.public_id}/")
        assert page.status_code == 200, app.status
        if app.status != Application.Status.DRAFT:
            assert "portal-timeline" in page.content.decode()
