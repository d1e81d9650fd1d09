"""The wizard: every step saves to the draft, amounts convert, errors keep values,
submit re-validates, tampering changes nothing, double submit is one submit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intake.models import Application, Consent, Debt, Household, Income, StatusChange
from intake.wizard.steps import STEP_SLUGS
from tenants.audit.models import AuditEvent

from .conftest import ABOUT_YOU, DEBTS, EXPENSES, INCOMES, fill, rows, url


def test_about_you_saves_encrypted_pii_and_masks_the_ssn(signed_in, draft):
    response = signed_in.post(url(draft, "step-about-you"), ABOUT_YOU)

    assert response.status_code == 302
    assert response["Location"] == url(draft, "step-consents")
    home = Household.objects.get(application=draft)
    assert (home.first_name, home.last_name, home.ssn, home.phone, home.zip_code) == (
        "Ana",
        "Lopez",
        "123-45-6789",
        "4045550123",
        "30301",
    )
    assert home.ssn_masked == "***-**-6789"
    with connection.cursor() as cursor:
        cursor.execute("SELECT ssn, first_name FROM intake_household WHERE id = %s", [home.pk])
        stored = cursor.fetchone()
    assert all(value.startswith("v1:") and "6789" not in value for value in stored)
    page = signed_in.get(url(draft, "step-about-you")).content.decode()
    assert "***-**-6789" in page and "123-45-6789" not in page
    draft.refresh_from_db()
    assert draft.completed_steps == ["about-you"]


def test_a_saved_ssn_is_masked_when_other_answers_send_the_form_back(signed_in, draft):
    response = signed_in.post(url(draft, "step-about-you"), ABOUT_YOU | {"zip_code": "3030"})

    page = response.content.decode()
    assert response.status_code == 200 and 'value="***-**-6789"' in page
    assert "123-45-6789" not in page
    assert Household.objects.get(application=draft).ssn == "123-45-6789"


def test_masked_ssn_posted_back_keeps_the_stored_number(signed_in, draft):
    signed_in.post(url(draft, "step-about-you"), ABOUT_YOU)
    signed_in.post(url(draft, "step-about-you"), ABOUT_YOU | {"ssn": "***-**-6789"})

    assert Household.objects.get(application=draft).ssn == "123-45-6789"


def test_invalid_field_keeps_its_value_and_saves_the_others(signed_in, draft):
    data = ABOUT_YOU | {"zip_code": "3030", "first_name": "Beatriz"}
    response = signed_in.post(url(draft, "step-about-you"), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a 5-digit ZIP code, like 30301." in page
    assert 'value="3030"' in page and 'href="#id_zip_code"' in page
    home = Household.objects.get(application=draft)
    assert (home.first_name, home.zip_code) == ("Beatriz", None)
    draft.refresh_from_db()
    assert draft.completed_steps == []


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("$1,234.56", "1234.56"), ("1234.5", "1234.50"), ("1 200", "1200.00"), ("0", "0.00")],
)
def test_amounts_accept_dollar_signs_and_commas(signed_in, draft, typed, expected):
    data = rows([{"kind": "wages", "gross": typed, "frequency": "weekly"}])
    signed_in.post(url(draft, "step-income"), data)

    assert [i.gross for i in Income.objects.filter(application=draft)] == [Decimal(expected)]


def test_income_rows_replace_and_blank_rows_are_dropped(signed_in, draft):
    signed_in.post(url(draft, "step-income"), INCOMES)
    data = rows([{"kind": "pension", "gross": "900", "frequency": "monthly"}, {}])
    signed_in.post(url(draft, "step-income"), data)

    assert [(i.kind, i.gross) for i in Income.objects.filter(application=draft)] == [
        ("pension", Decimal("900.00"))
    ]


def test_tampered_management_form_discards_nothing(signed_in, draft):
    signed_in.post(url(draft, "step-income"), INCOMES)
    response = signed_in.post(url(draft, "step-income"), {"rows-0-kind": "other"})

    assert response.status_code == 200
    assert Income.objects.filter(application=draft).count() == 1


def test_later_steps_data_and_status_posted_to_an_earlier_step_change_nothing(signed_in, draft):
    tampered = {"status": "submitted", "consumer": "999", "gross": "1", **INCOMES}
    signed_in.post(url(draft, "step-about-you"), tampered)

    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT
    assert Income.objects.filter(application=draft).count() == 0
    assert Household.objects.get(application=draft).first_name is None


def test_another_consumers_application_is_a_404_and_unchanged(signed_in, other_consumer):
    from intake.services import application_start

    theirs = application_start(consumer=other_consumer)
    response = signed_in.post(url(theirs, "step-about-you"), ABOUT_YOU)

    assert response.status_code == 404
    assert not Household.objects.filter(application=theirs).exists()


def test_debt_row_of_another_application_keeps_no_identity(signed_in, draft, other_consumer):
    from intake.services import application_start

    theirs = application_start(consumer=other_consumer)
    foreign = Debt.objects.create(application=theirs, kind="medical", source="bureau")
    data = DEBTS | {"rows-0-row_id": str(foreign.public_id)}
    signed_in.post(url(draft, "step-debts"), data)

    mine = Debt.objects.get(application=draft)
    assert mine.public_id != foreign.public_id and mine.source == "stated"
    foreign.refresh_from_db()
    assert (foreign.application_id, foreign.kind) == (theirs.pk, "medical")


def test_bureau_debt_stays_a_bureau_debt_when_edited(signed_in, draft):
    bureau = Debt.objects.create(application=draft, kind="credit_card", source="bureau")
    signed_in.post(url(draft, "step-debts"), DEBTS | {"rows-0-row_id": str(bureau.public_id)})

    debt = Debt.objects.get(application=draft)
    assert (debt.public_id, debt.source, debt.creditor) == (
        bureau.public_id,
        "bureau",
        "Big Bank Card",
    )


def test_submit_sends_to_the_first_incomplete_step_with_errors(signed_in, draft):
    signed_in.post(url(draft, "step-about-you"), ABOUT_YOU)
    response = signed_in.post(url(draft, "submit"))

    assert response["Location"] == url(draft, "step-consents") + "?check=1"
    page = signed_in.get(response["Location"]).content.decode()
    assert "Tick the box to confirm you read the privacy notice." in page
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT


def test_submit_revalidates_saved_data_across_steps(signed_in, draft):
    """The FCRA consent makes the SSN required: a draft without it cannot be sent."""
    fill(signed_in, draft)
    household = Household.objects.get(application=draft)
    household.ssn = None
    household.save()

    response = signed_in.post(url(draft, "submit"))

    assert response["Location"] == url(draft, "step-about-you") + "?check=1"


def test_double_submit_is_one_submission_and_one_verification_job(
    signed_in, draft, django_capture_on_commit_callbacks
):
    fill(signed_in, draft)
    with django_capture_on_commit_callbacks() as first:
        signed_in.post(url(draft, "submit"))
    with django_capture_on_commit_callbacks() as second:
        again = signed_in.post(url(draft, "submit"))

    draft.refresh_from_db()
    assert draft.status == Application.Status.SUBMITTED
    assert again["Location"] == url(draft, "application")
    assert [c.stage for c in StatusChange.objects.filter(application=draft)] == ["submitted"]
    queued = [c for c in (*first, *second) if "application_submit" in c.__qualname__]
    assert len(queued) == 1  # the second submit queued nothing
    events = AuditEvent.objects.filter(
        case_id=str(draft.public_id), purpose="application submitted"
    )
    assert events.count() == 1


def test_submitted_application_steps_change_nothing(signed_in, draft):
    fill(signed_in, draft)
    signed_in.post(url(draft, "submit"))
    response = signed_in.post(url(draft, "step-about-you"), ABOUT_YOU | {"first_name": "Zed"})

    assert response["Location"] == url(draft, "application")
    assert Household.objects.get(application=draft).first_name == "Ana"


def test_consents_record_text_version_hash_ip_and_user_agent(signed_in, draft):
    signed_in.post(
        url(draft, "step-consents"),
        {"privacy": "on", "esign": "on"},
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="TestBrowser/1.0",
    )

    consent = Consent.objects.get(application=draft, kind="privacy")
    assert (consent.text_version, consent.text_language, consent.ip, consent.user_agent) == (
        "2026-01",
        "en",
        "203.0.113.9",
        "TestBrowser/1.0",
    )
    assert len(consent.text_hash) == 64


def test_autosave_returns_a_fragment_and_saves(signed_in, draft):
    response = signed_in.post(url(draft, "step-expenses"), EXPENSES, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response.content.decode().strip().startswith("Saved at")
    assert {e.category: e.amount for e in draft.expenses.all()} == {
        "rent": Decimal("1200.00"),
        "groceries": Decimal("500.50"),
        "electric": Decimal("120.00"),
    }


def test_review_shows_every_figure_and_the_budget_in_plain_words(signed_in, draft):
    fill(signed_in, draft)
    page = signed_in.get(url(draft, "step-review")).content.decode()

    for text in (
        "Ana Lopez",
        "***-**-6789",
        "$4,000.00",
        "$1,200.00",
        "Big Bank Card",
        "Each month you bring home $3,200.00",
        "Debt payments take 6%",
    ):
        assert text in page, text
    assert page.count("review-edit") == 6


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("step", [*STEP_SLUGS, "portal"])
def test_query_count_is_constant_in_the_number_of_rows(signed_in, draft, step):
    path = url(draft, "application" if step == "portal" else f"step-{step}")

    def grow(n: int) -> None:
        incomes = [{"kind": "wages", "gross": "100", "frequency": "monthly"}] * n
        debts = [
            {"creditor": f"C{i}", "kind": "medical", "balance": "5", "minimum_payment": "1"}
            for i in range(n)
        ]
        signed_in.post(url(draft, "step-income"), rows(incomes))
        signed_in.post(url(draft, "step-debts"), rows(debts))
        signed_in.post(url(draft, "step-expenses"), dict.fromkeys(["rent", "gas", "pets"][:n], "9"))

    grow(1)
    _queries(signed_in, path)  # a running process has the agency profile in hand already
    one = _queries(signed_in, path)
    grow(3)
    assert _queries(signed_in, path) == one
