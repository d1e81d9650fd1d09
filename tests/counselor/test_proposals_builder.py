"""The DMP builder: its numbers are the engine's, choices change the plan as the engine
says, fees are clipped and waivable, the chart draws the engine's schedule, access."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from counselor.engine.builder import TermsOverride, build_proposal, overridden_terms_for
from counselor.engine.chart import payoff_chart, scale_x, scale_y
from counselor.engine.dmp import baseline, compare, default_terms, propose_plan
from counselor.engine.eligibility import assess
from counselor.engine.fees import FeeSchedule, apply_fees
from counselor.engine.snapshots import inputs_parse
from counselor.selectors.terms import creditor_terms_table
from counselor.services.proposals import proposal_build, proposal_start
from counselor.services.terms import fee_schedule_set
from intake.engine.budget import analyze_budget
from intake.engine.money import money_text
from tenants.roles import Role
from tests.counselor.cases import sent_application
from tests.counselor.conftest import inputs_with

START = date(2026, 2, 1)


def _url(proposal, name="counselor:builder"):
    return reverse(name, kwargs={"public_id": proposal.case_id})


def _fees(make_staff, setup="50.00", monthly="25.00"):
    admin = make_staff("fee-admin", Role.AGENCY_ADMIN)
    fee_schedule_set(
        actor=admin,
        setup_fee=Decimal(setup),
        monthly_fee=Decimal(monthly),
        aiccca_member=False,
        reason="board decision",
    )


def test_builder_shows_the_engines_numbers(client, case, inputs, make_staff):
    _fees(make_staff)
    client.force_login(make_staff("carol", Role.COUNSELOR))

    response = client.get(_url(case))

    parsed = inputs_parse(inputs)
    terms_for = creditor_terms_table().terms_for
    cards = [d for d in parsed.debts if not d.secured]
    plan = propose_plan(
        parsed.debts, terms_for, monthly_fee=25, setup_fee=50, start=START, state="PA"
    )
    first = plan.schedule[0]
    fees = apply_fees(
        FeeSchedule(Decimal("50"), Decimal("25")),
        state="PA",
        creditors=len(cards),
        monthly_disbursement=first.to_creditors,
        liquidated=plan.month_facts[0].principal,
    )
    home = parsed.household_budget
    budget = analyze_budget(home.incomes, home.expenses, parsed.debts, 2, "PA", vehicles=1)
    result = response.context["result"]
    assert result.plan == plan
    assert (result.fees.setup_fee, result.fees.monthly_fee) == (fees.setup_fee, fees.monthly_fee)
    assert (plan.setup_fee, plan.monthly_fee) == (fees.setup_fee, fees.monthly_fee)
    assert result.comparison == compare(plan, baseline(plan.debts))
    assert result.assessment == assess(budget, plan.debts, plan)
    assert [line.apr for line in plan.lines] == [Decimal("6.00"), Decimal("9.90"), Decimal("7.40")]
    html = response.content.decode()
    assert f'<dd id="monthly-deposit">{money_text(plan.monthly_deposit)}</dd>' in html
    assert f'<dd id="months">{plan.months} (' in html
    for line in plan.lines:
        assert money_text(line.payment) in html


def test_exclusion_and_apr_override_change_the_plan_as_the_engine_says(
    client, case, inputs, make_staff
):
    client.force_login(make_staff("carol", Role.COUNSELOR))
    form = {
        "version": "1",
        "include_d1": "on",
        "include_d3": "on",
        "apr_d3": "5.00",
        "reason_d3": "Capital One hardship letter",
        "fee_waiver": "",
    }

    response = client.post(_url(case), form)

    parsed = inputs_parse(inputs)
    override = TermsOverride("CAPITAL ONE BANK USA NA", "Capital One hardship letter", Decimal("5"))
    kept = [d for d in parsed.debts if d.creditor != "SYNCB/AMAZON"]
    terms_for = overridden_terms_for(creditor_terms_table().terms_for, [override])
    plan = propose_plan(
        kept, terms_for, monthly_fee=0, setup_fee=0, start=START, state=parsed.state
    )
    result = response.context["result"]
    assert result.plan == plan
    assert [(ln.debt.creditor, ln.apr) for ln in result.plan.lines] == [
        ("CHASE CARD", Decimal("6.00")),
        ("CAPITAL ONE BANK USA NA", Decimal("5.00")),
    ]
    assert [d.creditor for d in result.excluded] == ["SYNCB/AMAZON"]
    assert result.total_disclosed == Decimal("21500.00")
    assert result.plan.total_enrolled == Decimal("9300.00")
    assert result.budget.secured_debt_payments == Decimal("405.00")  # car 320 + excluded 85


def test_override_without_a_reason_is_refused(client, case, make_staff):
    client.force_login(make_staff("carol", Role.COUNSELOR))
    form = {"version": "1", "include_d1": "on", "include_d2": "on", "include_d3": "on"}

    response = client.post(_url(case), form | {"apr_d1": "3.00"})

    assert response.context["form"].errors == {
        "reason_d1": ["Say why this creditor's APR is overridden."]
    }
    assert response.context["result"].plan.lines[0].apr == Decimal("6.00")


def test_htmx_recompute_returns_only_the_results(client, case, make_staff):
    client.force_login(make_staff("carol", Role.COUNSELOR))
    form = {"version": "1", "include_d1": "on", "include_d2": "on"}

    response = client.post(_url(case), form, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.startswith('<section id="builder-results"')
    assert "<html" not in html
    assert len(response.context["result"].plan.lines) == 2


def test_fee_is_clipped_to_the_state_cap_and_waivable(case, inputs, make_staff):
    _fees(make_staff, setup="100.00", monthly="45.00")
    parsed = inputs_parse(inputs)
    args = {
        "debts": parsed.debts,
        "household_budget": parsed.household_budget,
        "state": "MS",
        "overrides": (),
        "exclusions": (),
        "start": START,
    }

    clipped = proposal_build(**args, fee_waiver="")
    waived = proposal_build(**args, fee_waiver="Lost job in January")

    assert (clipped.fees.setup_fee, clipped.fees.monthly_fee, clipped.fees.clipped) == (
        Decimal("75.00"),
        Decimal("30.00"),
        True,
    )
    assert clipped.plan.monthly_deposit == clipped.plan.monthly_to_creditors + Decimal("30.00")
    assert (waived.fees.setup_fee, waived.fees.monthly_fee, waived.fees.waived) == (
        Decimal("0.00"),
        Decimal("0.00"),
        True,
    )
    assert "Lost job in January" in waived.fees.explanations[-1]
    assert waived.plan.total_fees == Decimal("0.00")


def test_build_proposal_is_the_engine_composition():
    parsed = inputs_parse(inputs_with(2))
    result = build_proposal(
        debts=parsed.debts,
        household_budget=parsed.household_budget,
        state=None,
        terms_for=default_terms,
        fee_schedule=FeeSchedule(Decimal("0"), Decimal("0")),
        start=START,
    )

    assert result.payoff == baseline(result.plan.debts)
    assert result.options[0].monthly_payment == result.plan.monthly_deposit


def test_chart_points_are_the_engines_schedule(case, inputs):
    parsed = inputs_parse(inputs)
    result = proposal_build(
        debts=parsed.debts,
        household_budget=parsed.household_budget,
        state="PA",
        overrides=(),
        exclusions=(),
        fee_waiver="",
        start=START,
    )
    plan, payoff = result.plan, result.payoff

    chart = payoff_chart(plan, payoff)

    expected_plan = [plan.total_enrolled] + [
        sum(ln.schedule[m].closing for ln in plan.lines if m < len(ln.schedule))
        for m in range(plan.months)
    ]
    assert list(chart.plan.balances) == expected_plan
    assert chart.plan.balances[-1] == 0
    assert chart.baseline.balances[0] == sum(d.balance for d in plan.debts)
    assert payoff.pays_off
    assert chart.horizon == max(plan.months, payoff.months)
    expected_baseline = [sum(d.balance for d in plan.debts)] + [
        sum(line.rows[m].closing if m < len(line.rows) else 0 for line in payoff.lines)
        for m in range(chart.horizon)
    ]
    assert list(chart.baseline.balances) == expected_baseline
    top = max(*chart.plan.balances, *chart.baseline.balances)
    assert chart.plan.points == tuple(
        (scale_x(m, chart.horizon), scale_y(b, top)) for m, b in enumerate(expected_plan)
    )


def test_builder_svg_draws_those_points_without_script(client, case, make_staff):
    client.force_login(make_staff("carol", Role.COUNSELOR))

    response = client.get(_url(case))

    html = response.content.decode()
    chart = response.context["chart"]
    drawn = re.search(r'<polyline id="chart-plan"[^>]* points="([^"]+)"', html).group(1)
    assert drawn == " ".join(f"{x},{y}" for x, y in chart.plan.points)
    assert len(drawn.split()) == response.context["result"].plan.months + 1
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "<script" not in svg and "style=" not in svg and "onload" not in svg
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []


@pytest.mark.parametrize("debts", [1, 3])
def test_builder_query_count_is_constant(
    client, db, terms, agency_profile, make_staff, debts, django_assert_num_queries
):
    case_id = sent_application().public_id
    proposal = proposal_start(case_id=case_id, inputs=inputs_with(debts), actor=None).proposal
    client.force_login(make_staff("carol", Role.COUNSELOR))
    client.get(_url(proposal))  # warm the session and the profile pages show

    # session, the user with their roles, proposal (with its case), latest version, agency
    # profile (fees), terms table, the verification request (no credit report here: with
    # one, its pull and report too); audit write: savepoint, head row taken, insert +
    # head, release.
    with django_assert_num_queries(10):
        response = client.get(_url(proposal))

    assert len(response.context["result"].plan.lines) == debts


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.COUNSELOR, 200),
        (Role.SUPERVISOR, 200),
        (Role.AGENCY_ADMIN, 404),
        (Role.CONSUMER, 404),
        (Role.PLATFORM_SUPPORT, 404),
    ],
)
def test_builder_is_for_counselors_and_supervisors_only(client, case, make_staff, role, status):
    client.force_login(make_staff("someone", role))

    for name in ("counselor:builder", "counselor:action-plan", "counselor:action-plan-pdf"):
        assert client.get(_url(case, name)).status_code == status, name
    form = {"version": "1", "include_d1": "on"}
    saved = client.post(_url(case, "counselor:builder-save"), form)
    assert saved.status_code == {200: 302, 404: 404}[status]


def test_builder_for_an_unknown_case_is_404_and_anonymous_goes_to_sign_in(client, case, make_staff):
    import uuid

    assert client.get(_url(case))["Location"].startswith(reverse("accounts:login"))
    client.force_login(make_staff("carol", Role.COUNSELOR))
    url = reverse("counselor:builder", kwargs={"public_id": uuid.uuid4()})
    assert client.get(url).status_code == 404
