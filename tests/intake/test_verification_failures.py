"""What the counselor sees of failed checks: each with its plain reason and re-run."""

from __future__ import annotations

import pytest

from intake.models import VerificationRequest
from intake.services.reconciliation import verification_reconcile
from intake.services.verification import (
    FailedCheck,
    pull_key,
    verification_failed_checks,
    verification_rerun,
    verification_start,
)
from integrations.attempts import VendorAttempt
from integrations.plaid.models import PlaidItem
from integrations.tasks import bureau_pull, plaid_item_sync
from integrations.transunion.models import BureauPull
from integrations.transunion.services import bureau_pulls_sweep
from integrations.warehouse.models import OutboxEvent
from tests.e2e.test_verification import _finish, _link, _steps
from tests.integrations.plaid import conftest as plaid_fixtures
from tests.integrations.plaid.sandboxes import calls, faults
from tests.integrations.transunion import conftest as bureau_fixtures

from .conftest import url
from .test_reconciliation import _submitted

plaid_url, plaid = plaid_fixtures.plaid_url, plaid_fixtures.plaid
bureau_url, bureau = bureau_fixtures.bureau_url, bureau_fixtures.bureau


def test_a_pull_timed_out_by_the_sweeper_is_a_failed_check_with_its_reason(
    signed_in, draft, consumer, settings
):
    _submitted(signed_in, draft, consumer)
    verification_start(application_id=draft.pk)
    settings.VERIFICATION_CLAIM_TIMEOUT_SECONDS = 1
    BureauPull.objects.update(status="running", claimed_by="lost", claimed_at="2026-01-01T00:00Z")
    assert bureau_pulls_sweep() == 1
    assert verification_failed_checks(application=draft) == [
        FailedCheck(check="Credit report", reason="timed out", rerun_available=True)
    ]
    assert verification_reconcile(application_id=draft.pk) is True
    flag = draft.verification_flags.get(code="bureau_failed")
    assert flag.detail == "Credit report failed: timed out. Re-run is available."
    assert verification_rerun(application=draft) is True
    assert verification_failed_checks(application=draft) == []


@pytest.mark.parametrize(
    ("fault", "code", "reason"),
    [
        ("500", "INTERNAL_SERVER_ERROR", "the vendor was unavailable"),
        ("malformed", "CONTRACT_MISMATCH", "the vendor's answer was not in its documented format"),
    ],
)
def test_a_failed_identity_match_leaves_identity_unchecked_and_the_other_checks_run(
    plaid, bureau, signed_in, draft, fault, code, reason, settings
):
    """Plaid's /identity/match fails inside the reconciliation: the case shows "Identity
    not checked: <reason>", and the credit report and bank checks still ran."""
    settings.CREDITGENIE_ANALYTICS_KEY = "0b" * 32
    _steps(signed_in, draft)
    _link(signed_in, draft)
    _finish(signed_in, draft)
    assert signed_in.post(url(draft, "submit")).status_code == 302
    assert verification_start(application_id=draft.pk) is True
    # The vendor tasks, run here (Task.apply: the task's own code, without a broker).
    pull = BureauPull.objects.get(idempotency_key=pull_key(draft))
    assert bureau_pull.apply(kwargs={"pull_id": pull.pk}).get() == "done"
    (item,) = PlaidItem.objects.all()
    assert plaid_item_sync.apply(kwargs={"item_public_id": str(item.public_id)}).get() == "synced"
    faults(plaid, "/identity/match", fault)

    assert verification_reconcile(application_id=draft.pk) is True

    request = VerificationRequest.objects.get(application=draft)
    assert request.result["identity"] == {"name_score": None, "error_code": code}
    flag = draft.verification_flags.get(code="identity_not_checked")
    assert (flag.severity, flag.detail) == ("info", f"Identity not checked: {reason}.")
    assert verification_failed_checks(application=draft) == [
        FailedCheck(check="Identity", reason=reason, rerun_available=True)
    ]
    assert calls(plaid)["/identity/match"] == 1
    attempt = VendorAttempt.objects.get(operation="identity_match")
    assert (attempt.outcome, attempt.error_code) == (
        "permanent" if code == "CONTRACT_MISMATCH" else "transient",
        code,
    )
    # The bureau check ran: the report's tradelines matched against the stated card.
    assert [m["creditor"] for m in request.result["tradelines"]["matched"]] == ["JPMCB CARD"]
    assert draft.verification_flags.filter(code="past_due").exists()
    # The bank checks ran: income from the synced deposits.
    assert request.result["income"]["bank_monthly"] == "4008.33"
    # Verified: bureau, bank and income; identity is reported failed, not verified.
    sources = {
        kind: sorted(e.payload["verification_source"] for e in events)
        for kind in ("verification_completed", "verification_failed")
        if (events := OutboxEvent.objects.filter(event_type=kind))
    }
    assert sources == {
        "verification_completed": ["bank", "bureau", "income"],
        "verification_failed": ["identity"],
    }
