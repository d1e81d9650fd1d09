"""Proposal versions: snapshots with Decimals as strings, numbered versions, optimistic
concurrency that names what changed, audited overrides."""

from __future__ import annotations

import copy
import re
import uuid
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
from counselor.engine.snapshots import inputs_diff
from counselor.errors import ProposalConflict, ProposalError
from counselor.models import CreditorTerms, Proposal, ProposalVersion
from counselor.selectors.terms import creditor_terms_table
from counselor.services.offers import offer_exception_approve
from counselor.services.proposals import (
    proposal_build_from,
    proposal_save,
    proposal_start,
    proposal_start_from_case,
)
from intake.engine.budget import Expense, Income
from intake.engine.money import money_text
from intake.models import Application, Debt, PlanOffer
from intake.services import plan_offer_accept
from tenants.audit.models import AuditEvent
from tenants.roles import Role, role_grant
from tests.counselor.cases import sent_application
from tests.counselor.conftest import recent_auth


def _override(apr: str = "5.00") -> dict:
    return {
        "creditor": "CHASE CARD",
        "concession_apr": apr,
        "min_payment_pct": None,
        "max_term_months": None,
        "reason": "hardship letter",
    }


def test_start_stores_inputs_and_engine_results_as_strings(case, inputs):
    version = case.versions.get()

    assert (case.version, version.number, version.inputs) == (1, 1, inputs)
    lines = version.results["lines"]
    assert [(ln["creditor"], ln["plan_apr"]) for ln in lines] == [
        ("CHASE CARD", "6.00"),
        ("SYNCB/AMAZON", "9.90"),
        ("CAPITAL ONE BANK USA NA", "7.40"),
    ]
    assert version.results["total_disclosed"] == "21500.00"
    assert version.results["total_enrolled"] == "11700.00"
    assert isinstance(version.results["monthly_deposit"], str)


def test_a_case_has_one_proposal(case, inputs):
    with pytest.raises(ProposalError, match="already"):
        proposal_start(case_id=case.case_id, inputs=inputs, actor=None)


def test_saves_number_versions_and_keep_the_old_ones(case, inputs, make_staff):
    carol = make_staff("carol", Role.COUNSELOR)
    changed = copy.deepcopy(inputs) | {"exclusions": ["d2"]}

    saved = proposal_save(proposal=case, expected_version=1, inputs=changed, actor=carol)

    case.refresh_from_db()
    assert (case.version, saved.number, saved.saved_by) == (2, 2, carol)
    assert [v.number for v in case.versions.all()] == [2, 1]
    assert case.versions.get(number=1).inputs == inputs
    assert len(saved.results["lines"]) == 2


def test_stale_save_raises_a_conflict_naming_the_changes(case, inputs, make_staff):
    carol, dan = make_staff("carol", Role.COUNSELOR), make_staff("dan", Role.SUPERVISOR)
    first = copy.deepcopy(inputs) | {"exclusions": ["d2"], "overrides": [_override()]}
    proposal_save(proposal=case, expected_version=1, inputs=first, actor=carol)
    stale = Proposal.objects.get(pk=case.pk)

    with pytest.raises(ProposalConflict) as caught:
        proposal_save(proposal=stale, expected_version=1, inputs=inputs, actor=dan)

    conflict = caught.value
    assert (conflict.expected, conflict.current, conflict.saved_by) == (1, 2, "carol")
    assert conflict.changes == (
        "SYNCB/AMAZON (d2) excluded",
        "override of CHASE CARD's terms added (concession_apr 5.00 because hardship letter)",
    )
    assert "saved as version 2 by carol after you opened version 1" in str(conflict)
    case.refresh_from_db()
    assert (case.version, case.versions.count()) == (2, 2)


def test_inputs_diff_words():
    old = {"debts": [{"id": "d1", "creditor": "A"}], "exclusions": ["d1"], "fee_waiver": ""}
    new = {"debts": [{"id": "d1", "creditor": "A"}], "exclusions": [], "fee_waiver": "job loss"}

    assert inputs_diff(old, new) == ("A (d1) included again", "fee waiver set")


def test_overrides_are_audited_with_the_case(case, inputs, make_staff):
    carol = make_staff("carol", Role.COUNSELOR)

    proposal_save(
        proposal=case,
        expected_version=1,
        inputs=inputs | {"overrides": [_override()]},
        actor=carol,
    )

    events = AuditEvent.objects.filter(actor=carol).order_by("seq")
    assert [(e.action, e.object_type, e.case_id, e.role) for e in events] == [
        ("create", "proposal_version", str(case.case_id), "counselor"),
        ("update", "terms_override", str(case.case_id), "counselor"),
    ]


def test_builder_save_view_reports_a_conflict_with_409(client, case, inputs, make_staff):
    carol, dan = make_staff("carol", Role.COUNSELOR), make_staff("dan", Role.COUNSELOR)
    proposal_save(
        proposal=case, expected_version=1, inputs=inputs | {"exclusions": ["d3"]}, actor=carol
    )
    client.force_login(dan)
    url = reverse("counselor:builder-save", kwargs={"public_id": case.case_id})
    form = {"version": "1", "include_d1": "on", "include_d2": "on", "include_d3": "on"}

    response = client.post(url, form)

    assert response.status_code == 409
    html = response.content.decode()
    assert "Not saved: someone else saved first" in html
    assert "CAPITAL ONE BANK USA NA (d3) excluded" in html
    case.refresh_from_db()
    assert case.version == 2


def test_builder_save_view_saves_the_next_version(client, case, make_staff):
    client.force_login(make_staff("carol", Role.COUNSELOR))
    url = reverse("counselor:builder-save", kwargs={"public_id": case.case_id})
    form = {"version": "1", "include_d1": "on", "include_d3": "on", "fee_waiver": "no income"}

    response = client.post(url, form)

    assert response.status_code == 302
    case.refresh_from_db()
    latest = case.versions.get(number=2)
    assert (latest.inputs["exclusions"], latest.inputs["fee_waiver"]) == (["d2"], "no income")
    assert latest.results["fees_waived"] is True


def test_unknown_case_uuid_has_no_proposal(db):
    assert not Proposal.objects.filter(case_id=uuid.uuid4()).exists()


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
        # One normal form with the verification's: "JPMCB CARD" and "CAPITAL ONE BANK USA NA"
        # are the entries' own names ("Chase", "Capital One"), no longer only their aliases.
        ("d1", "Chase", "name", chase, "6.00"),
        ("d2", "Synchrony Bank", "alias", syncb, "9.90"),
        ("d3", "Capital One", "name", capone, "7.40"),
        ("d4", "Agency default terms", "default", default, None),
    ]


def test_a_word_prefix_matches_a_report_name_the_table_does_not_list(terms, agency_profile):
    app = sent_application()
    debt = Debt.objects.get(application=app)
    debt.creditor = "SYNCB/JCPENNEY DC"  # encrypted: written through save()
    debt.save()

    proposal, _ = proposal_start_from_case(application=app, actor=None, today=TODAY)

    matched = proposal.versions.get(number=1).inputs["terms_matched"]
    assert [(m["creditor"], m["entry"], m["rule"]) for m in matched] == [
        ("SYNCB/JCPENNEY DC", "Synchrony Bank", "prefix")
    ]


def test_build_a_plan_button_opens_the_builder_with_the_engines_numbers(
    client, application, counselor
):
    client.force_login(counselor)
    case_page = client.get(f"{_url(application, 'case')}?section=plans").content.decode()
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

    assert response.redirect_chain == [(f"{_url(app, 'case')}?section=plans", 302)]
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


def _exception_approved(proposal, make_staff) -> None:
    """This household's budget covers every minimum payment (the budget test says budget
    counseling): the plan goes out only with a supervisor's exception."""
    offer_exception_approve(
        version=proposal.versions.get(number=1),
        reason="The consumer asked for the lower interest.",
        actor=make_staff("supervisor-1", Role.SUPERVISOR),
    )


def test_the_consumer_sees_the_offers_figures(client, application, counselor, make_staff):
    proposal, _ = proposal_start_from_case(application=application, actor=counselor, today=TODAY)
    _exception_approved(proposal, make_staff)
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
        f'<dd id="offer-interest">{money_text(result.comparison.interest_saved)}</dd>',
        "<dt>Setup fee</dt><dd>$0.00</dd>",
        "<dt>Monthly fee</dt><dd>$0.00</dd>",
    ]
    page = html.content.decode()
    assert [figure in page for figure in figures] == [True] * 5
    payments = re.findall(r'data-label="Monthly payment">([^<]+)</td>', page)
    assert payments == [money_text(line.payment) for line in plan.lines]
    assert len(payments) == 4


def test_an_enrolled_case_gets_no_new_offer(client, application, counselor, make_staff):
    proposal, _ = proposal_start_from_case(application=application, actor=counselor, today=TODAY)
    _exception_approved(proposal, make_staff)
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
