"""What the counselor sees of failed checks: each with its plain reason and re-run."""

from __future__ import annotations

from intake.services.reconciliation import verification_reconcile
from intake.services.verification import (
    FailedCheck,
    verification_failed_checks,
    verification_rerun,
    verification_start,
)
from integrations.transunion.models import BureauPull
from integrations.transunion.services import bureau_pulls_sweep

from .test_reconciliation import _submitted


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
