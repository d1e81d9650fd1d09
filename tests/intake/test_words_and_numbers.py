"""Plain words and numbers for the consumer: the offer in the page's language (the same
frozen numbers), a shortfall said as the amount short, never a "healthy" household that
is short each month."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.formats import date_format
from pypdf import PdfReader

from intake.models import PlanAcceptance, PlanOffer
from tests.integrations.plaid import conftest as plaid_fixtures
from tests.security.human_seed import client_of
from tests.security.human_words import text_nodes
from tests.security.raw_seed import FAMILY, GIVEN, seed

from .conftest import ABOUT_YOU, CONSENTS, rows, url

MONEY = re.compile(r"\$[\d,]+\.\d\d")


def _figures(html: str) -> list[str]:
    """Every money figure of the offer's document, in order."""
    document = html.split('class="usa-prose offer-document"', 1)[1].split("</article>", 1)[0]
    return MONEY.findall(" ".join(text_nodes(f"<div {document}")))


# The seeded consumer connects a bank through the Plaid sandbox (raw_seed).
plaid_url = plaid_fixtures.plaid_url
plaid = plaid_fixtures.plaid


@pytest.mark.processes
@pytest.mark.django_db(transaction=True)
def test_an_offer_opens_and_is_signed_in_the_pages_language_with_the_same_numbers(
    agency_profile, plaid, settings
):
    settings.PLAID_ENV, settings.PLAID_WEBHOOK_URL = "sandbox", ""
    application = seed()  # an English-speaking consumer, offered a plan
    offer = PlanOffer.objects.get(application=application)
    english = client_of(application.consumer, "en").get(url(application, "offer"))
    spanish_client = client_of(application.consumer, "es")
    spanish = spanish_client.get(url(application, "offer"))
    english_html, spanish_html = english.content.decode(), spanish.content.decode()

    assert f'<strong class="reference">{application.reference}</strong>' in spanish_html
    assert 'lang="en">' in english_html and "Written action plan" in english_html
    assert 'lang="es">' in spanish_html and "Plan de acción por escrito" in spanish_html
    assert "Written action plan and Debt" not in spanish_html
    assert _figures(spanish_html) == _figures(english_html) != []
    spanish_sha = offer.snapshot["renderings"]["es"]["sha256"]
    assert f'value="{spanish_sha}"' in spanish_html

    signed = spanish_client.post(
        url(application, "offer-accept"),
        {
            "offer": offer.public_id,
            "document_hash": spanish_sha,
            "typed_name": f"{GIVEN} {FAMILY}",
            "consent": "on",
        },
    )

    assert signed.status_code == 302
    acceptance = PlanAcceptance.objects.get(offer=offer)
    spanish_document = offer.snapshot["renderings"]["es"]["html"]
    assert acceptance.document_hash == hashlib.sha256(spanish_document.encode()).hexdigest()
    pdf = spanish_client.get(url(application, "signed-plan")).content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Plan de acción por escrito" in text
    offer.refresh_from_db()
    assert offer.document_hash != spanish_sha  # the frozen offer itself never changed


def test_a_rendering_whose_text_was_changed_is_not_offered(db):
    offer = PlanOffer(
        document="<p>Plan</p>",
        document_hash=hashlib.sha256(b"<p>Plan</p>").hexdigest(),
        snapshot={
            "language": "en",
            "renderings": {"es": {"html": "<p>Otro</p>", "sha256": "0" * 64}},
        },
    )

    assert offer.rendering("es").html == "<p>Plan</p>"
    assert offer.rendering_of("0" * 64) is None


SHORT = (
    ("about-you", ABOUT_YOU),
    ("consents", CONSENTS),
    ("income", rows([{"kind": "wages", "gross": "2600", "net": "2100", "frequency": "monthly"}])),
    ("expenses", {"rent": "2320.52", "groceries": "600"}),
    (
        "debts",
        rows(
            [
                {
                    "creditor": "Big Bank Card",
                    "kind": "credit_card",
                    "balance": "1000",
                    "apr": "20",
                    "minimum_payment": "25",
                }
            ]
        ),
    ),
)


@pytest.mark.parametrize(
    ("language", "short", "healthy"),
    [
        ("en", "You are short $820.52 a month", "healthy"),
        ("es", "$820.52", "saludable"),
    ],
)
def test_a_shortfall_reads_as_the_amount_short_and_never_healthy(
    signed_in: Client, draft, language, short, healthy
):
    for step, data in SHORT:
        assert signed_in.post(url(draft, f"step-{step}"), data).status_code == 302, step
    signed_in.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    text = " ".join(text_nodes(signed_in.get(url(draft, "step-review")).content.decode()))

    assert short in text
    assert "-$" not in text and "$-" not in text
    assert healthy not in text.lower()


def test_spanish_pages_name_the_month_so_a_date_is_never_ambiguous():
    day = date(2026, 12, 6)
    with translation.override("es"):
        short, long = date_format(day, "SHORT_DATE_FORMAT"), date_format(day, "DATE_FORMAT")
    with translation.override("en"):
        english = date_format(day, "SHORT_DATE_FORMAT")

    assert (short, long) == ("6 dic 2026", "6 de diciembre de 2026")
    assert english == "12/06/2026"


def _visible(response) -> str:
    return " ".join(text_nodes(response.content.decode()))


def test_django_default_wording_is_replaced_by_plain_sentences(signed_in: Client, draft):
    bad = ABOUT_YOU | {"household_size": "0", "dependents": "-1", "first_name": "x" * 61}

    page = _visible(signed_in.post(url(draft, "step-about-you"), bad))

    assert "Ensure this value" not in page
    assert "Enter 1 or more." in page and "Enter 0 or more." in page
    assert "Please shorten this answer to 60 characters or fewer." in page


def test_the_error_summary_names_each_field_in_error(signed_in: Client, draft):
    page = _visible(signed_in.post(url(draft, "step-expenses"), {"rent": "abc", "electric": "x"}))

    summary = page.split("Please check these answers", 1)[1]
    assert "Rent: Enter an amount in dollars, like 1,234.56." in summary
    assert "Electricity: Enter an amount in dollars, like 1,234.56." in summary


def test_a_zip_code_in_letters_shows_only_its_own_message(signed_in: Client, draft):
    page = _visible(signed_in.post(url(draft, "step-about-you"), ABOUT_YOU | {"zip_code": "abcde"}))

    summary = page.split("Please check these answers", 1)[1]
    assert summary.count("ZIP code: Enter a 5-digit ZIP code, like 30301.") == 1
    assert page.count("Enter a 5-digit ZIP code, like 30301.") == 2  # summary and field
    assert "Enter your ZIP code." not in page


def test_an_implausible_amount_is_kept_and_asked_about_until_saved_again(signed_in: Client, draft):
    huge = rows([{"kind": "wages", "gross": "$9,999,999,999", "net": "", "frequency": "biweekly"}])

    first = signed_in.post(url(draft, "step-income"), huge)

    assert first.status_code == 200  # the step is not complete
    assert "Please check this amount: $9,999,999,999.00" in _visible(first)
    assert 'value="$9,999,999,999"' in first.content.decode()  # as typed
    assert draft.incomes.get().gross == Decimal("9999999999.00")  # kept

    again = signed_in.post(url(draft, "step-income"), huge)

    assert again.status_code == 302  # confirmed: the step moves on
    assert draft.incomes.get().gross == Decimal("9999999999.00")
    assert "income" in type(draft).objects.get(pk=draft.pk).completed_steps


def test_a_usual_amount_is_not_asked_about(signed_in: Client, draft):
    usual = rows([{"kind": "wages", "gross": "4,210.55", "net": "", "frequency": "biweekly"}])

    assert signed_in.post(url(draft, "step-income"), usual).status_code == 302
