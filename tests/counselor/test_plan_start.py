"""The "Build a plan" button on the case page: the proposal is made from the
application's own debts (stated and prefilled from the credit report), the household's
budget and the agency's creditor terms matched by name, alias and prefix; the builder's
numbers are the engine's for those inputs; a second click opens the same proposal; the
intake is only read; the consumer's offer page shows the offer's figures."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from counselor.engine.builder import HouseholdBudget, build_proposal
from counselor.engine.case_plan import first_of_next_month
from counselor.engine.dmp import Debt as EngineDebt
from counselor.engine.dmp import baseline, compare, propose_plan
from counselor.engine.fees import FeeSchedule
from counselor.models import CreditorTerms, Proposal, ProposalVersion
from counselor.selectors import creditor_terms_table
from counselor.services import proposal_build_from, proposal_start_from_case
from intake.engine.budget import Expense, Income
from intake.engine.money import money_text
from intake.models import Application, Debt, PlanOffer
from intake.services import plan_offer_accept
from tenants.audit.models import AuditEvent
from tenants.roles import Role, role_grant
from tests.counselor.cases import sent_application
from tests.counselor.conftest import recent_auth

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = date(2026, 3, 20)


@pytest.fixture
def counselor(make_staff):
    return make_staff("counselor-1", Role.COUNSELOR)


def _url(application: Application, name: str = "case-plan-start") -> str:
    return reverse(f"counselor:{name}", kwargs={"public_id": application.public_id})


def _debt(application: Application, position: int, creditor: str, **values: object) -> Debt:
    return Debt.objects.create(
        application=application,
        position=position,
        creditor=creditor,
        kind=values.pop("kind", "credit_card"),
        **values,
    )


@pytest.fixture
def application(terms, agency_profile):
    """The cases.py application (CHASE CARD, an alias of Chase) plus a store card matched by
    word prefix, a tradeline prefilled without APR, an unknown creditor (default terms), a
    paid-off card (no balance: left out) and a car loan (secured)."""
    app = sent_application()
    _debt(
        app,
        1,
        "SYNCB/CARE CREDIT",
        balance=D("1800.00"),
        apr=D("26.99"),
        minimum_payment=D("60.00"),
    )
    _debt(
        app,
        2,
        "CAPITAL ONE BANK USA NA",
        balance=D("2750.00"),
        minimum_payment=D("82.00"),
        source=Debt.Source.BUREAU,
    )
    _debt(app, 3, "Zed Furniture", balance=D("900.00"), apr=D("21.00"), minimum_payment=D("45.00"))
    _debt(app, 4, "DISCOVER", balance=D("0.00"), apr=D("22.00"), minimum_payment=D("0.00"))
    _debt(
        app,
        5,
        "TOYOTA MOTOR CREDIT",
        kind="auto",
        secured=True,
        balance=D("9800.00"),
        apr=D("6.90"),
        minimum_payment=D("320.00"),
    )
    return app


def _entry(creditor: str) -> tuple[str, int]:
    row = CreditorTerms.objects.get(creditor=creditor, valid_to__isnull=True)
    return str(row.public_id), row.version


def test_the_proposal_holds_the_cases_debts_budget_and_matched_terms(application, counselor):
    proposal, created = proposal_start_from_case(
        application=application, actor=counselor, today=TODAY
    )

    assert created is True
    inputs = ProposalVersion.objects.get(proposal=proposal, number=1).inputs
    assert proposal.case_id == application.public_id and proposal.version == 1
    assert inputs["start"] == "2026-04-01" and inputs["state"] == "GA"
    assert inputs["language"] == "en" and inputs["fee_waiver"] == ""
    assert inputs["exclusions"] == [] and inputs["overrides"] == []
    assert inputs["household"] == {
        "size": 2,
        "members_65_and_over": 0,
        "vehicles": None,
        "county": None,
        "incomes": [
            {"kind": "wages", "gross": "4200.00", "net": "3300.00", "frequency": "monthly"}
        ],
        "expenses": [
            {"category": "housing", "amount": "1200.00", "frequency": "monthly"},
            {"category": "food", "amount": "500.00", "frequency": "monthly"},
        ],
    }
    card = {"secured": False, "is_housing": False, "source": "stated", "assumed": []}
    assert inputs["debts"] == [
        {
            "id": "d1",
            "creditor": "CHASE CARD",
            "balance": "5200.00",
            "apr": "29.99",
            "min_payment": "156.00",
            **card,
        },
        {
            "id": "d2",
            "creditor": "SYNCB/CARE CREDIT",
            "balance": "1800.00",
            "apr": "26.99",
            "min_payment": "60.00",
            **card,
        },
        {
            "id": "d3",
            "creditor": "CAPITAL ONE BANK USA NA",
            "balance": "2750.00",
            "apr": "0.00",
            "min_payment": "82.00",
            **card,
            "source": "bureau",
            "assumed": ["apr"],
        },
        {
            "id": "d4",
            "creditor": "Zed Furniture",
            "balance": "900.00",
            "apr": "21.00",
            "min_payment": "45.00",
            **card,
        },
        {
            "id": "d5",
            "creditor": "TOYOTA MOTOR CREDIT",
            "balance": "9800.00",
            "apr": "6.90",
            "min_payment": "320.00",
            **card,
            "secured": True,
        },
    ]
    chase, syncb, capone = _entry("Chase"), _entry("Synchrony Bank"), _entry("Capital One")
    default = _entry("Agency default terms")
    assert [
        (m["debt"], m["entry"], m["rule"], (m["entry_id"], m["entry_version"]), m["concession_apr"])
        for m in inputs["terms_matched"]
    ] == [
        ("d1", "Chase", "alias", chase, "6.00"),
        ("d2", "Synchrony Bank", "alias", syncb, "9.90"),
        ("d3", "Capital One", "alias", capone, "7.40"),
        ("d4", "Agency default terms", "default", default, None),
    ]


def test_a_word_prefix_matches_a_report_name_the_table_does_not_list(terms, agency_profile):
    app = sent_application()
    Debt.objects.filter(application=app).update(creditor="SYNCB/JCPENNEY DC")

    proposal, _ = proposal_start_from_case(application=app, actor=None, today=TODAY)

    matched = proposal.versions.get(number=1).inputs["terms_matched"]
    assert [(m["creditor"], m["entry"], m["rule"]) for m in matched] == [
        ("SYNCB/JCPENNEY DC", "Synchrony Bank", "prefix")
    ]


def test_build_a_plan_button_opens_the_builder_with_the_engines_numbers(
    client, application, counselor
):
    client.force_login(counselor)
    case_page = client.get(_url(application, "case")).content.decode()
    assert 'id="case-plan-start"' in case_page and "Build a plan" in case_page

    response = client.post(_url(application))

    assert response.status_code == 302
    assert response["Location"] == _url(application, "builder")
    builder = client.get(response["Location"])
    result = builder.context["result"]
    start = first_of_next_month(date.today())
    debts = [
        EngineDebt("CHASE CARD", D("5200.00"), D("29.99"), D("156.00")),
        EngineDebt("SYNCB/CARE CREDIT", D("1800.00"), D("26.99"), D("60.00")),
        EngineDebt("CAPITAL ONE BANK USA NA", D("2750.00"), D("0.00"), D("82.00")),
        EngineDebt("Zed Furniture", D("900.00"), D("21.00"), D("45.00")),
        EngineDebt("TOYOTA MOTOR CREDIT", D("9800.00"), D("6.90"), D("320.00"), secured=True),
    ]
    terms_for = creditor_terms_table().terms_for
    plan = propose_plan(
        debts, terms_for, monthly_fee=D("0"), setup_fee=D("0"), start=start, state="GA"
    )
    assert result.plan == plan
    assert result.comparison == compare(plan, baseline(plan.debts))
    assert [(ln.debt.creditor, ln.apr) for ln in plan.lines] == [
        ("CHASE CARD", D("6.00")),
        ("SYNCB/CARE CREDIT", D("9.90")),
        ("CAPITAL ONE BANK USA NA", D("0.00")),
        ("Zed Furniture", D("21.00")),
    ]
    household = HouseholdBudget(
        incomes=(Income("wages", D("4200.00"), D("3300.00"), "monthly"),),
        expenses=(Expense("housing", D("1200.00")), Expense("food", D("500.00"))),
        household_size=2,
    )
    assert result == build_proposal(
        debts=debts,
        household_budget=household,
        state="GA",
        terms_for=terms_for,
        fee_schedule=FeeSchedule(D("0"), D("0")),
        start=start,
    )
    html = builder.content.decode()
    assert f'<dd id="months">{plan.months} (' in html


def test_a_second_click_opens_the_same_proposal(client, application, counselor):
    client.force_login(counselor)

    first = client.post(_url(application))
    second = client.post(_url(application))

    assert first["Location"] == second["Location"] == _url(application, "builder")
    assert Proposal.objects.filter(case_id=application.public_id).count() == 1
    assert ProposalVersion.objects.count() == 1
    events = AuditEvent.objects.filter(actor=counselor)
    assert (
        list(events.filter(object_type="proposal").values_list("action", "outcome", "case_id"))
        == [("create", "allowed", str(application.public_id))] * 2
    )
    assert events.filter(object_type="proposal_version", action="create").count() == 1


def test_intake_tables_are_only_read(application, counselor):
    with CaptureQueriesContext(connection) as queries:
        proposal_start_from_case(application=application, actor=counselor, today=TODAY)

    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(("INSERT", "UPDATE", "DELETE")) and '"intake_' in q["sql"]
    ]
    assert writes == []


def test_a_case_without_a_debt_balance_says_so_and_starts_nothing(
    client, terms, agency_profile, counselor
):
    app = sent_application()
    Debt.objects.filter(application=app).update(balance=None)
    client.force_login(counselor)

    response = client.post(_url(app), follow=True)

    assert response.redirect_chain == [(_url(app, "case"), 302)]
    assert "no debt with a balance" in response.content.decode()
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("role", [Role.CONSUMER, Role.AGENCY_ADMIN])
def test_only_counselors_and_supervisors_start_plans(client, application, make_staff, role):
    client.force_login(make_staff(f"someone-{role}", role))

    assert client.post(_url(application)).status_code == 404
    assert not Proposal.objects.exists()


def test_a_draft_is_not_a_case(client, terms, agency_profile, counselor, consumer):
    draft = Application.objects.create(consumer=consumer)
    client.force_login(counselor)

    assert client.post(_url(draft)).status_code == 404
    assert client.get(_url(draft)).status_code == 405


def test_the_consumer_sees_the_offers_figures(client, application, counselor):
    proposal, _ = proposal_start_from_case(application=application, actor=counselor, today=TODAY)
    client.force_login(counselor)
    recent_auth(client)
    assert client.post(_url(application, "case-offer"), {"version": "1"}).status_code == 302
    result = proposal_build_from(proposal.versions.get(number=1).inputs)
    role_grant(application.consumer, Role.CONSUMER)
    client.force_login(application.consumer)
    recent_auth(client)  # the offer page asks for a recent sign-in

    html = client.get(reverse("intake:offer", kwargs={"public_id": application.public_id}))

    plan = result.plan
    figures = [
        f"<dd>{money_text(plan.monthly_deposit)}</dd>",
        f"<dd>{plan.debt_free_month:%m/%Y}</dd>",
        f"<dd>{money_text(result.comparison.interest_saved)}</dd>",
        "<dd>$0.00 / $0.00</dd>",
    ]
    page = html.content.decode()
    assert [figure in page for figure in figures] == [True] * 4
    payments = re.findall(r'data-label="Monthly payment">([^<]+)</td>', page)
    assert payments == [money_text(line.payment) for line in plan.lines]
    assert len(payments) == 4


def test_an_enrolled_case_gets_no_new_offer(client, application, counselor):
    proposal_start_from_case(application=application, actor=counselor, today=TODAY)
    client.force_login(counselor)
    recent_auth(client)
    client.post(_url(application, "case-offer"), {"version": "1"})
    offer = PlanOffer.objects.get(application=application)
    plan_offer_accept(
        application=application,
        offer_id=offer.public_id,
        document_hash=offer.document_hash,
        typed_name="Maria Lopez",
        consented=True,
        actor=application.consumer,
    )

    again = client.post(_url(application, "case-offer"), {"version": "1"}, follow=True)

    page = again.content.decode()
    assert "This case is enrolled: no new offer." in page
    assert 'id="case-offer-send"' not in page and 'id="case-enrolled"' in page
    assert list(PlanOffer.objects.values_list("status", "superseded")) == [("accepted", False)]
    application.refresh_from_db()
    assert application.status == "enrolled"
