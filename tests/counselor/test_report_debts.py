"""Plans from every debt: the builder offers each open revolving or installment account
the credit report holds and the plan does not (the verification panel's matcher), adds one
with a click, with the report's balance and the bank's APR and minimum, and tells two
accounts at one creditor apart. On the TransUnion sandbox's contract report."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from counselor.models import Proposal
from intake.models import VerificationRequest
from intake.selectors import report_debts_of
from tenants.roles import Role
from tests.counselor.cases import reported_pull_of, sent_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def counselor(make_staff, terms, agency_profile):
    return make_staff("counselor-1", Role.COUNSELOR)


def _reported_case(cards: list[dict]):
    """A case whose one stated debt is CAPITAL ONE, with the contract's credit report."""
    application = sent_application()
    debt = application.debts.get()
    debt.creditor, debt.balance = "CAPITAL ONE", Decimal("3800.00")
    debt.save()
    reported_pull_of(application, cards)
    return application


def _offered(page: str) -> list[str]:
    table = page.split('id="report-debt-rows"')[1].split("</table>")[0]
    return [
        re.sub(r"\s+", " ", name).strip() for name in re.findall(r'<th scope="row">([^<]+)', table)
    ]


def _jpmcb(application):
    return next(d for d in report_debts_of(application) if d.report_creditor == "JPMCB CARD")


def test_the_builder_offers_every_open_account_the_plan_lacks(client, counselor):
    application = _reported_case(cards=[])
    client.force_login(counselor)
    client.post(reverse("counselor:case-plan-start", args=[application.public_id]))

    page = client.get(reverse("counselor:builder", args=[application.public_id])).content.decode()
    offered = _offered(page)

    assert offered == [
        "5/3 Bank Na",
        "Thd / Citi",
        "Aes / Nct",
        "Chase Home",  # JPMCB HOME, a car loan
        "Citiznsbnkna",
        "Chase",  # JPMCB CARD
        "Bank of America",
        "Bank of America",
        "Kohls / Capone",
    ]  # the open revolving and installment accounts, less CAPITAL ONE (stated)
    bofa = [d for d in report_debts_of(application) if d.report_creditor == "BK OF AMER"]
    assert len(bofa) == 2 and bofa[0].label != bofa[1].label
    for debt in bofa:
        assert debt.label in page and debt.label.startswith("ending ")
    assert "opened Mar 2017" in page


def test_one_click_adds_a_report_only_debt_with_the_verified_figures(client, counselor):
    application = _reported_case(cards=[])
    jpmcb = _jpmcb(application)
    card = {"mask": jpmcb.last4, "balance": "1550.00", "apr": "26.99", "minimum_payment": "35.00"}
    request = VerificationRequest.objects.get(application=application)
    request.result = {"cards": [card]}
    request.save()
    client.force_login(counselor)
    client.post(reverse("counselor:case-plan-start", args=[application.public_id]))
    builder = reverse("counselor:builder", args=[application.public_id])
    before = client.get(builder).context["result"]
    add = reverse("counselor:builder-add-debt", args=[application.public_id])

    response = client.post(add, {"key": jpmcb.key, "version": "1"}, follow=True)
    again = client.post(add, {"key": jpmcb.key, "version": "2"}, follow=True)

    proposal = Proposal.objects.get(case_id=application.public_id)
    added = proposal.versions.get(number=2).inputs["debts"][-1]
    assert proposal.version == 2
    assert (added["balance"], added["apr"], added["min_payment"]) == ("1545.00", "26.99", "35.00")
    assert added["source"] == "bureau" and added["assumed"] == []
    assert added["report"]["last4"] == jpmcb.last4 and added["report"]["apr_source"] == "bank"
    page = response.content.decode()
    assert "from credit report" in page and f"ending {jpmcb.last4}" in page
    assert "Debt added from the credit report" in page
    assert re.search(
        r'id="eligibility">Eligibility: '
        r"(DMP \(standard\)|DMP \(hardship\)|Budget counseling|Other options)<",
        page,
    )
    after = response.context["result"]
    assert after.total_disclosed == before.total_disclosed + Decimal("1545.00")
    assert "Chase" not in _offered(page) and len(_offered(page)) == 8
    assert "already in the plan" in again.content.decode()
    assert Proposal.objects.get(case_id=application.public_id).version == 2


def test_a_report_debt_without_a_bank_card_says_what_was_assumed(client, counselor):
    application = _reported_case(cards=[])
    kohls = next(d for d in report_debts_of(application) if d.report_creditor == "KOHLS/CAPONE")
    client.force_login(counselor)
    client.post(reverse("counselor:case-plan-start", args=[application.public_id]))

    add = reverse("counselor:builder-add-debt", args=[application.public_id])
    page = client.post(add, {"key": kohls.key, "version": "1"}, follow=True).content.decode()

    added = Proposal.objects.get(case_id=application.public_id).versions.get(number=2)
    row = added.inputs["debts"][-1]
    assert (row["balance"], row["apr"], row["min_payment"]) == ("204.00", "0.00", "25.00")
    assert row["assumed"] == ["apr"] and row["report"]["minimum_source"] == "report"
    assert "APR unknown: 0% assumed" in page
    assert "not stated, assumed" not in page
