"""Issue 17, acceptance 1: every consumer page fits a phone. In Chromium against a real
deployment (gunicorn, PostgreSQL, the real OpenID provider): the front door, the agency's
landing, sign-in, the provider's sign-up, the eight wizard steps (each once as first
opened and once after "Save and continue" with errors), the portal, messages, the offer
and the signed plan, each at 320, 375, 414 and 1280 px wide. On every page and width:
``document.documentElement.scrollWidth <= window.innerWidth`` and axe-core finds nothing
serious or critical; a screenshot of each goes to var/artifacts/e2e/<timestamp>/fits/.
A Spanish pass at 375 px repeats the pages in the other language.

One signed-in journey: the viewport is resized on each page rather than replaying the
journey for each width."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import PHONE, Recorder, chromium
from tests.e2e.test_intake_journey import ENGLISH, SPANISH, Journey, Words, front_door  # noqa: F401
from tests.processes import manage

pytestmark = pytest.mark.processes
WIDTHS = (320, 375, 414, 1280)
# How each step is made to refuse: an answer typed wrong (blank lines are fine in the
# rows and amounts steps), then the button. The bank step has nothing that can be wrong.
REFUSE = {
    "about-you": (None, "continue"),
    "consents": (None, "continue"),
    "income": (("#id_rows-0-gross", "a lot"), "continue"),
    "expenses": (("#id_rent", "a lot"), "continue"),
    "debts": (("#id_rows-0-balance", "a lot"), "continue"),
    "documents": (None, "upload"),  # no file chosen
    "review": (None, "submit"),  # the steps are not complete
}
STEPS = ("about-you", "consents", "income", "expenses", "debts", "bank", "documents", "review")
# The counselor's side, done through the services: a plan from the case's own figures,
# a supervisor's exception where the rule asks for one, and the offer sent.
OFFER = (
    "from django.contrib.auth import get_user_model; from tenants.roles import Role, role_grant; "
    "from intake.models import Application; from counselor.demo.terms import creditor_terms_seed; "
    "from counselor.services.proposals import proposal_start_from_case; "
    "from counselor.services.offers import offer_rule, offer_exception_approve, case_offer_send; "
    "creditor_terms_seed(); users = get_user_model().objects; "
    "c, _ = users.get_or_create(username='fits-counselor'); role_grant(c, Role.COUNSELOR); "
    "s, _ = users.get_or_create(username='fits-supervisor'); role_grant(s, Role.SUPERVISOR); "
    "app = Application.objects.get(public_id='%s'); "
    "v = proposal_start_from_case(application=app, actor=c)[0].versions.get(number=1); "
    "offer_rule(v).needs_approval and offer_exception_approve(version=v, reason='Asked', actor=s);"
    "case_offer_send(application=app, version=v, actor=c); print('offered')"
)
# The elements that stick out on the right, for the failure message.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
  .slice(-4).map(e => `${e.tagName.toLowerCase()}#${e.id}.${[...e.classList].join('.')}`
    + ` ${Math.round(e.getBoundingClientRect().right)}px`)"""


@dataclass
class FitRecorder(Recorder):
    """Each snap resizes the viewport to every width: no horizontal scroll, axe-core, and
    a screenshot per width."""

    widths: tuple[int, ...] = WIDTHS
    overflow: dict[str, list[str]] = field(default_factory=dict)
    pages: int = 0

    def snap(self, name: str, *, audit: bool = True) -> None:
        self.pages += 1
        self.page.wait_for_load_state()
        for width in self.widths:
            self.page.set_viewport_size({"width": width, "height": 800})
            scroll, inner = self.page.evaluate(
                "() => [document.documentElement.scrollWidth, window.innerWidth]"
            )
            if scroll > inner:
                self.overflow[f"{name}@{width}"] = [f"{scroll}px", *self.page.evaluate(WIDEST)]
            super().snap(f"{name}-{width}", audit=audit)
        self.page.set_viewport_size(PHONE)


def unticked_saved(response) -> bool:
    """The autosave that stores the box unticked, not one sent while it was still ticked
    (the delayed save of the tick, or the every-30-seconds save, can answer after the
    untick under load)."""
    request = response.request
    return (
        request.method == "POST"
        and request.url.endswith("/about-you/")
        and "has_co_applicant=on" not in (request.post_data or "")
    )


class Pages(Journey):
    def switch(self, words: Words, recorder: FitRecorder) -> None:
        """The header's language switch; the pages then go to that language's recorder."""
        other = "English" if self.words.language == "es" else "Español"
        if words.language != self.words.language:
            self.page.get_by_role("button", name=other).click()
        self.words, self.rec = words, recorder

    def steps(self, public_id: str, prefix: str) -> None:
        """Each step as first opened, then after "Save and continue" with its errors."""
        for number, slug in enumerate(STEPS, 1):
            self.page.goto(f"{self.base}/applications/{public_id}/{slug}/")
            self.heading(number)
            self.check(f"{prefix}{number}-{slug}")
            if slug not in REFUSE:
                continue
            wrong, button = REFUSE[slug]
            if wrong:
                self.page.fill(*wrong)
            self.page.locator(f"button[name={button}]").click()
            expect(self.page.locator(".usa-error-message, .usa-alert--error").first).to_be_visible()
            self.check(f"{prefix}{number}-{slug}-errors")

    def co_applicant(self, public_id: str, *, script: bool = True) -> None:
        """Their fields only while "Someone applies with me" is ticked (CSS, no script;
        axe-core needs script, so a page without it is only screenshotted)."""
        self.page.goto(f"{self.base}/applications/{public_id}/about-you/")
        fields = self.page.locator("#co-applicant-fields")
        box = self.page.locator("label[for=id_has_co_applicant]")
        expect(fields).to_be_hidden()
        box.click()
        expect(self.page.locator("#id_co_first_name")).to_be_visible()
        self.rec.snap("1-about-you-co-applicant", audit=script)
        if script:  # the autosave keeps the box as it is left: unticked
            with self.page.expect_response(unticked_saved):
                box.click()
        else:
            box.click()
        expect(fields).to_be_hidden()

    def signed_out_pages(self, prefix: str) -> None:
        self.check(f"{prefix}agency-landing")
        self.page.get_by_role("link", name=self.words.sign_in_to_start).click()
        self.check(f"{prefix}sign-in")
        self.page.locator("#sign-up-provider").click()
        expect(self.page.locator("#given_name")).to_be_visible()
        self.check(f"{prefix}sign-up")
        self.page.goto(f"{self.base}/")

    def case_pages(self, public_id: str, prefix: str) -> None:
        self.page.goto(f"{self.base}/applications/{public_id}/")
        self.check(f"{prefix}portal")
        self.page.goto(f"{self.base}/applications/{public_id}/messages/")
        self.check(f"{prefix}messages")
        self.page.goto(f"{self.base}/applications/{public_id}/offer/")
        self.check(f"{prefix}offer")


def test_every_consumer_page_fits_every_width(
    platform,
    deployment,
    front_door,  # noqa: F811
    artifacts_dir,
    tmp_path,
):
    base = deployment.url
    folder = artifacts_dir / "fits"
    with chromium() as browser:
        page: Page = browser.new_context(viewport=PHONE).new_page()
        english = FitRecorder(page, folder / "en")
        spanish = FitRecorder(page, folder / "es", widths=(375,))
        pages = Pages(page, english, ENGLISH, base)

        page.goto(f"{front_door}/")
        pages.check("front-door")
        page.goto(f"{base}/")
        pages.signed_out_pages("")
        pages.switch(SPANISH, spanish)
        pages.signed_out_pages("")
        pages.switch(ENGLISH, english)

        pages.sign_in("consumer")
        page.get_by_role("button", name=ENGLISH.start).click()
        public_id = re.search(r"/applications/([0-9a-f-]{36})/", page.url).group(1)
        pages.check("portal-draft")
        pages.steps(public_id, "")
        pages.co_applicant(public_id)
        no_script = browser.new_context(
            viewport=PHONE, java_script_enabled=False, storage_state=page.context.storage_state()
        )
        bare = no_script.new_page()
        Pages(
            bare, FitRecorder(bare, folder / "no-script", widths=(375,)), ENGLISH, base
        ).co_applicant(public_id, script=False)
        no_script.close()
        pages.switch(SPANISH, spanish)
        pages.steps(public_id, "")
        pages.switch(ENGLISH, english)

        page.goto(f"{base}/applications/{public_id}/about-you/")
        pages.about_you()
        pages.consents()
        pages.income()
        pages.expenses_with_reload()
        pages.debts()
        pages.bank()
        pages.documents(tmp_path)
        pages.review_and_submit()

        offered = manage(
            platform.agency_env("acme"), "shell", "--no-imports", "-c", OFFER % public_id
        )
        assert offered.stdout.strip().endswith("offered"), offered.stdout
        pages.case_pages(public_id, "offered-")
        pages.switch(SPANISH, spanish)
        pages.case_pages(public_id, "offered-")
        pages.switch(ENGLISH, english)
        page.fill("#id_typed_name", "Ana Lopez")
        page.locator("label[for=id_consent]").click()
        page.get_by_role("button", name="Sign and accept the plan").click()
        expect(page.locator("#signed-plan")).to_be_visible()
        pages.check("signed-plan")
        pages.case_pages(public_id, "signed-")
        pages.switch(SPANISH, spanish)
        pages.case_pages(public_id, "signed-")
        csp = english.csp + spanish.csp

    recorders = (english, spanish)
    for rec in recorders:
        print(f"\n{rec.folder}: {rec.pages} pages, {len(rec.shots)} screenshots")
        print(rec.axe_summary())
        for name, found in {**rec.overflow, **rec.serious_violations()}.items():
            print(f"  {name}: {found}")
    assert english.pages >= 30 and spanish.pages >= 20
    assert {k: v for rec in recorders for k, v in rec.overflow.items()} == {}
    assert {k: v for rec in recorders for k, v in rec.serious_violations().items()} == {}
    assert csp == [], csp
