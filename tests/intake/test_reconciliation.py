"""Reconciliation rules (creditor names, debt matching, income tolerance) and the consent
gates of the submit-time verification, run through the services in-process."""

from __future__ import annotations

from decimal import Decimal

import pytest

from intake.models import Debt, VerificationRequest
from intake.selectors.verification import verification_summary
from intake.services import application_submit, consent_withdraw, verification_request_record
from intake.services.reconciliation import (
    creditor_display,
    creditor_tokens,
    debts_match,
    verification_reconcile,
)
from intake.services.verification import (
    verification_ready,
    verification_rerun,
    verification_start,
)
from integrations.errors import VendorError
from integrations.transunion.models import BureauPull
from integrations.transunion.services import bureau_pull_fail
from tenants.audit.models import AuditEvent

from .conftest import fill


@pytest.mark.parametrize(
    ("bureau", "stated"),
    [
        ("SYNCB/AMAZON", "Amazon Store Card"),
        ("JPMCB CARD", "Chase Sapphire"),
        ("CAPITAL ONE", "Capital One Quicksilver"),
        ("DISCOVER FIN SVCS", "Discover it"),
        ("CITI/SEARS", "Sears card"),
        ("BK OF AMER", "Bank of America"),
    ],
)
def test_abbreviated_bureau_names_share_a_word_with_what_people_write(bureau, stated):
    assert creditor_tokens(bureau) & creditor_tokens(stated)


def test_unrelated_creditors_share_nothing():
    assert not creditor_tokens("SYNCB/LOWES") & creditor_tokens("Capital One")
    assert not creditor_tokens("Big Bank Card") & creditor_tokens("DISCOVER FIN SVCS")


def test_display_names_for_prefilled_debts():
    assert creditor_display("SYNCB/AMAZON") == "Synchrony / Amazon"
    assert creditor_display("JPMCB CARD") == "Chase"
    assert creditor_display("CAPITAL ONE") == "Capital One"
    assert creditor_display("ALLY FINANCIAL") == "Ally"


def _row(creditor: str, balance: str) -> dict:
    return {"creditor": creditor, "balance": Decimal(balance), "collection": False}


def test_debts_match_into_matched_missing_and_extra():
    amazon = Debt(creditor="Amazon card", kind="credit_card", balance=Decimal("4100"))
    lowes = Debt(creditor="Lowe's", kind="credit_card", balance=Decimal("1600"))
    doctor = Debt(creditor="Dr. Rivera", kind="medical", balance=Decimal("300"))
    report = [_row("SYNCB/AMAZON", "4210"), _row("SYNCB/LOWES", "1590"), _row("ALLY", "11250")]

    matched, missing, extra = debts_match([amazon, lowes, doctor], report)

    assert [(d.creditor, r["creditor"]) for d, r in matched] == [
        ("Amazon card", "SYNCB/AMAZON"),
        ("Lowe's", "SYNCB/LOWES"),
    ]
    assert [r["creditor"] for r in missing] == ["ALLY"]
    assert extra == [doctor]


def test_two_cards_of_one_bank_go_to_the_closest_balance():
    small = Debt(creditor="Synchrony", kind="credit_card", balance=Decimal("1500"))
    report = [_row("SYNCB/AMAZON", "4210"), _row("SYNCB/LOWES", "1590")]
    matched, missing, _extra = debts_match([small], report)
    assert matched[0][1]["creditor"] == "SYNCB/LOWES"
    assert [r["creditor"] for r in missing] == ["SYNCB/AMAZON"]


def test_a_stated_card_goes_to_the_banks_card_not_its_home_loan():
    card = Debt(creditor="CHASE CARD", kind="credit_card", balance=Decimal("1500"))
    home = {**_row("JPMCB HOME", "1490"), "account_type": "MT", "portfolio": "mortgage"}
    report = [home, {**_row("JPMCB CARD", "1545"), "account_type": "CC", "portfolio": "revolving"}]

    matched, missing, _extra = debts_match([card], report)

    assert matched[0][1]["creditor"] == "JPMCB CARD"
    assert [r["creditor"] for r in missing] == ["JPMCB HOME"]


def _submitted(signed_in, draft, consumer):
    fill(signed_in, draft)
    draft.refresh_from_db()
    if draft.is_draft:
        assert application_submit(application=draft, actor=consumer)
    verification_request_record(application_id=draft.pk)


def test_a_withdrawn_fcra_consent_stops_the_pull(signed_in, draft, consumer):
    _submitted(signed_in, draft, consumer)
    assert consent_withdraw(application=draft, kind="credit_pull", actor=consumer)
    denied = AuditEvent.objects.filter(object_type="credit_pull", outcome="denied")
    denied_before = denied.count()

    assert verification_start(application_id=draft.pk) is True

    request = VerificationRequest.objects.get(application=draft)
    assert request.bureau_outcome == "no_consent" and request.bureau_pull_id is None
    assert not BureauPull.objects.exists()
    assert denied.count() == denied_before + 1
    assert verification_ready(application_id=draft.pk)  # nothing to wait for


def test_verification_starts_once(signed_in, draft, consumer, settings):
    _submitted(signed_in, draft, consumer)
    assert verification_start(application_id=draft.pk) is True
    first = VerificationRequest.objects.get(application=draft)
    assert first.bureau_outcome == "requested"

    assert verification_start(application_id=draft.pk) is False  # a redelivered task

    assert BureauPull.objects.count() == 1
    assert VerificationRequest.objects.get(application=draft).bureau_pull_id == first.bureau_pull_id
    assert not verification_ready(application_id=draft.pk)  # the pull has not run


def test_a_failed_pull_is_flagged_for_the_counselor_and_can_be_rerun(signed_in, draft, consumer):
    _submitted(signed_in, draft, consumer)
    verification_start(application_id=draft.pk)
    pull = BureauPull.objects.get()
    bureau_pull_fail(pull=pull, error=VendorError("bureau down", False, code="SYS_BUSY"))
    assert verification_ready(application_id=draft.pk)

    assert verification_reconcile(application_id=draft.pk) is True
    assert verification_reconcile(application_id=draft.pk) is False  # once

    summary = verification_summary(draft)
    assert summary.status == "complete" and summary.bureau_failed
    assert ("bureau_failed", "critical") in {(f.code, f.severity) for f in summary.flags}
    assert verification_rerun(application=draft) is True
    pull.refresh_from_db()
    assert pull.status == BureauPull.Status.PENDING
    assert verification_summary(draft).status == "running"
    assert verification_rerun(application=draft) is False  # nothing failed any more
