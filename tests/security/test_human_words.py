"""Every page a consumer or a counselor sees, with realistic data, in English and Spanish:
no internal name (auto_insurance, application_started...), no "-$", no money figure of
four digits or more without its thousands separator, no raw duration, and no English
sentence left on a consumer's Spanish page (the staff workspace is English-only)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from counselor.selectors.case import DEFAULT_SECTION, SECTIONS
from tests.intake.conftest import rows
from tests.integrations.plaid import conftest as plaid_fixtures
from tests.security.human_seed import AS_TYPED, Story, client_of, story
from tests.security.human_words import english_sentences, internal_names, offences, text_nodes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]

# The seeded consumer connects a bank through the Plaid sandbox (raw_seed).
plaid_url = plaid_fixtures.plaid_url
plaid = plaid_fixtures.plaid
STEPS = ("about-you", "consents", "income", "expenses", "debts", "bank", "documents", "review")


@dataclass(frozen=True)
class Page:
    who: str  # an attribute of Story
    path: str
    data: dict = field(default_factory=dict)  # POSTed when given
    consumer: bool = True


def _case(name: str, application, **kwargs) -> str:
    return reverse(name, kwargs={"public_id": application.public_id, **kwargs})


def consumer_pages(s: Story) -> list[Page]:
    pages = [Page("consumer", "/"), Page("draft_consumer", "/talk-to-a-counselor/")]
    pages += [Page("nobody", path) for path in ("/", "/accounts/login/", "/accounts/signed-out/")]
    for step in STEPS:
        path = _case(f"intake:step-{step}", s.draft)
        pages += [Page("draft_consumer", path), Page("draft_consumer", f"{path}?check=1")]
    bad = {
        "about-you": {"zip_code": "abcde", "household_size": "0", "birth_date": "28/04/1986"},
        "expenses": {"rent": "abc", "groceries": "-5"},
        "income": rows([{"kind": "wages", "gross": "lots", "net": "9", "frequency": ""}]),
        "debts": rows([{"creditor": "", "kind": "credit_card", "balance": "-5", "apr": "300"}]),
    }
    pages += [
        Page("draft_consumer", _case(f"intake:step-{step}", s.draft), data)
        for step, data in bad.items()
    ]
    for who, application in (("consumer", s.signed), ("short_consumer", s.short)):
        pages += [
            Page(who, _case(name, application))
            for name in ("intake:application", "intake:messages", "intake:offer")
        ]
    return pages


def staff_pages(s: Story) -> list[Page]:
    pages = [
        Page("counselor", f"{reverse('counselor:queue')}?tab={tab}", consumer=False)
        for tab in ("mine", "unassigned", "requests")
    ]
    pages += [Page("supervisor", f"{reverse('counselor:queue')}?tab=all", consumer=False)]
    for application in (s.signed, s.short):
        pages += [
            Page("counselor", _case(name, application), consumer=False)
            for name in ("counselor:case", "counselor:builder", "counselor:action-plan")
        ]
        pages += [  # the case page's other sections, each on its own address
            Page(
                "counselor",
                f"{_case('counselor:case', application)}?section={name}",
                consumer=False,
            )
            for name in SECTIONS
            if name != DEFAULT_SECTION
        ]
        pages.append(
            Page("supervisor", _case("counselor:application-audit", application), consumer=False)
        )
    pages += [
        Page("supervisor", reverse("counselor:supervisor"), consumer=False),
        Page("admin", reverse("counselor:creditor-terms"), consumer=False),
        Page("admin", reverse("counselor:fee-schedule"), consumer=False),
    ]
    return pages


def _render(s: Story, page: Page, language: str) -> list[str]:
    client = client_of(getattr(s, page.who), language) if page.who != "nobody" else Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(page.path, page.data) if page.data else client.get(page.path)
    assert response.status_code == 200, (page, language, response.status_code)
    assert response.headers["Content-Language"] == language, page
    return text_nodes(response.content.decode())


def _pdf_nodes(s: Story, who: str, path: str, language: str) -> list[str]:
    response = client_of(getattr(s, who), language).get(path)
    assert response["Content-Type"] == "application/pdf", path
    reader = PdfReader(io.BytesIO(response.content))
    return [line for page in reader.pages for line in page.extract_text().splitlines()]


@pytest.fixture
def seeded(agency_profile, plaid, settings) -> Story:
    settings.PLAID_ENV, settings.PLAID_WEBHOOK_URL = "sandbox", ""
    return story()


def test_every_page_speaks_in_human_words_and_figures_in_both_languages(seeded: Story):
    names = internal_names()
    found: list[str] = []
    pages = consumer_pages(seeded) + staff_pages(seeded)
    for page in pages:
        english = _render(seeded, page, "en")
        spanish = _render(seeded, page, "es")
        label = f"{page.path} {'POST' if page.data else ''}".strip()
        found += [f"{label} [en]: {o}" for o in offences(english, names, spanish)]
        found += [f"{label} [es]: {o}" for o in offences(spanish, names, english)]
        if str(seeded.short.public_id) in page.path and "healthy" in " ".join(english).lower():
            found.append(f"{label} [en]: a household short each month called healthy")
        if page.consumer:
            left = english_sentences(english, spanish, AS_TYPED)
            found += [f"{label} [es]: untranslated {text!r}" for text in left]
    for who, path in (
        ("consumer", _case("intake:signed-plan", seeded.signed)),
        ("counselor", _case("counselor:signed-plan", seeded.signed)),
    ):
        for language in ("en", "es"):
            found += [
                f"{path} [{language}]: {o}"
                for o in offences(_pdf_nodes(seeded, who, path, language), names)
            ]
    assert len(pages) >= 40
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("path", ["/", "/agencies/", "/route/?state=DC"])
def test_the_front_door_speaks_in_human_words_in_both_languages(frontdoor_settings, path):
    names = internal_names()
    pages = {}
    for language in ("en", "es"):
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        pages[language] = text_nodes(response.content.decode())

    found = offences(pages["en"], names, pages["es"]) + offences(pages["es"], names, pages["en"])
    found += english_sentences(pages["en"], pages["es"], ("Credit Genie",))
    assert found == []


def test_the_scan_finds_each_kind_of_defect():
    names = internal_names()
    nodes = [
        "Car insurance: auto_insurance",
        "electric",
        "Surplus: -$820.52",
        "Balance $24210.55",
        "Took 0:05:01.018401",
        "Income $4,210.55, fine",
    ]
    found = offences(nodes, names)
    assert [line.split(" in ")[0] for line in found] == [
        "internal name 'auto_insurance'",
        "internal name 'electric'",
        "negative money '-$'",
        "no thousands separator '$24210'",
        "raw duration '0:05:01.018401'",
    ]
    assert {"application_started", "water_sewer_trash", "other_options", "credit_card"} <= names
    assert {"apparel_services", "completed"} <= names
    left = english_sentences(
        ["Save and continue", "Quintavius Brightwater", "$4,210.55"],
        ["Save and continue", "Quintavius Brightwater", "$4,210.55"],
        ("Quintavius", "Brightwater"),
    )
    assert left == ["Save and continue"]
