"""The fee as it changes and the rule that capped it, on every page that states the fee:
the builder, the consumer's offer (English and Spanish) and the action plan's PDF.

The plan is the engine's Tennessee case: $5,000 at 0% (2%: $100 for 50 months) and $1,000
at 0% (5%: $50 for 20 months) with a $20 monthly fee; once only one creditor is paid the
UDMSA cap is $10, so the fee falls from month 21."""

from __future__ import annotations

import copy
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from counselor.demo.terms import DEMO_INPUTS
from counselor.services.action_plan import action_plan_pdf
from counselor.services.offers import case_offer_send, offer_document, offer_exception_approve
from counselor.services.proposals import proposal_start
from counselor.services.terms import creditor_terms_create, fee_schedule_set
from tenants.roles import Role, role_grant
from tests.counselor.cases import sent_application
from tests.counselor.conftest import recent_auth

pytestmark = pytest.mark.django_db

PHRASE = {
    "en": "$20.00 a month through August 2027, then $10.00 a month",
    "es": "$20.00 al mes hasta agosto de 2027, luego $10.00 al mes",
}
RULE = {
    "en": (
        "TN enacted the Uniform Debt-Management Services Act (UDMSA): the monthly fee is at most"
        " $10.00 for each creditor paid that month, up to $50.00. The setup fee is at most $50.00."
    ),
    "es": (
        "TN adoptó la Ley Uniforme de Servicios de Gestión de Deudas (UDMSA): el cargo mensual"
        " es como máximo $10.00 por cada acreedor pagado ese mes, hasta $50.00. El cargo de"
        " inscripción es como máximo $50.00."
    ),
}


def _debt(number: int, creditor: str, balance: str) -> dict:
    return {
        "id": f"d{number}",
        "creditor": creditor,
        "balance": balance,
        "apr": "0.00",
        "min_payment": "50.00",
        "secured": False,
        "is_housing": False,
    }


@pytest.fixture
def tennessee(terms, agency_profile, make_staff):
    """A case priced in Tennessee: the agency asks $20 a month and no setup fee."""
    admin = make_staff("fee-admin", Role.AGENCY_ADMIN)
    fee_schedule_set(
        actor=admin,
        setup_fee=Decimal("0"),
        monthly_fee=Decimal("20"),
        aiccca_member=False,
        reason="board decision",
    )
    values = {"creditor": "Five Percent Lending", "min_payment_pct": "5", "concession_apr": "0"}
    creditor_terms_create(actor=admin, reason="agreed terms", values=values)
    inputs = copy.deepcopy(DEMO_INPUTS) | {"state": "TN", "start": "2026-01-01"}
    inputs["debts"] = [
        _debt(1, "Main Street Card", "5000.00"),  # default terms: 2%, current APR
        _debt(2, "Five Percent Lending", "1000.00"),
    ]
    application = sent_application()
    return application, proposal_start(case_id=application.public_id, inputs=inputs, actor=None)


def _dd(page: str, dd_id: str) -> str:
    match = re.search(rf'<dd id="{dd_id}">(.*?)</dd>', page, re.S)
    assert match, dd_id
    return re.sub(r"\s+", " ", match.group(1)).strip()


def test_builder_shows_the_fee_as_it_changes_and_the_rule(client, tennessee, make_staff):
    application, _version = tennessee
    client.force_login(make_staff("carol", Role.COUNSELOR))

    page = client.get(reverse("counselor:builder", kwargs={"public_id": application.public_id}))

    html = page.content.decode()
    assert _dd(html, "fee-as-it-changes") == PHRASE["en"]
    assert _dd(html, "total-fees") == "$700.00"
    assert _dd(html, "fee-rule") == RULE["en"]


def _consumer(application, language: str) -> Client:
    role_grant(application.consumer, Role.CONSUMER)
    client = Client()
    client.force_login(application.consumer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    recent_auth(client)
    return client


@pytest.mark.parametrize("language", ["en", "es"])
def test_offer_shows_the_fee_as_it_changes_in_the_consumers_language(
    tennessee, language, make_staff
):
    application, version = tennessee
    # This household's budget covers its minimums, so the plan needs a supervisor's exception.
    offer_exception_approve(
        version=version,
        reason="Asked for the lower rate.",
        actor=make_staff("sue", Role.SUPERVISOR),
    )
    case_offer_send(application=application, version=version, actor=None)
    url = reverse("intake:offer", kwargs={"public_id": application.public_id})

    page = _consumer(application, language).get(url)

    assert page.headers["Content-Language"] == language
    html = page.content.decode()
    assert _dd(html, "offer-fee-as-it-changes") == PHRASE[language]
    assert _dd(html, "offer-fee-rule") == RULE[language]


@pytest.mark.parametrize("language", ["en", "es"])
def test_action_plan_pdf_states_the_fee_as_it_changes_and_the_rule(tennessee, language):
    _application, version = tennessee
    _context, document = offer_document(
        proposal=version.proposal, version=version, language=language
    )

    pdf = action_plan_pdf(document, created=date(2026, 1, 15))

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = re.sub(r"\s+", " ", text)
    assert f"{PHRASE[language]}." in text
    assert RULE[language] in text
    assert "$700.00" in text
