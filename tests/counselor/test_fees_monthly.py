"""Fees within the law in every month: a property test over every state of the data file,
checked against the data file's own rules, and the exact cases from the field."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, Decimal, localcontext

from hypothesis import given, settings
from hypothesis import strategies as st

from counselor.engine.dmp import Concessions, Debt, propose_plan, retier
from counselor.engine.fees import load_caps

START = date(2026, 1, 1)
DATA = load_caps()
STATES = sorted({*DATA["states"], *DATA["udmsa_states"], "TX", "NY"})
D = Decimal


def _rules(state: str | None) -> dict[str, Decimal]:
    """The data file's rules for ``state`` as {kind: figure}, read here independently."""
    row = DATA["states"].get(state) or DATA["udmsa"]
    rules = {r["kind"]: r["value"] for r in row["rules"]}
    if "monthly_max_unknown" in rules:
        rules.pop("monthly_max_unknown")
        for r in DATA["udmsa"]["rules"]:
            if r["kind"] != "setup_max":
                rules[r["kind"]] = r["value"]
    return {kind: D(value) for kind, value in rules.items()}


def _check_every_month(plan, state: str | None, aiccca: bool) -> None:
    rules = _rules(state)
    setup_max = rules.get("setup_max")
    if aiccca:
        setup_max = D(75) if setup_max is None else min(setup_max, D(75))
    assert setup_max is None or plan.setup_fee <= setup_max
    charged = liquidated = D(0)
    for index, month in enumerate(plan.schedule):
        rows = [line.schedule[index] for line in plan.lines if index < line.months]
        paid = sum((row.payment for row in rows), D(0))
        liquidated += sum((row.payment - row.interest for row in rows), D(0))
        fee = month.fee
        charged += fee
        assert (month.to_creditors, month.deposit, month.creditors) == (paid, paid + fee, len(rows))
        assert D(0) <= fee <= plan.requested.monthly_fee
        assert fee <= month.fee_cap
        if "monthly_max" in rules:
            assert fee <= rules["monthly_max"]
        if "per_creditor" in rules:
            assert fee <= rules["per_creditor"] * len(rows)
        if aiccca:
            assert fee <= D(50)
        if "percent_of_disbursed" in rules:
            assert fee <= paid * rules["percent_of_disbursed"] / 100
        if "percent_of_payment_all_fees" in rules:
            setup = plan.setup_fee if index == 0 else D(0)
            assert fee + setup <= paid * rules["percent_of_payment_all_fees"] / 100
        if "cumulative_percent_of_liquidated" in rules:
            assert charged <= liquidated * rules["cumulative_percent_of_liquidated"] / 100
        if "creditor_share_floor" in rules and paid + fee:
            assert paid / (paid + fee) * 100 >= rules["creditor_share_floor"]
    assert plan.setup_fee + sum((m.fee for m in plan.schedule), D(0)) == plan.total_fees
    if plan.schedule:
        assert plan.schedule[0].deposit == plan.monthly_deposit
        assert [line.payment for line in plan.lines] == [
            line.schedule[0].payment for line in plan.lines if line.months
        ]


cents = st.integers(min_value=1, max_value=2_500_000).map(lambda c: D(c) / 100)
aprs = st.integers(min_value=0, max_value=3000).map(lambda h: D(h) / 100)
debts = st.lists(
    st.builds(lambda b, a: Debt("C", b, a, D(25)), cents, aprs), min_size=1, max_size=8
)
terms = st.builds(
    lambda pct, apr, term, hardship: Concessions(
        min_payment_pct=D(pct) / 10,
        concession_apr=apr,
        max_term_months=term,
        hardship_concession_apr=hardship,
    ),
    st.integers(min_value=10, max_value=60),
    st.one_of(st.none(), aprs),
    st.integers(min_value=1, max_value=72),
    st.one_of(st.none(), aprs),
)
fees = st.integers(min_value=0, max_value=9000).map(lambda c: D(c) / 100)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([*STATES, None]),
    debts,
    terms,
    fees,
    fees,
    st.booleans(),
    st.sampled_from(["standard", "hardship"]),
)
def test_every_month_of_every_plan_is_within_the_states_caps(
    state, owed, concessions, monthly, setup, aiccca, tier
):
    plan = propose_plan(
        owed,
        lambda name: concessions,
        monthly_fee=monthly,
        setup_fee=setup,
        start=START,
        tier=tier,
        state=state,
        aiccca_member=aiccca,
    )
    _check_every_month(plan, state, aiccca)
    other = retier(plan, "hardship" if tier == "standard" else "standard")
    _check_every_month(other, state, aiccca)


def _zero(pct: str) -> Concessions:
    return Concessions(min_payment_pct=D(pct), concession_apr=D(0))


def test_tennessee_fee_falls_to_ten_dollars_when_only_one_creditor_is_left():
    # A $5,000 at 0% (2%: $100 for 50 months), B $1,000 at 0% (5%: $50 for 20 months).
    by_name = {"A": _zero("2"), "B": _zero("5")}
    plan = propose_plan(
        [Debt("A", "5000", "0", "100"), Debt("B", "1000", "0", "50")],
        by_name.__getitem__,
        monthly_fee=D("20"),
        setup_fee=D("0"),
        start=START,
        state="TN",
    )
    assert plan.fees == (D("20.00"),) * 20 + (D("10.00"),) * 30
    assert plan.schedule[20].creditors == 1
    assert plan.total_fees == D("700.00")
    assert plan.fee_basis == "UDMSA default"
    assert plan.fee_phrase() == "$20.00 a month through August 2027, then $10.00 a month"
    assert plan.fee_phrase("es") == "$20.00 al mes hasta agosto de 2027, luego $10.00 al mes"
    assert [(s.amount, s.first_month, s.last_month, s.months) for s in plan.fee_steps] == [
        (D("20.00"), date(2026, 1, 1), date(2027, 8, 1), 20),
        (D("10.00"), date(2027, 9, 1), date(2030, 2, 1), 30),
    ]


def test_virginia_fee_follows_fifteen_percent_of_each_months_disbursement():
    # $150 disbursed for 20 months (cap $22.50), then $100 (cap $15.00).
    by_name = {"A": _zero("2"), "B": _zero("5")}
    plan = propose_plan(
        [Debt("A", "5000", "0", "100"), Debt("B", "1000", "0", "50")],
        by_name.__getitem__,
        monthly_fee=D("22.50"),
        setup_fee=D("75"),
        start=START,
        state="VA",
    )
    assert plan.fees == (D("22.50"),) * 20 + (D("15.00"),) * 30
    assert plan.fee_caps[0] == D("22.50") and plan.fee_caps[20] == D("15.00")
    assert plan.total_fees == D("75.00") + D("450.00") + D("450.00")


def test_hardship_fee_follows_the_hardship_disbursement():
    # VA, $10,000 at 0%: $30 is 15% of the $200 standard payment; hardship pays $175.
    plan = propose_plan(
        [Debt("A", "10000", "0", "300")],
        lambda name: _zero("2"),
        monthly_fee=D("30"),
        setup_fee=D("0"),
        start=START,
        state="VA",
    )
    hardship = retier(plan, "hardship")
    assert (plan.monthly_to_creditors, plan.monthly_fee) == (D("200.00"), D("30.00"))
    assert (hardship.monthly_to_creditors, hardship.monthly_fee) == (D("175.00"), D("26.25"))
    assert hardship.monthly_deposit == D("201.25")
    assert set(hardship.fees[:-1]) == {D("26.25")}


def test_michigan_fees_stay_within_fifteen_percent_of_the_debt_liquidated():
    # $1,000 at 9.9% over 60 months pays $21.20; 15% of that ($3.18) x 60 = $190.80 > $150.
    plan = propose_plan(
        [Debt("A", "1000", "9.9", "30")],
        lambda name: Concessions(min_payment_pct=D("1"), concession_apr=D("9.9")),
        monthly_fee=D("3.18"),
        setup_fee=D("50"),
        start=START,
        state="MI",
    )
    assert (plan.lines[0].payment, plan.months) == (D("21.20"), 60)
    # Month 1 repays $12.95 of principal ($8.25 is interest): 15% is $1.94, kept level.
    assert plan.fees == (D("1.94"),) * 60
    assert plan.total_monthly_fees == D("116.40")
    assert plan.total_fees == D("166.40")
    assert plan.fee_phrase() == "$1.94 a month"


def test_california_keeps_its_percentage_its_floor_and_the_udmsa_dollar_cap():
    plan = propose_plan(
        [Debt("A", "3000", "0", "90")],
        lambda name: _zero("2"),
        monthly_fee=D("40"),
        setup_fee=D("150"),
        start=START,
        state="CA",
    )
    # 15% of $60 is $9.00; the UDMSA default for one creditor is $10; the 70% floor $25.71.
    assert (plan.monthly_fee, plan.setup_fee) == (D("9.00"), D("100.00"))
    assert plan.fee_rule.creditor_share_floor == D("70")
    assert "UDMSA default is applied as well" in " ".join(plan.fee_rule.explanations)
    floor = next(s for s in plan.fee_rule.sources if s.kind == "creditor_share_floor")
    assert floor.citation == "Cal. Fin. Code § 12104"


def test_a_state_with_no_recorded_rule_gets_the_udmsa_default_and_says_so():
    plan = propose_plan(
        [Debt("A", "3000", "0", "90")],
        lambda name: _zero("2"),
        monthly_fee=D("40"),
        setup_fee=D("80"),
        start=START,
        state="TX",
    )
    assert (plan.monthly_fee, plan.setup_fee) == (D("10.00"), D("50.00"))
    assert plan.fee_basis == "no state cap known: UDMSA default"
    assert plan.fee_rule.explanations[0].startswith("No fee cap is known for TX")


def test_every_rule_keeps_its_source_and_an_as_of_field():
    for code, row in DATA["states"].items():
        assert row["source_url"] in DATA["sources"], code
        assert row["rules"], code
        for rule in row["rules"]:
            assert "as_of" in rule, (code, rule)
    assert [r["as_of"] for r in DATA["states"]["MD"]["rules"]] == ["2023-06-01"] * 3


def test_the_stated_regular_payment_is_what_month_one_pays():
    plan = propose_plan(
        [Debt("A", "100", "10", "30")],
        lambda name: Concessions(max_term_months=1),
        monthly_fee=D("0"),
        setup_fee=D("0"),
        start=START,
    )
    assert plan.lines[0].payment == plan.schedule[0].to_creditors == D("100.83")
    assert plan.monthly_deposit == plan.schedule[0].deposit == D("100.83")


def test_the_engine_uses_its_own_decimal_context():
    def price():
        return propose_plan(
            [Debt("A", "12345.67", "17.49", "300"), Debt("B", "987.65", "29.99", "40")],
            lambda name: Concessions(concession_apr=D("7.4")),
            monthly_fee=D("35"),
            setup_fee=D("50"),
            start=START,
            state="VA",
        )

    expected = price()
    with localcontext() as context:
        context.prec, context.rounding = 4, ROUND_DOWN
        assert price() == expected
        assert price().total_interest == expected.total_interest
