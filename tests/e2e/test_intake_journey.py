"""The consumer's whole journey in a browser on a phone-sized screen (375 x 812): the front
door routes to the agency, sign-in goes through the real OpenID provider, the eight wizard
steps are completed (with a reload midway that resumes from the autosaved draft), the
application is sent and the portal timeline shows. Every page is screenshotted and checked
with axe-core; the Spanish journey also shows no English left on any page."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tenants.us_states import US_STATES
from tests.e2e.browser import PHONE, Recorder, chromium
from tests.intake.catalogue import catalogue_entries, english_fragments, english_left
from tests.intake.catalogue import visible_text as page_text
from tests.integrations.oidc.devprovider import DEMO_PASSWORD
from tests.processes import manage, server

pytestmark = pytest.mark.processes
REFERRAL = "acme-e2e"
NAMES = (
    "Acme Credit Counseling",
    "Ana",
    "Maria",
    "Lopez",
    "Rivera",
    "Peach St",
    "Atlanta",
    *map(str, US_STATES.values()),
)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5f3d6e50000000049454e44ae426082"
)


@dataclass(frozen=True)
class Words:
    """What the journey reads on the pages, in one language."""

    language: str
    steps: tuple[str, ...]
    sign_in_to_start: str
    start: str
    saved_at: str
    sent: str
    where_things_stand: str
    submitted: str


ENGLISH = Words(
    "en",
    (
        "About you",
        "Consents",
        "Income",
        "Expenses",
        "Debts",
        "Connect your bank",
        "Documents",
        "Review and send",
    ),
    "Sign in to start",
    "Start or continue my application",
    "Saved at",
    "Thank you. Your application was sent to a counselor.",
    "Where things stand",
    "Submitted",
)
SPANISH = Words(
    "es",
    (
        "Sobre usted",
        "Consentimientos",
        "Ingresos",
        "Gastos",
        "Deudas",
        "Conecte su banco",
        "Documentos",
        "Revisar y enviar",
    ),
    "Iniciar sesión para comenzar",
    "Comenzar o continuar mi solicitud",
    "Guardado a las",
    "Gracias. Su solicitud fue enviada a un consejero.",
    "Cómo va su caso",
    "Enviada",
)


@pytest.fixture(scope="module")
def front_door(platform, deployment) -> Iterator[str]:
    """The front door, routing Georgia and the code `acme-e2e` to the deployment under test."""
    manage(
        platform.frontdoor_env,
        "agency_routes",
        "acme",
        "--public-url",
        deployment.url,
        "--code",
        REFERRAL,
        "--state",
        "GA",
    )
    with server(platform.frontdoor_env | {"ALLOWED_HOSTS": "127.0.0.1"}) as url:
        yield url


def _amount(text: str) -> Decimal:
    return Decimal(text.replace("$", "").replace(",", ""))


class Journey:
    def __init__(self, page: Page, recorder: Recorder, words: Words, base: str) -> None:
        self.page, self.rec, self.words, self.base = page, recorder, words, base
        self.english: list[str] = []
        self.fragments = english_fragments(catalogue_entries())

    def check(self, name: str) -> None:
        """Screenshot + axe; in Spanish, no English text may be left on the page."""
        self.rec.snap(name)
        if self.words.language == "es":
            found = english_left(page_text(self.page.content()), self.fragments, NAMES)
            self.english += [f"{name}: {text}" for text in found]

    def heading(self, number: int) -> None:
        title = self.words.steps[number - 1]
        expect(self.page.locator("h1 .usa-step-indicator__heading-text")).to_have_text(title)

    def next(self) -> None:
        self.page.locator("button[name=continue]").click()

    def sign_in(self, username: str) -> None:
        self.page.get_by_role("link", name=self.words.sign_in_to_start).click()
        self.check("sign-in")
        self.page.locator("#sign-in-provider").click()
        self.page.fill("#username", username)
        self.page.fill("#password", DEMO_PASSWORD)
        self.rec.snap("provider", audit=False)  # the provider's own page, not ours
        self.page.get_by_role("button", name=re.compile("^(Sign in|Iniciar sesión)$")).click()
        expect(self.page.get_by_role("button", name=self.words.start)).to_be_visible()
        assert self.page.url == f"{self.base}/"
        self.check("signed-in")

    def about_you(self) -> None:
        self.heading(1)
        for selector, value in (
            ("#id_first_name", "Ana"),
            ("#id_last_name", "Lopez"),
            ("#id_birth_date", "04/28/1986"),
            ("#id_ssn", "123-45-6789"),
            ("#id_street", "1 Peach St"),
            ("#id_city", "Atlanta"),
            ("#id_zip_code", "30301"),
            ("#id_phone", "404-555-0123"),
            ("#id_household_size", "3"),
            ("#id_dependents", "2"),
        ):
            self.page.fill(selector, value)
        self.page.select_option("#id_state", "GA")
        self.page.select_option("#id_employment_status", "full_time")
        self.page.select_option("#id_preferred_language", self.words.language)
        self.page.fill("#id_zip_code", "3030")
        self.next()
        expect(self.page.locator("#id_zip_code-error")).to_be_visible()
        assert self.page.input_value("#id_city") == "Atlanta"  # the other values stay
        self.check("1-about-you-errors")
        self.page.fill("#id_zip_code", "30301")
        self.check("1-about-you")
        self.next()

    def consents(self) -> None:
        self.heading(2)
        for kind in ("privacy", "esign", "credit_pull"):
            self.page.locator(f"label[for=id_{kind}]").click()
        self.check("2-consents")
        self.next()

    def income(self) -> None:
        self.heading(3)
        self.page.select_option("#id_rows-0-kind", "wages")
        self.page.fill("#id_rows-0-gross", "$4,000.00")
        self.page.fill("#id_rows-0-net", "3200")
        self.page.select_option("#id_rows-0-frequency", "monthly")
        self.page.locator("button[name=add_row]").click()
        self.page.select_option("#id_rows-1-kind", "public_assistance")
        self.page.fill("#id_rows-1-gross", "250")
        self.page.select_option("#id_rows-1-frequency", "monthly")
        self.check("3-income")
        self.next()

    def expenses_with_reload(self) -> None:
        """Midway: autosave, reload the page, and find every value still there."""
        self.heading(4)
        typed = {"#id_rent": "1,200", "#id_groceries": "500.50", "#id_electric": "$120"}
        for selector, value in typed.items():
            self.page.fill(selector, value)
        self.page.locator("#id_electric").blur()
        expect(self.page.locator("#autosave-status")).to_contain_text(self.words.saved_at)
        self.check("4-expenses-autosaved")
        self.page.reload()
        self.heading(4)
        for selector, value in typed.items():
            assert _amount(self.page.input_value(selector)) == _amount(value), selector
        self.check("4-expenses-after-reload")
        self.next()

    def debts(self) -> None:
        self.heading(5)
        for field, value in (
            ("creditor", "Big Bank Card"),
            ("balance", "$8,500"),
            ("apr", "24.99%"),
            ("minimum_payment", "255"),
        ):
            self.page.fill(f"#id_rows-0-{field}", value)
        self.page.select_option("#id_rows-0-kind", "credit_card")
        self.check("5-debts")
        self.next()

    def bank(self) -> None:
        self.heading(6)
        self.check("6-bank")
        self.next()

    def documents(self, tmp: Path) -> None:
        self.heading(7)
        stub = tmp / "pay-stub.png"
        stub.write_bytes(PNG)
        self.page.select_option("#id_kind", "pay_stub")
        self.page.set_input_files("#id_file", stub)
        self.page.locator("button[name=upload]").click()
        expect(self.page.locator("main ul.usa-list li")).to_have_count(1)
        self.check("7-documents")
        self.next()

    def review_and_submit(self) -> None:
        self.heading(8)
        expect(self.page.locator("main")).to_contain_text("$3,450.00")  # 3,200 + 250 take-home
        self.check("8-review")
        self.page.locator("button[name=submit]").click()
        expect(self.page.get_by_text(self.words.sent)).to_be_visible()
        timeline = self.page.locator(".portal-timeline")
        expect(self.page.get_by_role("heading", name=self.words.where_things_stand)).to_be_visible()
        expect(timeline.locator("li").first).to_contain_text(self.words.submitted)
        self.check("9-portal-timeline")
        self.page.locator("a[href$='/messages/']").click()
        self.check("10-portal-messages")
        self.page.locator(".site-talk").click()
        self.check("11-talk-to-a-counselor")


def _journey(
    page: Page, words: Words, base: str, folder: Path, username: str, tmp: Path
) -> Journey:
    journey = Journey(page, Recorder(page, folder), words, base)
    if words.language == "es":
        journey.rec.snap("agency-landing-before-switch")
        page.get_by_role("button", name="Español").click()
        expect(page.get_by_role("link", name=words.sign_in_to_start)).to_be_visible()
    journey.check("agency-landing")
    journey.sign_in(username)
    page.get_by_role("button", name=words.start).click()
    journey.check("portal-draft")
    page.locator("#continue-application").click()
    journey.about_you()
    journey.consents()
    journey.income()
    journey.expenses_with_reload()
    journey.debts()
    journey.bank()
    journey.documents(tmp)
    journey.review_and_submit()
    return journey


def _assert_clean(journey: Journey) -> None:
    print(
        f"\n{journey.words.language}: {len(journey.rec.shots)} screenshots in {journey.rec.folder}"
    )
    print(journey.rec.axe_summary())
    assert journey.rec.csp == [], journey.rec.csp
    assert journey.rec.serious_violations() == {}
    assert journey.english == []


def test_english_journey_from_the_front_door_to_the_portal(
    front_door, deployment, artifacts_dir, tmp_path
):
    with chromium() as browser:
        page = browser.new_context(viewport=PHONE).new_page()
        page.goto(f"{front_door}/")
        page.select_option("#id_state", "GA")
        page.fill("#id_zip_code", "30301")
        page.screenshot(path=artifacts_dir / "en-00-front-door.png", full_page=True)
        page.get_by_role("button", name="Find my agency").click()
        expect(page).to_have_url(re.compile(re.escape(deployment.url) + r"/(\?.*)?$"))
        journey = _journey(
            page, ENGLISH, deployment.url, artifacts_dir / "en", "consumer", tmp_path
        )
    _assert_clean(journey)


def test_spanish_journey_through_a_referral_link(front_door, deployment, artifacts_dir, tmp_path):
    maria = {
        "sub": str(uuid.uuid4()),
        "email": "maria.rivera@acme.example.com",
        "given_name": "Maria",
        "family_name": "Rivera",
    }
    with deployment.provider.changed("acme", "maria", _new=True, **maria), chromium() as browser:
        page = browser.new_context(viewport=PHONE).new_page()
        page.goto(f"{front_door}/r/{REFERRAL}")
        expect(page).to_have_url(f"{deployment.url}/?ref={REFERRAL}")
        journey = _journey(page, SPANISH, deployment.url, artifacts_dir / "es", "maria", tmp_path)
        expect(page.locator("html")).to_have_attribute("lang", "es")
    _assert_clean(journey)
