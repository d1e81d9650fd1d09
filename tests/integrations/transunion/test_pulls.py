"""Bureau pulls with a real worker on Redis and the bureau sandbox process: consent,
one pull per submission, encrypted raw report, timeouts reconciled instead of repeated."""

from __future__ import annotations

import pytest
from django.db import connection

from integrations.attempts import VendorAttempt
from integrations.errors import ConsentMissing
from integrations.transunion import services
from integrations.transunion.models import BureauPull, CreditReport
from tenants.audit.models import AuditEvent
from tests.integrations.plaid.sandboxes import wait_until, worker
from tests.integrations.transunion.subjects import bureau_calls, bureau_faults, make_subject

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def celery_worker():
    with worker() as w:
        yield w


def _request(key: str, last4: str = "0004", consent: bool = True) -> BureauPull:
    return services.bureau_pull_request(
        idempotency_key=key,
        subject=make_subject(last4),
        consent_given=consent,
        consent_reference="consent-fcra-1" if consent else "",
    )


def _done(pull: BureauPull) -> BureauPull:
    wait_until(
        lambda: BureauPull.objects.filter(pk=pull.pk, status__in=["done", "failed"]).exists()
    )
    pull.refresh_from_db()
    return pull


def test_no_pull_without_a_live_consent(bureau):
    before = AuditEvent.objects.filter(object_type="credit_pull", outcome="denied").count()
    with pytest.raises(ConsentMissing):
        _request("application:no-consent", consent=False)
    assert BureauPull.objects.count() == 0
    after = AuditEvent.objects.filter(object_type="credit_pull", outcome="denied").count()
    assert after == before + 1


def test_double_submit_makes_one_pull_and_one_encrypted_report(bureau, celery_worker):
    pull = _request("application:double")
    assert _request("application:double").pk == pull.pk
    assert _done(pull).status == "done"
    report = CreditReport.objects.get(pull=pull)
    assert (report.hit, report.frozen, report.score) == (True, False, 612)
    creditors = [t["creditor"] for t in report.summary["tradelines"]]
    assert creditors[0] == "SYNCB/AMAZON" and len(creditors) == 7
    assert report.summary["tradelines"][0]["balance"] == "4210"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT raw_xml, subject FROM integrations_creditreport r JOIN "
            "integrations_bureaupull p ON p.id = r.pull_id WHERE r.id = %s",
            [report.pk],
        )
        raw, subject = cursor.fetchone()
    assert raw.startswith("v1:") and subject.startswith("v1:") and "66600" not in raw + subject
    assert bureau_calls(bureau)["pulls"][pull.reference] == 1
    audited = AuditEvent.objects.filter(object_type__in=["credit_pull", "credit_report"])
    assert set(audited.values_list("object_type", flat=True)) >= {"credit_pull", "credit_report"}


def test_bureau_timeout_is_unknown_then_reconciled_not_repeated(bureau, celery_worker, settings):
    settings.TRANSUNION_TIMEOUT = (2, 1)
    bureau_faults(bureau, "slow:2")
    pull = _done(_request("application:timeout"))
    assert pull.status == "done"
    attempts = VendorAttempt.objects.filter(subject=pull.reference).order_by("pk")
    assert list(attempts.values_list("operation", "outcome", "error_code")) == [
        ("credit_report", "unknown", "RECONCILED_FOUND"),
        ("credit_report_lookup", "ok", ""),
    ]
    calls = bureau_calls(bureau)
    assert calls["pulls"][pull.reference] == 1
    assert CreditReport.objects.filter(pull=pull).count() == 1


def test_bureau_error_is_permanent_and_shows_failed(bureau, celery_worker):
    bureau_faults(bureau, "error:SUBJECT_INVALID")
    pull = _done(_request("application:error"))
    assert (pull.status, pull.error_code) == ("failed", "SUBJECT_INVALID")
    assert pull.get_status_display() == "Verification failed — re-run"
    rerun = services.bureau_pull_rerun(pull_public_id=pull.public_id)
    assert _done(rerun).status == "done"


def test_raw_reports_are_purged_after_retention(bureau, celery_worker):
    from datetime import timedelta

    from django.utils import timezone

    pull = _done(_request("application:purge", last4="0001"))
    report = CreditReport.objects.get(pull=pull)
    assert services.credit_reports_purge(now=timezone.now() + timedelta(days=91)) >= 1
    report.refresh_from_db()
    assert report.raw_xml is None
    assert report.summary["tradelines"][0]["creditor"] == "SELF FINANCIAL"
