"""The portal shows the consumer-safe verification flags in plain words, in English and in
Spanish; staff-only flags, their details and figures never reach the consumer."""

from __future__ import annotations

import html

import pytest
from django.conf import settings

from intake.models import VerificationFlag

from .catalogue import catalogue_entries, english_fragments, english_left, visible_text
from .conftest import fill, url

INCOME_EN = (
    "Your income looks different from your bank deposits. Your counselor will go over it with you."
)
DEBTS_EN = (
    "Your credit report shows debts you did not list. Your counselor will review them with you."
)
INCOME_ES = (
    "Sus ingresos se ven distintos de los depósitos en su banco. Su consejero los revisará "
    "con usted."
)
DEBTS_ES = (
    "Su reporte de crédito muestra deudas que usted no anotó. Su consejero las revisará con usted."
)


@pytest.fixture
def flagged(signed_in, draft):
    fill(signed_in, draft)
    signed_in.post(url(draft, "submit"), follow=True)  # the thank-you message is read here
    flags = [
        ("income", "income_differs", "warning", True, "Stated 3200.00, bank 4008.33."),
        ("bureau", "debt_not_listed", "warning", True, "SYNCB/AMAZON balance 4210.00 missing."),
        ("bureau", "debt_not_listed", "warning", True, "CITI/SEARS balance 980.00 missing."),
        ("identity", "identity_mismatch", "warning", False, "Name score 40."),
        ("bank", "overdraft_fees", "info", True, "3 overdraft fees."),  # no consumer text
    ]
    for source, code, severity, visible, detail in flags:
        VerificationFlag.objects.create(
            application=draft,
            source=source,
            code=code,
            severity=severity,
            consumer_visible=visible,
            detail=detail,
        )
    return draft


def _notes(response) -> list[str]:
    page = response.content.decode()
    assert response.status_code == 200
    section = page.split('id="verification-notes"', 1)[1].split("</section>", 1)[0]
    items = [i.split("</li>", 1)[0] for i in section.split("<li>")[1:]]
    return [html.unescape(i) for i in items]


def test_portal_shows_the_consumer_safe_flags_in_plain_english(signed_in, flagged):
    response = signed_in.get(url(flagged, "application"))

    # One sentence per kind, sorted by code; never a figure, a creditor or staff text.
    assert _notes(response) == [DEBTS_EN, INCOME_EN]
    page = response.content.decode()
    assert "Things to go over with your counselor" in page
    for secret in ("4008.33", "SYNCB", "Name score", "identity_mismatch", "overdraft"):
        assert secret not in page


def test_portal_shows_the_flags_in_spanish(signed_in, flagged):
    signed_in.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert signed_in.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"

    response = signed_in.get(url(flagged, "application"))

    assert response.headers["Content-Language"] == "es"
    assert _notes(response) == [DEBTS_ES, INCOME_ES]
    assert "Temas para revisar con su consejero" in response.content.decode()
    fragments = english_fragments(catalogue_entries())
    text = visible_text(response.content.decode())
    assert english_left(text, fragments, ("Test Credit Counseling", "Ana", "Lopez")) == []


def test_portal_shows_no_section_without_consumer_visible_flags(signed_in, draft):
    fill(signed_in, draft)
    signed_in.post(url(draft, "submit"))
    VerificationFlag.objects.create(
        application=draft,
        source="identity",
        code="identity_mismatch",
        severity="warning",
        consumer_visible=False,
        detail="Name score 40.",
    )

    response = signed_in.get(url(draft, "application"))

    assert response.status_code == 200
    assert b"verification-notes" not in response.content
