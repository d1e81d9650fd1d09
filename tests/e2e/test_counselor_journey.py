"""Issue 8, acceptance 1: from a submitted case to an enrolled consumer, in Chromium against a
real deployment (gunicorn, PostgreSQL) signing in through the real OpenID provider.

A consumer sends an application through the wizard (the intake journey's steps, with
three debts); the counselor finds the case by phone number, opens it, clicks "Build a
plan", leaves one debt out and overrides a creditor's APR with a reason; the monthly
deposit, months and interest saved change in place (htmx: a marker set on ``window``
survives, so the page was not reloaded) and equal the engine's figures computed here for
the same inputs (``counselor.engine.builder.build_proposal`` with the deployment's own creditor
terms). The counselor saves, adds the debt found only on the credit report and tries to
send the offer: refused, the plan needs a supervisor's approval. A supervisor, in her own
browser, opens the case, types her reason and approves; her sign-in is an hour old, so she
signs in again at the provider first and finds her reason still typed. The counselor sends
the offer; the consumer signs in, opens the offer, reads the exception in the document,
signs (typed name + consent) and accepts; the counselor reloads the case: "Enrolled".
Screenshots of every stage go to var/artifacts/e2e/<timestamp>/counselor/.
"""

from __future__ import annotations

import json
import re
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from playwright.sync_api import Browser, Page, expect

from counselor.engine.builder import ProposalResult, TermsOverride, build_proposal
from counselor.engine.dmp import Concessions
from counselor.engine.fees import FeeSchedule
from counselor.engine.snapshots import inputs_parse
from counselor.engine.terms_match import TermsRow, TermsTable
from intake.engine.money import money_text
from tests.e2e.browser import Recorder, chromium
from tests.e2e.test_intake_journey import ENGLISH, Journey
from tests.integrations.oidc.devprovider import DEMO_PASSWORD
from tests.processes import PG_SERVER, manage

pytestmark = pytest.mark.processes
DESKTOP = {"width": 1280, "height": 900}
DECISION = {"width": 1280, "height": 800}  # the case's decision needs at most two of these
DEBTS = (
    ("CHASE CARD", "$6,200", "29.99", "210"),  # the demo table's alias of Chase: 6%
    ("SYNCB/AMAZON", "$2,400", "26.99", "85"),  # Synchrony Bank: 9.9%
    ("Zed Furniture", "$900", "21", "45"),  # not in the table: the default terms
)
OVERRIDE_REASON = "Synchrony hardship letter of March"
SEED_TERMS = "from counselor.demo.terms import creditor_terms_seed; print(creditor_terms_seed())"
EXCEPTION_REASON = "The household asked for one payment and lower interest."
# The supervisor's verified sign-in, an hour old: she signed in earlier in her day.
SIGNED_IN_EARLIER = (
    "from django.contrib.sessions.backends.db import SessionStore; "
    "from tenants.signin import AUTH_TIME; "
    "s = SessionStore(session_key='%s'); s[AUTH_TIME] = s[AUTH_TIME] - 3600; s.save(); "
    "print('aged')"
)
VERSION = (
    "import json; from counselor.models import ProposalVersion; print(json.dumps("
    "ProposalVersion.objects.get(proposal__case_id='%s', number=%d).inputs))"
)
# The bureau's answer for the case, as the verification would have stored it: the TransUnion
# sandbox's contract report (JPMCB CARD matches the stated CHASE CARD; KOHLS/CAPONE $204 is
# on the report only).
REPORT = (
    "from django.utils import timezone; from intake.models import Application, "
    "VerificationRequest; from integrations.sandbox.transunion.personas import document; "
    "from integrations.transunion.models import BureauPull; "
    "from integrations.transunion.services import credit_report_store; "
    "a = Application.objects.get(public_id='%s'); "
    "p = BureauPull.objects.create(idempotency_key='e2e:' + str(a.public_id), reference='E2E1', "
    "consent_reference='consent:e2e', status=BureauPull.Status.DONE); "
    "credit_report_store(pull=p, xml=document(ssn='900-12-3456', reference='E2E1').decode()); "
    "r, _ = VerificationRequest.objects.get_or_create(application=a, "
    "defaults={'started_at': timezone.now()}); "
    "r.bureau_pull_id = p.public_id; r.completed_at = timezone.now(); r.save(); print('reported')"
)


class QuickRecorder(Recorder):
    """Screenshots only: axe-core already runs on these pages in the intake journey."""

    def snap(self, name: str, *, audit: bool = False) -> None:
        super().snap(name, audit=False)


class ThreeDebts(Journey):
    def debts(self) -> None:
        self.heading(5)
        for n, (creditor, balance, apr, minimum) in enumerate(DEBTS):
            if n:
                self.page.locator("button[name=add_row]").click()
            for field, value in (
                ("creditor", creditor),
                ("balance", balance),
                ("apr", apr),
                ("minimum_payment", minimum),
            ):
                self.page.fill(f"#id_rows-{n}-{field}", value)
            self.page.select_option(f"#id_rows-{n}-kind", "credit_card")
        self.check("5-debts")
        self.next()


def _provider_sign_in(page: Page, username: str) -> None:
    expect(page.locator("#username")).to_be_visible()
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _sign_in_at(page: Page, url: str, username: str) -> None:
    """Open ``url`` signed out: the sign-in page, the provider, then back at ``url``."""
    page.goto(url)
    page.locator("#sign-in-provider").click()
    _provider_sign_in(page, username)
    expect(page).to_have_url(url)


def _deployment_rows(database: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(f"{PG_SERVER}/{database}", connect_timeout=5) as conn:
        return conn.execute(sql, params).fetchall()


def _terms_table(database: str) -> TermsTable:
    """The deployment's current creditor terms, as counselor.selectors.terms reads them."""
    rows = _deployment_rows(
        database,
        "SELECT public_id, version, creditor, aliases, min_payment_pct, concession_apr, "
        "max_term_months, fair_share_pct, reage_after_payments, notes, is_default, active "
        "FROM counselor_creditorterms WHERE valid_to IS NULL",
    )
    return TermsTable(
        TermsRow(
            public_id=str(r[0]),
            version=r[1],
            creditor=r[2],
            aliases=tuple(r[3]),
            terms=Concessions(
                min_payment_pct=r[4],
                concession_apr=r[5],
                max_term_months=r[6],
                fair_share_pct=r[7],
                reage_after_payments=r[8],
                notes=r[9],
            ),
            is_default=r[10],
            active=r[11],
        )
        for r in rows
    )


def _engine(inputs: dict, table: TermsTable, **choices: Any) -> ProposalResult:
    """The engine's figures for the proposal's inputs with the builder's choices."""
    parsed = inputs_parse(inputs)
    return build_proposal(
        debts=parsed.debts,
        household_budget=parsed.household_budget,
        state=parsed.state,
        terms_for=table.terms_for,
        fee_schedule=FeeSchedule(Decimal("0"), Decimal("0")),
        start=parsed.start,
        **choices,
    )


def _expect_figures(page: Page, result: ProposalResult) -> None:
    plan, comparison = result.plan, result.comparison
    assert comparison.interest_saved is not None  # these debts pay off on their minimums
    expect(page.locator("#monthly-deposit")).to_have_text(money_text(plan.monthly_deposit))
    expect(page.locator("#months")).to_have_text(re.compile(rf"^{plan.months} \("))
    expect(page.locator("#interest-saved")).to_have_text(money_text(comparison.interest_saved))


def supervisor_approves(
    browser: Browser, folder: Path, base: str, case_id: str, env: dict[str, str]
) -> list[str]:
    """In her own browser, a supervisor signs in, opens the case, reads why the plan was
    refused, types her reason and approves. Her sign-in is an hour old, so approving asks
    her to sign in again first; she comes back to the case with her reason still typed."""
    page = browser.new_context(viewport=DESKTOP).new_page()
    rec = QuickRecorder(page, folder / "supervisor")
    case_url = f"{base}/counselor/cases/{case_id}/"
    page.goto(f"{base}/accounts/login/")
    page.locator("#sign-in-provider").click()
    _provider_sign_in(page, "supervisor")
    expect(page).to_have_url(f"{base}/counselor/supervisor/")
    expect(page.locator("h1")).to_have_text("Supervisor dashboard")
    (session,) = (c["value"] for c in page.context.cookies() if c["name"] == "cg_acme_session")
    aged = manage(env, "shell", "--no-imports", "-c", SIGNED_IN_EARLIER % session)
    assert aged.stdout.strip().endswith("aged")
    page.goto(case_url)  # the link the counselor sent her
    page.locator(".case-jump").get_by_role("link", name="Plans").click()
    form = page.locator("#case-offer-exception")
    expect(form).to_contain_text("the budget already covers every minimum payment")
    page.fill("#offer-exception-reason", EXCEPTION_REASON)
    rec.snap("approval-form")
    approve = form.get_by_role("button", name=re.compile("^Approve the exception"))
    approve.click()
    _provider_sign_in(page, "supervisor")  # the step-up: the provider asks for her password
    expect(page).to_have_url(f"{case_url}?section=plans")  # back where she pressed Approve
    expect(page.locator("main")).to_contain_text("You signed in again.")
    expect(page.locator("#offer-exception-reason")).to_have_value(EXCEPTION_REASON)
    rec.snap("approval-after-sign-in")
    approve.click()
    expect(
        page.get_by_text(
            "Exception approved for proposal version 3: the counselor can send it now."
        )
    ).to_be_visible()
    expect(page.locator("#case-offer-exception")).to_have_count(0)
    approved = page.locator("#case-offer-exception-approved")
    expect(approved).to_contain_text(EXCEPTION_REASON)
    rec.snap("approval-confirmed")
    page.context.close()
    return rec.csp


def test_counselor_takes_a_submitted_case_to_an_enrolled_consumer(
    platform, deployment, artifacts_dir, tmp_path
):
    began = time.monotonic()
    seeded = manage(platform.agency_env("acme"), "shell", "--no-imports", "-c", SEED_TERMS)
    assert seeded.stdout.strip() == "10"  # the demo creditor terms table
    table = _terms_table(deployment.database)
    folder: Path = artifacts_dir / "counselor"
    base = deployment.url

    with chromium() as browser:
        # 1. The consumer sends an application (the wizard, three debts).
        consumer = browser.new_context(viewport=DESKTOP).new_page()
        consumer.goto(f"{base}/")
        journey = ThreeDebts(consumer, QuickRecorder(consumer, folder / "consumer"), ENGLISH, base)
        journey.sign_in("consumer")
        consumer.get_by_role("button", name=ENGLISH.start).click()
        case_id = re.search(r"/applications/([0-9a-f-]{36})/", consumer.url).group(1)
        consumer.locator("#continue-application").click()
        journey.about_you()
        journey.consents()
        journey.income()
        journey.expenses_with_reload()
        journey.debts()
        journey.bank()
        journey.documents(tmp_path)
        journey.review_and_submit()
        consumer.context.close()
        submitted = time.monotonic()

        # 2. The counselor signs in and lands on My cases; she searches from there by phone
        # number and finds the consumer, who sits in "Unassigned"; opens the case, jumps to Debts.
        page = browser.new_context(viewport=DESKTOP).new_page()
        rec = Recorder(page, folder)
        page.goto(f"{base}/accounts/login/")
        page.locator("#sign-in-provider").click()
        _provider_sign_in(page, "counselor")
        expect(page).to_have_url(f"{base}/counselor/")
        expect(page.locator("h1")).to_have_text("My cases")
        expect(page.locator("#today")).to_contain_text("New unassigned cases")
        expect(page.locator(".site-staff-nav")).to_contain_text("Follow-ups")
        rec.snap("my-cases", audit=False)
        page.keyboard.press("/")
        expect(page.locator("#id_value")).to_be_focused()
        page.select_option("#id_kind", "phone")
        page.fill("#id_value", "(404) 555-0123")
        page.get_by_role("button", name="Find").click()
        rows = page.locator("#queue-found tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("Ana Lopez")
        expect(rows.first.locator("td").first).to_have_text("Unassigned")
        rec.snap("queue-found", audit=False)
        page.keyboard.press("j")
        page.keyboard.press("Enter")
        expect(page).to_have_url(f"{base}/counselor/cases/{case_id}/")
        # The decision fits two screens: the summary, assignment and status, the Budget.
        page.set_viewport_size(DECISION)
        expect(page.locator("#case-budget")).to_be_visible()
        height = page.evaluate("() => document.documentElement.scrollHeight")
        assert height <= 2 * DECISION["height"], f"the case page is {height}px tall"
        rec.snap("case")
        assert rec.serious_violations() == {}
        page.set_viewport_size(DESKTOP)
        # Debts open in the panel (htmx: the page is not reloaded), on their own address.
        case_url = f"{base}/counselor/cases/{case_id}/"
        page.evaluate("() => { window.journeyMarker = 'not reloaded'; }")
        page.locator(".case-jump").get_by_role("link", name="Debts").click()
        expect(page).to_have_url(f"{case_url}?section=debts")
        expect(page.locator("#case-debts tbody tr")).to_have_count(3)
        expect(page.locator("#case-debts")).to_be_in_viewport()
        expect(page.locator("#case-budget")).to_have_count(0)
        expect(page.locator(".case-jump [aria-current=page]")).to_have_text("Debts")
        expect(page.locator("#debts-title")).to_be_focused()
        assert page.evaluate("() => window.journeyMarker") == "not reloaded"
        rec.snap("case-debts")
        assert rec.serious_violations() == {}
        # Back, forward and reload land on the section of that address.
        page.go_back()
        expect(page).to_have_url(case_url)
        expect(page.locator("#case-budget")).to_be_visible()
        expect(page.locator(".case-jump [aria-current=page]")).to_have_text("Budget")
        page.go_forward()
        expect(page.locator("#case-debts tbody tr")).to_have_count(3)
        page.reload()
        expect(page.locator("#case-debts tbody tr")).to_have_count(3)
        expect(page.locator(".case-jump [aria-current=page]")).to_have_text("Debts")
        reported = manage(
            platform.agency_env("acme"), "shell", "--no-imports", "-c", REPORT % case_id
        )
        assert reported.stdout.strip().endswith("reported")

        # 3. Build a plan: the builder opens on version 1 made from the case's own figures.
        page.locator(".case-jump").get_by_role("link", name="Plans").click()
        page.get_by_role("button", name="Build a plan").click()
        expect(page).to_have_url(f"{base}/counselor/cases/{case_id}/builder/")
        # The inputs are sealed at rest: read them through the deployment's own keys.
        (sealed,) = _deployment_rows(
            deployment.database,
            "SELECT v.inputs FROM counselor_proposalversion v JOIN counselor_proposal p "
            "ON p.id = v.proposal_id WHERE p.case_id = %s AND v.number = 1",
            case_id,
        )[0]
        assert "CHASE CARD" not in sealed
        inputs = json.loads(
            manage(
                platform.agency_env("acme"), "shell", "--no-imports", "-c", VERSION % (case_id, 1)
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        assert [
            (d["id"], d["creditor"], d["balance"], d["apr"], d["min_payment"])
            for d in inputs["debts"]
        ] == [
            ("d1", "CHASE CARD", "6200.00", "29.99", "210.00"),
            ("d2", "SYNCB/AMAZON", "2400.00", "26.99", "85.00"),
            ("d3", "Zed Furniture", "900.00", "21.00", "45.00"),
        ]
        # "CHASE CARD" is Chase's own name in the creditor normal form (CARD says nothing).
        assert [(m["entry"], m["rule"]) for m in inputs["terms_matched"]] == [
            ("Chase", "name"),
            ("Synchrony Bank", "alias"),
            ("Agency default terms", "default"),
        ]
        first = _engine(inputs, table)
        _expect_figures(page, first)
        expect(page.locator("#fees")).to_have_text("$0.00 setup, $0.00 a month")
        rec.snap("builder-version-1", audit=False)

        # 4. Leave Zed Furniture out, override Synchrony's APR: live, no reload.
        page.evaluate("() => { window.journeyMarker = 'not reloaded'; }")
        page.locator("#id_include_d3").uncheck()
        excluded = _engine(inputs, table, exclusions={2})
        _expect_figures(page, excluded)
        rec.snap("builder-debt-left-out", audit=False)
        page.fill("#id_reason_d2", OVERRIDE_REASON)
        page.fill("#id_apr_d2", "5.00")
        page.locator("#id_apr_d2").press("Tab")
        override = TermsOverride("SYNCB/AMAZON", OVERRIDE_REASON, concession_apr=Decimal("5"))
        final = _engine(inputs, table, exclusions={2}, overrides=[override])
        _expect_figures(page, final)
        assert page.evaluate("() => window.journeyMarker") == "not reloaded"
        assert len({r.plan.monthly_deposit for r in (first, excluded, final)}) == 3
        assert final.comparison.interest_saved != first.comparison.interest_saved
        plan_aprs = page.locator("#plan-lines tbody tr td:nth-child(3)")
        expect(plan_aprs).to_have_text(["6.00%", "5.00%"])
        rec.snap("builder-apr-overridden", audit=False)

        # 5. Save as version 2, then send it as the offer.
        page.get_by_role("button", name="Save as version 2").click()
        expect(page.locator("main")).to_contain_text("saved version 2", timeout=15_000)
        _expect_figures(page, final)
        rec.snap("builder-saved", audit=False)

        # 5b. Add the debt found only on the credit report: one click, version 3, new figures.
        offered = page.locator("#report-debt-rows tbody tr", has_text="Kohls / Capone")
        expect(offered).to_contain_text("$204.00")
        # JPMCB has two open accounts: the matcher gives one to the stated CHASE CARD.
        expect(page.locator("#report-debt-rows tbody tr", has_text="Chase")).to_have_count(1)
        rec.snap("builder-report-debts", audit=False)
        offered.locator("button").click()
        expect(page.locator("main")).to_contain_text("Debt added from the credit report")
        expect(page.locator("main")).to_contain_text("saved version 3")
        inputs = json.loads(
            manage(
                platform.agency_env("acme"), "shell", "--no-imports", "-c", VERSION % (case_id, 3)
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        added = inputs["debts"][-1]
        assert (added["creditor"], added["balance"], added["source"]) == (
            "Kohls / Capone",
            "204.00",
            "bureau",
        )
        parsed = inputs_parse(inputs)
        final = _engine(inputs, table, exclusions=parsed.exclusions, overrides=parsed.overrides)
        _expect_figures(page, final)
        expect(page.locator("#debts")).to_contain_text("from credit report")
        expect(page.locator("#totals")).to_contain_text(money_text(final.total_disclosed))
        rec.snap("builder-report-debt-added", audit=False)
        page.locator("#builder-case").click()
        send = page.get_by_role("button", name=re.compile("^Send version 3 as the offer"))
        send.click()
        # This household's budget covers its minimums: the plan needs a supervisor's approval.
        refused = page.get_by_text("this plan needs a supervisor's approval")
        expect(refused.or_(page.locator("#username"))).to_be_visible()
        if not refused.is_visible():  # the step-up, when the sign-in is older than 5 minutes
            _provider_sign_in(page, "counselor")
            page.goto(f"{case_url}?section=plans")  # the step-up returns to a POST URL
            send.click()
        expect(refused).to_be_visible()
        rec.snap("case-offer-refused", audit=False)
        csp = supervisor_approves(browser, folder, base, case_id, platform.agency_env("acme"))
        page.goto(f"{case_url}?section=plans")
        expect(page.locator("#case-offer-exception-approved")).to_contain_text(EXCEPTION_REASON)
        send.click()
        sent = page.get_by_text("Offer sent: proposal version 3.")
        expect(sent).to_be_visible()
        expect(page.locator("#case-offers li").first).to_contain_text("waiting for your answer")
        rec.snap("case-offer-sent", audit=False)

        # 6. The consumer signs in, opens the offer, signs and accepts.
        consumer = browser.new_context(viewport=DESKTOP).new_page()
        crec = Recorder(consumer, folder / "portal")
        _sign_in_at(consumer, f"{base}/applications/{case_id}/", "consumer")
        consumer.get_by_role("link", name="See your plan offer").click()
        figures = consumer.locator("main dl.review-list dd")
        expect(figures).to_have_text(
            [
                money_text(final.plan.monthly_deposit),
                f"{final.plan.debt_free_month:%m/%Y}",
                money_text(final.comparison.interest_saved),
                "$0.00",  # setup fee
                "$0.00",  # monthly fee
                final.plan.fee_phrase("en"),
                re.compile("^GA state law: the monthly fee is at most 7.5%"),
            ]
        )
        # The document states the supervisor's exception in plain words.
        expect(consumer.locator(".offer-document")).to_contain_text(EXCEPTION_REASON)
        payments = consumer.locator("#offer-payments tbody td")
        expect(payments).to_have_text([money_text(line.payment) for line in final.plan.lines])
        # The frozen written action plan reads as a document, not as HTML source.
        expect(consumer.locator(".offer-document h1")).to_have_text(
            "Written action plan and Debt Management Plan disclosures"
        )
        expect(consumer.locator(".offer-document")).not_to_contain_text("<h2>")
        crec.snap("portal-offer", audit=False)
        consumer.fill("#id_typed_name", "Ana Lopez")
        consumer.locator("label[for=id_consent]").click()
        crec.snap("portal-offer-signed", audit=False)
        consumer.get_by_role("button", name="Sign and accept the plan").click()
        expect(
            consumer.get_by_text("You signed your plan. Welcome aboard!", exact=False)
        ).to_be_visible()
        crec.snap("portal-accepted", audit=False)

        # 7. The counselor reloads the case: enrolled.
        page.reload()
        expect(page.locator("#case-enrolled")).to_contain_text("Enrolled")
        expect(page.locator("#case-status")).to_contain_text("Enrolled")
        rec.snap("case-enrolled", audit=False)
        csp += journey.rec.csp + rec.csp + crec.csp

    (status,) = _deployment_rows(
        deployment.database, "SELECT status FROM intake_application WHERE public_id = %s", case_id
    )[0]
    assert status == "enrolled"
    assert csp == [], csp
    shots = sorted(p.relative_to(artifacts_dir).as_posix() for p in folder.rglob("*.png"))
    print(
        f"\ncounselor journey: {time.monotonic() - began:.1f} s "
        f"(consumer wizard {submitted - began:.1f} s); screenshots: {shots}"
    )
